"""The read replica (cnfs/core/replica.py), with a second alias `replica` on the test database (config/settings/test.py,
TEST MIRROR): marked reads go to it outside a transaction, everything else — unmarked reads, writes, reads inside a
transaction — to default; the scope statistics, the background exports, the open data and the public API statistics
read from it."""

import pytest
from django.db import connections, router, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cnfs.core.replica import iterate_reading_replica, reading_replica
from cnfs.territories.models import Departement
from tests.concurrency import APPS_BUT_JOURNAL
from tests.factories import DepartementFactory

BOTH = ["default", "replica"]


@pytest.fixture
def replica_on(settings):
    settings.CNFS_READ_FROM_REPLICA = True


def queries_on(alias):
    return CaptureQueriesContext(connections[alias])


@pytest.mark.django_db(transaction=True, databases=BOTH, available_apps=APPS_BUT_JOURNAL)
def test_marked_reads_go_to_the_replica_and_writes_to_default(replica_on):
    DepartementFactory(code="18", name="Cher")
    assert router.db_for_read(Departement) == "default"
    assert Departement.objects.all().db == "default"
    with reading_replica():
        assert router.db_for_read(Departement) == "replica"
        assert router.db_for_write(Departement) == "default"
        with queries_on("replica") as replica, queries_on("default") as default:
            assert Departement.objects.get(code="18").name == "Cher"
            Departement.objects.filter(code="18").update(name="Cher (18)")
        assert len(replica) == 1 and "SELECT" in replica[0]["sql"]
        assert len(default) == 1 and "UPDATE" in default[0]["sql"]
        with transaction.atomic():
            Departement.objects.filter(code="18").update(name="Cher")
            assert router.db_for_read(Departement) == "default"  # a transaction reads what it wrote
            with queries_on("replica") as replica:
                assert Departement.objects.get(code="18").name == "Cher"
            assert len(replica) == 0
    assert router.db_for_read(Departement) == "default"


@pytest.mark.django_db(transaction=True, databases=BOTH, available_apps=APPS_BUT_JOURNAL)
def test_a_decorated_function_and_a_streamed_iterable_read_from_the_replica(replica_on):
    @reading_replica()
    def alias():
        return router.db_for_read(Departement)

    assert alias() == "replica"
    assert router.db_for_read(Departement) == "default"
    assert list(iterate_reading_replica(router.db_for_read(Departement) for _ in range(2))) == ["replica"] * 2


@pytest.mark.django_db(transaction=True, databases=BOTH, available_apps=APPS_BUT_JOURNAL)
def test_without_the_replica_setting_everything_reads_default(settings):
    settings.CNFS_READ_FROM_REPLICA = False
    with reading_replica():
        assert router.db_for_read(Departement) == "default"


@pytest.mark.django_db(transaction=True, databases=BOTH, available_apps=APPS_BUT_JOURNAL)
def test_the_public_open_data_and_api_statistics_read_from_the_replica(client, replica_on):
    DepartementFactory(code="18", name="Cher")
    with queries_on("replica") as replica:
        response = client.get(reverse("activity:open_data_csv"))
        assert response.status_code == 200
        b"".join(response.streaming_content)
    assert any("activity_place" in query["sql"] for query in replica)
    with queries_on("replica") as replica:
        assert client.get("/api/v1/statistiques/mensuelles").status_code == 200
    assert len(replica) > 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, databases=BOTH, available_apps=APPS_BUT_JOURNAL)
@pytest.mark.usefixtures("_journal_cleanup")
def test_the_scope_statistics_read_from_the_replica(client, replica_on):
    from cnfs.accounts.roles import Role
    from tests.activity.factories import hired_advisor, make_report
    from tests.factories import UserFactory

    advisor = hired_advisor()
    make_report(advisor)
    prefect = UserFactory(role=Role.PREFECTURE, role__departement=advisor.structure.departement)
    client.force_login(prefect)
    with queries_on("replica") as replica:
        response = client.get(reverse("activity:scope_stats"))
    assert response.status_code == 200 and response.context["stats"].reports == 1
    assert any("activity_departementrollup" in query["sql"] for query in replica)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, databases=BOTH, available_apps=APPS_BUT_JOURNAL)
@pytest.mark.usefixtures("_journal_cleanup")
def test_a_background_export_reads_its_rows_from_the_replica(settings, replica_on):
    from cnfs.accounts.roles import Role
    from cnfs.exports import services
    from cnfs.exports.models import BackgroundExport, ExportStatus
    from tests.factories import UserFactory
    from tests.recruitment.factories import activated_structure

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    activated_structure(posts=3)
    agent = UserFactory(role=Role.ANCT)
    export, _ = services.request_export(
        "posts", "csv", {}, user=agent, assignment=agent.role_assignments.get()
    )
    with queries_on("replica") as replica, queries_on("default") as default:
        assert services.build(export.pk) == "done"
    assert any("structures_post" in query["sql"] for query in replica)
    assert all("UPDATE" not in query["sql"] for query in replica)
    assert any("UPDATE" in query["sql"] for query in default)
    export.refresh_from_db()
    assert export.status == ExportStatus.DONE and export.rows_done == 3
    assert BackgroundExport.objects.count() == 1
