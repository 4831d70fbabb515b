"""The journal is append-only in the database too: UPDATE and DELETE on its table are refused by a trigger."""

from django.conf import settings
from django.db import migrations

TABLE = "journal_journalentry"

POSTGRES_FORWARD = f"""
CREATE OR REPLACE FUNCTION journal_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'journal is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER journal_no_update BEFORE UPDATE ON {TABLE} FOR EACH ROW EXECUTE FUNCTION journal_refuse_change();
CREATE TRIGGER journal_no_delete BEFORE DELETE ON {TABLE} FOR EACH ROW EXECUTE FUNCTION journal_refuse_change();
CREATE TRIGGER journal_no_truncate BEFORE TRUNCATE ON {TABLE} FOR EACH STATEMENT EXECUTE FUNCTION journal_refuse_change();
"""
POSTGRES_BACKWARD = f"""
DROP TRIGGER IF EXISTS journal_no_update ON {TABLE};
DROP TRIGGER IF EXISTS journal_no_delete ON {TABLE};
DROP TRIGGER IF EXISTS journal_no_truncate ON {TABLE};
DROP FUNCTION IF EXISTS journal_refuse_change();
"""
SQLITE_FORWARD = [
    f"CREATE TRIGGER journal_no_update BEFORE UPDATE ON {TABLE} "
    "BEGIN SELECT RAISE(ABORT, 'journal is append-only: UPDATE refused'); END;",
    f"CREATE TRIGGER journal_no_delete BEFORE DELETE ON {TABLE} "
    "BEGIN SELECT RAISE(ABORT, 'journal is append-only: DELETE refused'); END;",
]
SQLITE_BACKWARD = ["DROP TRIGGER IF EXISTS journal_no_update;", "DROP TRIGGER IF EXISTS journal_no_delete;"]


def install_triggers(connection):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(POSTGRES_FORWARD)
        elif connection.vendor == "sqlite":
            for statement in SQLITE_FORWARD:
                cursor.execute(statement)


def remove_triggers(connection):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(POSTGRES_BACKWARD)
        elif connection.vendor == "sqlite":
            for statement in SQLITE_BACKWARD:
                cursor.execute(statement)


def forward(apps, schema_editor):
    # The test settings turn this off: test databases are emptied between transactional tests, which the
    # triggers would refuse. tests/journal installs the same triggers inside a test to check them.
    if getattr(settings, "CNFS_JOURNAL_TRIGGERS", True):
        install_triggers(schema_editor.connection)


def backward(apps, schema_editor):
    remove_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("journal", "0001_initial")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
