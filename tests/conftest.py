import pytest
from django.db import connection

from cnfs.accounts.roles import Role
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _force_login_passes_second_factor(monkeypatch):
    """`client.force_login(user)` skips the password; for a role that requires a second factor it also records, as
    the verification page does, a confirmed TOTP device as passed in the session (django-otp's session key), so that
    view tests reach their page. `client.force_login(user, second_factor_passed=False)` logs in without it: the tests of
    the enforcement (tests/accounts/test_second_factor.py) use it."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from cnfs.accounts import second_factor

    original = Client.force_login

    def force_login(self, user, backend=None, *, second_factor_passed=True):
        original(self, user, backend)
        if second_factor_passed and second_factor.is_required(user):
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            if device is None:
                device = TOTPDevice.objects.create(user=user, name="Tests", confirmed=True)
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


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
