"""The application's own PostgreSQL role cannot rewrite the journal nor switch its protection off."""

import importlib
import io
import uuid

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from cnfs.journal.roles import role_statements


def test_setup_db_roles_prints_the_grants_and_revokes():
    out = io.StringIO()
    call_command(
        "setup_db_roles", "--owner", "cnfs_owner", "--app", "cnfs_app", "--database", "cnfs", stdout=out
    )
    sql = out.getvalue()
    assert (
        'REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON journal_journalentry FROM "cnfs_app";' in sql
    )
    assert 'GRANT SELECT, INSERT ON journal_journalentry TO "cnfs_app";' in sql
    assert 'ALTER DATABASE "cnfs" OWNER TO "cnfs_owner";' in sql


def test_role_names_cannot_inject_sql():
    with pytest.raises(ValueError):
        role_statements(owner="cnfs", app='x"; DROP TABLE journal_journalentry; --', database="cnfs")


@pytest.fixture
def app_role(transactional_db):
    """A fresh application role set up by the command, with the journal's triggers installed (as in production);
    both removed afterwards (roles belong to the whole cluster, and the triggers would refuse the test's flush)."""
    triggers = importlib.import_module("cnfs.journal.migrations.0002_append_only_triggers")
    triggers.install_triggers(connection)
    name = f"cnfs_app_{uuid.uuid4().hex[:10]}"
    owner = connection.settings_dict["USER"] or "postgres"
    call_command("setup_db_roles", "--owner", owner, "--app", name, "--apply", stdout=io.StringIO())
    yield name
    triggers.remove_triggers(connection)
    with connection.cursor() as cursor:
        cursor.execute(f'DROP OWNED BY "{name}"')
        cursor.execute(f'DROP ROLE "{name}"')


def connect_as(role):
    settings = connection.settings_dict
    return psycopg.connect(
        dbname=settings["NAME"],
        user=role,
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
    )


@pytest.mark.postgres
def test_the_app_role_may_append_to_the_journal_and_nothing_more(app_role):
    with connect_as(app_role) as app:
        # Appending works, and so does the rest of the application (another table).
        with app.transaction(force_rollback=True):
            app.execute(
                "INSERT INTO journal_journalentry (created_at, role, action, object_type, object_id) "
                "VALUES (now(), '', 'test.insert', '', '')"
            )
            app.execute("UPDATE notifications_outgoingemail SET attempts = attempts WHERE false")
            assert app.execute("SELECT count(*) FROM journal_journalentry").fetchone() == (1,)
        forbidden = [
            "UPDATE journal_journalentry SET action = 'falsifié'",
            "DELETE FROM journal_journalentry",
            "TRUNCATE journal_journalentry",
            "ALTER TABLE journal_journalentry DISABLE TRIGGER ALL",
            "ALTER TABLE journal_journalentry DISABLE TRIGGER journal_no_update",
            "DROP TABLE journal_journalentry",
            "CREATE TABLE sneaky (id int)",
        ]
        for statement in forbidden:
            # Refused for want of the privilege (or of ownership), before the triggers are even reached.
            with (
                pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied|must be owner"),
                app.transaction(force_rollback=True),
            ):
                app.execute(statement)
        owns = app.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user"
        ).fetchone()
        assert owns == (0,)
