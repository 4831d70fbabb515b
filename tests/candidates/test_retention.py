"""Personal data retention (SPEC §15): inactive candidates warned then anonymised, unconfirmed accounts purged."""

from datetime import datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse

from cnfs.accounts.models import User
from cnfs.accounts.roles import Role
from cnfs.candidates import retention
from cnfs.candidates.models import Candidate
from cnfs.journal.models import JournalEntry
from cnfs.notifications.models import OutgoingEmail
from tests.factories import PASSWORD, CommuneFactory, DepartementFactory, UserFactory
from tests.recruitment.factories import CandidateFactory

pytestmark = pytest.mark.django_db

SIGNUP = datetime.fromisoformat("2024-03-01T10:00:00+01:00")
TWO_YEARS = SIGNUP + timedelta(days=730)


def by_territory():
    return dict(
        Candidate.objects.values_list("commune__departement")
        .annotate(n=Count("pk"))
        .values_list("commune__departement", "n")
    )


@pytest.fixture
def inactive():
    with time_machine.travel(SIGNUP, tick=False):
        return CandidateFactory()


def run(at, apply=True):
    with time_machine.travel(at, tick=False):
        return retention.run(apply=apply)


def test_warned_on_the_day_two_years_of_inactivity_are_reached_not_the_day_before(inactive):
    result, _ = run(TWO_YEARS - timedelta(days=1))
    assert result.warn == []
    result, _ = run(TWO_YEARS)
    assert result.warn == [inactive.pk]
    inactive.refresh_from_db()
    assert inactive.retention_warned_at == TWO_YEARS
    email = OutgoingEmail.objects.get(to=inactive.user.email)
    assert "31/03/2026" in email.body_text  # the day of erasure: 30 days later
    assert JournalEntry.objects.filter(
        action="candidate.retention_warned", object_id=str(inactive.pk)
    ).exists()
    # Warned once only.
    result, _ = run(TWO_YEARS + timedelta(days=1))
    assert result.warn == [] and OutgoingEmail.objects.count() == 1


def test_anonymised_a_month_after_the_warning_not_the_day_before(inactive):
    other = CandidateFactory(
        commune=CommuneFactory(insee_code="69123", departement=DepartementFactory(code="69"))
    )
    before = by_territory()
    cv_user = inactive.user_id
    run(TWO_YEARS)
    result, _ = run(TWO_YEARS + timedelta(days=30) - timedelta(seconds=1))
    assert result.anonymise == []
    result, _ = run(TWO_YEARS + timedelta(days=30))
    assert result.anonymise == [inactive.pk]
    inactive.refresh_from_db()
    assert inactive.erased_at is not None and inactive.user_id is None and inactive.motivation == ""
    assert not User.objects.filter(pk=cv_user).exists()
    other.refresh_from_db()
    assert other.erased_at is None and other.user_id is not None
    assert by_territory() == before  # statistics by territory unchanged
    assert JournalEntry.objects.filter(action="candidate.anonymised_for_inactivity").count() == 1


def test_a_login_after_the_warning_keeps_the_account(client, inactive):
    run(TWO_YEARS)
    with time_machine.travel(TWO_YEARS + timedelta(days=10), tick=False):
        client.post(reverse("accounts:login"), {"username": inactive.user.email, "password": PASSWORD})
    result, _ = run(TWO_YEARS + timedelta(days=31))
    assert result.anonymise == [] and result.came_back == [inactive.pk]
    inactive.refresh_from_db()
    assert inactive.erased_at is None and inactive.retention_warned_at is None


def test_dry_run_changes_nothing_and_says_what_it_would_do(inactive):
    unconfirmed = UserFactory(role=Role.CANDIDATE, email_confirmed_at=None)
    User.objects.filter(pk=unconfirmed.pk).update(date_joined=SIGNUP)
    out = StringIO()
    with time_machine.travel(TWO_YEARS, tick=False):
        call_command("apply_retention", stdout=out)
    text = out.getvalue()
    assert "Simulation" in text
    assert f"1 candidat(s) inactif(s) à avertir : [{inactive.pk}]" in text
    assert f"1 compte(s) non confirmé(s) à supprimer : [{unconfirmed.pk}]" in text
    inactive.refresh_from_db()
    assert inactive.retention_warned_at is None
    assert User.objects.filter(pk=unconfirmed.pk).exists()
    assert not OutgoingEmail.objects.exists()
    assert not JournalEntry.objects.filter(action__startswith="candidate.retention").exists()
    with time_machine.travel(TWO_YEARS, tick=False):
        call_command("apply_retention", "--apply", stdout=out)
    assert not User.objects.filter(pk=unconfirmed.pk).exists()
    inactive.refresh_from_db()
    assert inactive.retention_warned_at is not None


def test_unconfirmed_accounts_are_purged_after_30_days_only():
    with time_machine.travel(SIGNUP, tick=False):
        candidate = CandidateFactory(unconfirmed=True)
        confirmed = CandidateFactory()
    user_id = candidate.user_id
    result, _ = run(SIGNUP + timedelta(days=30) - timedelta(seconds=1))
    assert result.purge == []
    result, _ = run(SIGNUP + timedelta(days=30))
    assert result.purge == [user_id]
    assert not User.objects.filter(pk=user_id).exists()
    candidate.refresh_from_db()
    assert candidate.erased_at is not None
    assert User.objects.filter(pk=confirmed.user_id).exists()


def test_accounts_with_another_role_are_never_touched():
    with time_machine.travel(SIGNUP, tick=False):
        advisor = CandidateFactory()
        advisor.user.role_assignments.create(role=Role.ADVISOR)
        agent = UserFactory(role=Role.PREFECTURE, email_confirmed_at=None)
    result, _ = run(TWO_YEARS + timedelta(days=60))
    assert advisor.pk not in result.warn and agent.pk not in result.purge


def test_the_daily_task_is_registered_and_runs_for_real(settings, inactive):
    assert (
        settings.CNFS_DAILY_TASKS["personal_data_retention"][0] == "cnfs.candidates.retention.apply_retention"
    )
    with time_machine.travel(TWO_YEARS, tick=False):
        assert retention.apply_retention.call()["warned"] == 1


def test_the_privacy_page_states_each_period_from_the_settings(client, settings):
    settings.CNFS_CANDIDATE_INACTIVITY = timedelta(days=3 * 365)
    text = client.get(reverse("public:privacy")).text
    assert "3 ans sans activité" in text
    assert "30 jours" in text
