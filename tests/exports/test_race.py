"""Two requests for the same export at the same instant, on PostgreSQL: one export, the second request joins it."""

import pytest

from cnfs.accounts.roles import Role
from cnfs.exports import services
from cnfs.exports.models import BackgroundExport, ExportStatus
from tests.concurrency import APPS_BUT_JOURNAL, race
from tests.factories import UserFactory
from tests.recruitment.factories import activated_structure

from .conftest import assignment_of


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, available_apps=APPS_BUT_JOURNAL)
@pytest.mark.usefixtures("_journal_cleanup")
def test_two_agents_requesting_the_same_export_at_once_share_one(settings):
    settings.TASKS = {
        "default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}
    }  # build it ourselves
    activated_structure(posts=3)
    agents = [UserFactory(role=Role.ANCT), UserFactory(role=Role.ANCT)]

    def ask(agent):
        return lambda: services.request_export(
            "posts", "xlsx", {"departement": "03"}, user=agent, assignment=assignment_of(agent)
        )

    results = race(ask(agents[0]), ask(agents[1]))
    for result in results:
        assert not isinstance(result, Exception), result
    (first, first_joined), (second, second_joined) = results
    assert first.pk == second.pk
    assert sorted([first_joined, second_joined]) == [False, True]
    export = BackgroundExport.objects.get()
    assert export.status == ExportStatus.QUEUED
    joiner = agents[1] if export.requested_by == agents[0] else agents[0]
    assert list(export.joined_by.all()) == [joiner]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, available_apps=APPS_BUT_JOURNAL)
@pytest.mark.usefixtures("_journal_cleanup")
def test_two_workers_building_the_same_export_at_once_build_it_once(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    activated_structure(posts=3)
    agent = UserFactory(role=Role.ANCT)
    export, _ = services.request_export("posts", "csv", {}, user=agent, assignment=assignment_of(agent))
    results = race(lambda: services.build(export.pk), lambda: services.build(export.pk))
    assert sorted(results) == ["done", "not-queued"]
    export.refresh_from_db()
    assert export.status == ExportStatus.DONE and export.rows_done == 3
    assert len(list(services.uploads.root(services.DIRECTORY).glob("*"))) == 1
