"""The candidate's copies of other rows — home coordinates and territory (from the commune and its département) and
`email_confirmed` (from the account) — kept right by the database itself, whatever path changes their source: a form,
a queryset update, a commune re-import or a raw SQL statement. Matching reads the copies from one covering index.

On the candidate row, the copies are recomputed from their sources at every insert and at every update touching them
(a direct write to a copy is overwritten); on the source rows, a change is pushed to the candidates that copy it."""

from django.db import migrations

TERRITORY = "CASE WHEN d.zone = 'metro' THEN 'metro' ELSE d.code END"

POSTGRES_FORWARD = f"""
CREATE OR REPLACE FUNCTION candidate_copy_sources() RETURNS trigger AS $$
BEGIN
    SELECT c.latitude, c.longitude, {TERRITORY}
      INTO NEW.latitude, NEW.longitude, NEW.territory
      FROM territories_commune c JOIN territories_departement d ON d.code = c.departement_id
     WHERE c.insee_code = NEW.commune_id;
    NEW.email_confirmed := COALESCE(
        (SELECT u.email_confirmed_at IS NOT NULL FROM accounts_user u WHERE u.id = NEW.user_id), FALSE);
    RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER candidate_copies BEFORE INSERT OR UPDATE OF commune_id, latitude, longitude, territory, user_id,
    email_confirmed ON candidates_candidate FOR EACH ROW EXECUTE FUNCTION candidate_copy_sources();

CREATE OR REPLACE FUNCTION candidate_follow_user() RETURNS trigger AS $$
BEGIN
    UPDATE candidates_candidate SET email_confirmed = (NEW.email_confirmed_at IS NOT NULL)
     WHERE user_id = NEW.id AND email_confirmed IS DISTINCT FROM (NEW.email_confirmed_at IS NOT NULL);
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER candidate_follows_user AFTER UPDATE OF email_confirmed_at ON accounts_user
    FOR EACH ROW EXECUTE FUNCTION candidate_follow_user();

CREATE OR REPLACE FUNCTION candidate_follow_commune() RETURNS trigger AS $$
BEGIN
    UPDATE candidates_candidate SET latitude = NEW.latitude, longitude = NEW.longitude
     WHERE commune_id = NEW.insee_code;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER candidate_follows_commune AFTER UPDATE OF latitude, longitude, departement_id
    ON territories_commune FOR EACH ROW
    WHEN (OLD.latitude IS DISTINCT FROM NEW.latitude OR OLD.longitude IS DISTINCT FROM NEW.longitude
          OR OLD.departement_id IS DISTINCT FROM NEW.departement_id)
    EXECUTE FUNCTION candidate_follow_commune();

CREATE OR REPLACE FUNCTION candidate_follow_departement() RETURNS trigger AS $$
BEGIN
    UPDATE candidates_candidate SET territory = territory
     WHERE commune_id IN (SELECT insee_code FROM territories_commune WHERE departement_id = NEW.code);
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER candidate_follows_departement AFTER UPDATE OF zone ON territories_departement
    FOR EACH ROW WHEN (OLD.zone IS DISTINCT FROM NEW.zone) EXECUTE FUNCTION candidate_follow_departement();
"""

POSTGRES_BACKWARD = """
DROP TRIGGER IF EXISTS candidate_copies ON candidates_candidate;
DROP TRIGGER IF EXISTS candidate_follows_user ON accounts_user;
DROP TRIGGER IF EXISTS candidate_follows_commune ON territories_commune;
DROP TRIGGER IF EXISTS candidate_follows_departement ON territories_departement;
DROP FUNCTION IF EXISTS candidate_copy_sources();
DROP FUNCTION IF EXISTS candidate_follow_user();
DROP FUNCTION IF EXISTS candidate_follow_commune();
DROP FUNCTION IF EXISTS candidate_follow_departement();
"""

# SQLite cannot assign NEW in a trigger: an AFTER trigger rewrites the row (recursive triggers are off, so the
# rewrite does not fire it again).
SQLITE_RECOMPUTE = f"""
    UPDATE candidates_candidate SET
        latitude = (SELECT latitude FROM territories_commune WHERE insee_code = NEW.commune_id),
        longitude = (SELECT longitude FROM territories_commune WHERE insee_code = NEW.commune_id),
        territory = (SELECT {TERRITORY} FROM territories_commune c
                      JOIN territories_departement d ON d.code = c.departement_id
                     WHERE c.insee_code = NEW.commune_id),
        email_confirmed = COALESCE(
            (SELECT email_confirmed_at IS NOT NULL FROM accounts_user WHERE id = NEW.user_id), 0)
    WHERE id = NEW.id;
"""
SQLITE_FORWARD = [
    f"CREATE TRIGGER candidate_copies_insert AFTER INSERT ON candidates_candidate FOR EACH ROW BEGIN "
    f"{SQLITE_RECOMPUTE} END;",
    "CREATE TRIGGER candidate_copies_update AFTER UPDATE OF commune_id, latitude, longitude, territory, user_id, "
    f"email_confirmed ON candidates_candidate FOR EACH ROW BEGIN {SQLITE_RECOMPUTE} END;",
    "CREATE TRIGGER candidate_follows_user AFTER UPDATE OF email_confirmed_at ON accounts_user FOR EACH ROW BEGIN "
    "UPDATE candidates_candidate SET email_confirmed = (NEW.email_confirmed_at IS NOT NULL) "
    "WHERE user_id = NEW.id AND email_confirmed IS NOT (NEW.email_confirmed_at IS NOT NULL); END;",
    "CREATE TRIGGER candidate_follows_commune AFTER UPDATE OF latitude, longitude, departement_id "
    "ON territories_commune FOR EACH ROW WHEN OLD.latitude IS NOT NEW.latitude "
    "OR OLD.longitude IS NOT NEW.longitude OR OLD.departement_id IS NOT NEW.departement_id BEGIN "
    "UPDATE candidates_candidate SET commune_id = commune_id WHERE commune_id = NEW.insee_code; END;",
    "CREATE TRIGGER candidate_follows_departement AFTER UPDATE OF zone ON territories_departement FOR EACH ROW "
    "WHEN OLD.zone IS NOT NEW.zone BEGIN UPDATE candidates_candidate SET commune_id = commune_id "
    "WHERE commune_id IN (SELECT insee_code FROM territories_commune WHERE departement_id = NEW.code); END;",
]
SQLITE_BACKWARD = [
    f"DROP TRIGGER IF EXISTS {name};"
    for name in (
        "candidate_copies_insert",
        "candidate_copies_update",
        "candidate_follows_user",
        "candidate_follows_commune",
        "candidate_follows_departement",
    )
]

# Rows written before the triggers: recompute every copy once.
POSTGRES_RESYNC = "UPDATE candidates_candidate SET commune_id = commune_id;"
SQLITE_RESYNC = (
    SQLITE_RECOMPUTE.replace("NEW.commune_id", "candidates_candidate.commune_id")
    .replace("NEW.user_id", "candidates_candidate.user_id")
    .replace("WHERE id = NEW.id", "")
)


def forward(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(POSTGRES_FORWARD)
            cursor.execute(POSTGRES_RESYNC)
        elif connection.vendor == "sqlite":
            for statement in SQLITE_FORWARD:
                cursor.execute(statement)
            cursor.execute(SQLITE_RESYNC)


def backward(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(POSTGRES_BACKWARD)
        elif connection.vendor == "sqlite":
            for statement in SQLITE_BACKWARD:
                cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("candidates", "0003_candidate_matching_visible"),
        ("accounts", "0001_initial"),
        ("territories", "0001_initial"),
    ]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
