"""The candidate's copies (home position, territory, email confirmation) cannot drift from their sources, whatever
path changes the source; `manage.py check_consistency` reports none."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from cnfs.accounts.models import User
from cnfs.candidates.models import Candidate
from cnfs.territories import importer, sources
from cnfs.territories.models import Commune, Departement
from tests.recruitment.factories import CandidateFactory
from tests.territories.conftest import CSV_DIR

pytestmark = pytest.mark.django_db


def fresh(candidate):
    return Candidate.objects.get(pk=candidate.pk)


def test_email_confirmation_follows_a_queryset_update_of_the_account():
    candidate = CandidateFactory()
    assert fresh(candidate).email_confirmed is True
    User.objects.filter(pk=candidate.user_id).update(email_confirmed_at=None)
    assert fresh(candidate).email_confirmed is False
    User.objects.filter(pk=candidate.user_id).update(email_confirmed_at=timezone.now())
    assert fresh(candidate).email_confirmed is True


def test_a_direct_write_to_a_copy_is_overwritten_by_its_source():
    candidate = CandidateFactory(unconfirmed=True)
    Candidate.objects.filter(pk=candidate.pk).update(email_confirmed=True, latitude=0.0, territory="974")
    candidate = fresh(candidate)
    assert candidate.email_confirmed is False
    assert (candidate.latitude, candidate.longitude) == (
        candidate.commune.latitude,
        candidate.commune.longitude,
    )
    assert candidate.territory == "metro"


def test_position_follows_a_commune_update_and_territory_a_departement_zone():
    candidate = CandidateFactory()
    Commune.objects.filter(pk=candidate.commune_id).update(latitude=45.0, longitude=2.5)
    assert (fresh(candidate).latitude, fresh(candidate).longitude) == (45.0, 2.5)
    Departement.objects.filter(pk=candidate.commune.departement_id).update(zone="drom")
    assert fresh(candidate).territory == candidate.commune.departement_id


def test_position_follows_a_commune_re_import(tmp_path):
    importer.sync(sources.read_csv_directory(CSV_DIR))
    candidate = CandidateFactory(commune=Commune.objects.get(pk="03190"))
    moved = tmp_path / "csv"
    moved.mkdir()
    for source in CSV_DIR.iterdir():
        text = source.read_text(encoding="utf-8")
        if source.name == "communes.csv":
            text = text.replace("46.55913,3.32548", "46.60000,3.40000")
        (moved / source.name).write_text(text, encoding="utf-8")
    importer.sync(sources.read_csv_directory(moved))
    assert (fresh(candidate).latitude, fresh(candidate).longitude) == (46.6, 3.4)


def check(**kwargs):
    out = io.StringIO()
    call_command("check_consistency", stdout=out, **kwargs)
    return out.getvalue()


def test_check_consistency_reports_zero_violations_on_consistent_data():
    CandidateFactory.create_batch(3)
    CandidateFactory(unconfirmed=True)
    output = check()
    assert "0 violation(s)" in output
    assert "ok      candidates.position" in output
    assert "ok      candidates.email_confirmed" in output


@pytest.mark.skipif(connection.vendor != "sqlite", reason="drops the SQLite triggers to fake a drift")
def test_check_consistency_names_the_drifting_rows():
    candidate = CandidateFactory()
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER candidate_copies_update")
        try:
            Candidate.objects.filter(pk=candidate.pk).update(latitude=1.0, email_confirmed=False)
            with pytest.raises(CommandError, match="2 violation"):
                check()
        finally:
            from importlib import import_module

            migration = import_module("cnfs.candidates.migrations.0004_copied_fields_follow_sources")
            cursor.execute(migration.SQLITE_FORWARD[1])
