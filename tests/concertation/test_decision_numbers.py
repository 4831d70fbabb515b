"""Decision numbers are stored: a per-year sequence without gaps or duplicates, whatever the primary keys."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from cnfs.accounts.roles import Role
from cnfs.concertation import workflow
from cnfs.concertation.models import CommitteeDecision, DecisionCounter
from tests.concurrency import APPS_BUT_JOURNAL, outcomes, race
from tests.factories import (
    CommitteeDecisionFactory,
    PrefectOpinionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_numbers_follow_each_year_without_gaps_not_the_primary_key():
    CommitteeDecisionFactory(committee_date=date(2025, 12, 30))
    # A decision deleted before commit does not leave its primary key's gap in the numbers.
    with transaction.atomic():
        CommitteeDecisionFactory(committee_date=date(2026, 1, 5))
        transaction.set_rollback(True)
    first = CommitteeDecisionFactory(committee_date=date(2026, 1, 5))
    second = CommitteeDecisionFactory(committee_date=date(2026, 2, 1))
    assert [first.number, second.number] == ["2026-00001", "2026-00002"]
    assert CommitteeDecision.objects.get(committee_date=date(2025, 12, 30)).number == "2025-00001"
    assert DecisionCounter.objects.get(year=2026).last == 2
    first.refresh_from_db()
    assert first.number == "2026-00001"  # stored, not derived


def test_a_number_is_unique_in_the_database():
    decision = CommitteeDecisionFactory()
    other = CommitteeDecisionFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        CommitteeDecision.objects.filter(pk=other.pk).update(number=decision.number)


def test_the_decision_page_and_detail_show_the_stored_number(client):
    anct = UserFactory(role=Role.ANCT)
    application = PrefectOpinionFactory().application
    decision = workflow.decide(application, by=anct, outcome="negative", committee_date=date(2026, 3, 2))
    assert decision.number == "2026-00001"
    client.force_login(anct)
    from django.urls import reverse

    assert "Décision n° 2026-00001" in client.get(reverse("concertation:detail", args=[application.pk])).text


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, available_apps=APPS_BUT_JOURNAL)
@pytest.mark.usefixtures("_journal_cleanup")
def test_concurrent_decisions_get_consecutive_distinct_numbers():
    count = 6
    applications = [PrefectOpinionFactory().application for _ in range(count)]
    agent = UserFactory(role=Role.ANCT)
    results = race(
        *[
            lambda a=a: workflow.decide(a, by=agent, outcome="negative", committee_date=date(2031, 5, 4))
            for a in applications
        ]
    )
    assert outcomes(results, workflow.TransitionError) == ["ok"] * count
    numbers = sorted(
        CommitteeDecision.objects.filter(committee_date__year=2031).values_list("number", flat=True)
    )
    assert numbers == [f"2031-{n:05d}" for n in range(1, count + 1)]
