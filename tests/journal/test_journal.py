import importlib

import pytest
from django.db import DatabaseError, connection, transaction

from cnfs.accounts.roles import Role
from cnfs.journal.models import AppendOnlyError, JournalEntry
from cnfs.journal.services import record
from tests.factories import StructureFactory, UserFactory


@pytest.mark.django_db
def test_record_writes_who_what_when_and_before_after():
    user = UserFactory(role=Role.ANCT)
    structure = StructureFactory()
    entry = record(
        "structure.moved", structure, by=user, before={"status": "draft"}, after={"status": "active"}
    )
    entry.refresh_from_db()
    assert entry.actor_id == user.pk
    assert entry.object_type == "structures.structure"
    assert entry.object_id == str(structure.pk)
    assert (entry.before, entry.after) == ({"status": "draft"}, {"status": "active"})
    assert entry.created_at is not None
    assert list(JournalEntry.objects.for_object(structure)) == [entry]


@pytest.mark.django_db
def test_record_takes_role_and_ip_from_the_request(client):
    user = UserFactory(role=Role.ANCT, first_name="Avant")
    client.force_login(user)
    client.post(
        "/compte/mon-compte/",
        {"first_name": "Après", "last_name": user.last_name, "phone": ""},
        REMOTE_ADDR="192.0.2.10",
    )
    entry = JournalEntry.objects.get(action="account.profile_updated")
    assert (entry.role, entry.ip_address) == (Role.ANCT, "192.0.2.10")


@pytest.mark.django_db
def test_entries_cannot_be_changed_or_deleted_from_python():
    entry = record("test.action")
    entry.action = "autre"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        JournalEntry.objects.all().update(action="autre")
    with pytest.raises(AppendOnlyError):
        JournalEntry.objects.all().delete()


@pytest.fixture
def triggers(db):
    """The migration's triggers, installed inside the test transaction (rolled back with it)."""
    migration = importlib.import_module("cnfs.journal.migrations.0002_append_only_triggers")
    migration.install_triggers(connection)


def test_migrations_install_the_triggers_outside_tests():
    from config.settings import base

    assert base.CNFS_JOURNAL_TRIGGERS is True


def test_the_database_refuses_update_and_delete(triggers):
    """A trigger on both SQLite and PostgreSQL: even raw SQL cannot rewrite the journal."""
    entry = record("test.action", after={"x": 1})
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE journal_journalentry SET action = 'falsifié' WHERE id = %s", [entry.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM journal_journalentry WHERE id = %s", [entry.pk])
    entry.refresh_from_db()
    assert entry.action == "test.action"


@pytest.mark.postgres
def test_postgresql_trigger_also_refuses_truncate(triggers):
    record("test.action")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE journal_journalentry")
    assert JournalEntry.objects.count() == 1


@pytest.mark.django_db
def test_the_journal_keeps_the_actor_id_when_the_account_is_erased():
    user = UserFactory()
    entry = record("test.action", by=user)
    user_id = user.pk
    user.delete()
    entry = JournalEntry.objects.get(pk=entry.pk)
    assert entry.actor_id == user_id


@pytest.mark.django_db
def test_record_keeps_ids_codes_numbers_dates_and_only_the_names_of_personal_fields():
    """Whatever a caller passes, personal and free-text values never reach the journal; their keys do."""
    import datetime
    from decimal import Decimal

    user = UserFactory()
    after = {
        "status": "favourable",
        "scope": "departement:03",
        "posts": 2,
        "ratio": Decimal("1.5"),
        "on": datetime.date(2026, 11, 27),
        "confirmed": True,
        "user": user,
        "email": "lea.marchand@exemple.fr",
        "first_name": "ana",
        "phone": "+33612345678",
        "comment": "Très bon projet local.",
        "reason": "Le candidat n'est plus disponible",
        "contact": {"email": "x@exemple.fr", "posts": [1, 2]},
        "codes": ["a b", "ok"],
    }
    entry = record("test.action", after=after)
    entry.refresh_from_db()
    assert entry.after == {
        "status": "favourable",
        "scope": "departement:03",
        "posts": 2,
        "ratio": "1.5",
        "on": "2026-11-27",
        "confirmed": True,
        "user": user.pk,
        "email": "[retiré]",
        "first_name": "[retiré]",
        "phone": "[retiré]",
        "comment": "[retiré]",
        "reason": "[retiré]",
        "contact": {"email": "[retiré]", "posts": [1, 2]},
        "codes": ["[retiré]", "ok"],
    }
