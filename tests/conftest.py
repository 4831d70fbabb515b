import pytest
from django.db import connection

from cnfs.accounts.roles import Role
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _media_and_private_storage(settings, tmp_path):
    settings.PRIVATE_ROOT = tmp_path / "private"


@pytest.fixture
def users_by_role(db) -> dict:
    """One user per role, each with a scope in the Allier (03) where the role has one."""
    return {role: UserFactory(role=role) for role in Role}


@pytest.fixture
def role_matrix(client, users_by_role):
    from tests.permissions import RoleMatrix

    return RoleMatrix(client, users_by_role)


def pytest_collection_modifyitems(config, items):
    skip_pg = pytest.mark.skip(reason="PostgreSQL uniquement (DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords and connection.vendor != "postgresql":
            item.add_marker(skip_pg)


@pytest.fixture
def _journal_cleanup():
    """For transactional tests run without the journal app (tests.concurrency.APPS_BUT_JOURNAL): removes the journal
    entries the test committed, as superuser with the append-only triggers off for that one transaction."""
    from django.db import transaction

    from cnfs.journal.models import JournalEntry

    last = JournalEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    yield
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("DELETE FROM journal_journalentry WHERE id > %s", [last])
