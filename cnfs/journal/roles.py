"""PostgreSQL roles that keep the journal append-only even against the application itself.

The journal's triggers (migration 0002) refuse UPDATE, DELETE and TRUNCATE, but a table's owner may drop or disable
them (`ALTER TABLE … DISABLE TRIGGER`). So production uses two roles:

- the owner role, which runs `manage.py migrate` and owns every table (the journal and its triggers included);
- the application role, which gunicorn and the workers connect as: it reads and writes the other tables, may only
  SELECT and INSERT in the journal, owns nothing, and so can neither change the journal nor disable its triggers.

`role_statements()` gives the SQL, `manage.py setup_db_roles` prints it or applies it (see the README).
"""

import re

JOURNAL_TABLE = "journal_journalentry"
ROLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def quoted(name: str) -> str:
    if not ROLE_NAME.fullmatch(name):
        raise ValueError(f"Nom de rôle ou de base invalide : {name!r} (minuscules, chiffres et _).")
    return f'"{name}"'


def role_statements(*, owner: str, app: str, database: str) -> list[str]:
    o, a, db = quoted(owner), quoted(app), quoted(database)
    return [
        # Both roles, created if missing (passwords are set apart: ALTER ROLE … PASSWORD, or \password in psql).
        f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{owner}') THEN "
        f"CREATE ROLE {o} LOGIN; END IF; END $$",
        f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{app}') THEN "
        f"CREATE ROLE {a} LOGIN; END IF; END $$",
        # The application role may not create roles, databases or objects, nor bypass anything.
        f"ALTER ROLE {a} NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOREPLICATION",
        f"ALTER DATABASE {db} OWNER TO {o}",
        f"GRANT CONNECT, TEMPORARY ON DATABASE {db} TO {a}",
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        f"GRANT USAGE, CREATE ON SCHEMA public TO {o}",
        f"GRANT USAGE ON SCHEMA public TO {a}",
        # Every existing table and sequence belongs to the owner role (they may have been created by another role).
        "DO $$ DECLARE item record; BEGIN "
        "FOR item IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' LOOP "
        f"EXECUTE format('ALTER TABLE public.%I OWNER TO {o}', item.tablename); END LOOP; "
        "FOR item IN SELECT sequencename FROM pg_sequences WHERE schemaname = 'public' LOOP "
        f"EXECUTE format('ALTER SEQUENCE public.%I OWNER TO {o}', item.sequencename); END LOOP; END $$",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {a}",
        f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {a}",
        # The journal: read and append only.
        f"REVOKE ALL ON {JOURNAL_TABLE} FROM PUBLIC",
        f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {JOURNAL_TABLE} FROM {a}",
        f"GRANT SELECT, INSERT ON {JOURNAL_TABLE} TO {a}",
        # Tables that later migrations create (as the owner role) get the same rights.
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA public "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {a}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {a}",
    ]
