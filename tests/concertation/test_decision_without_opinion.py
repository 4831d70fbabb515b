"""ANCT decides only after the préfet's opinion, unless it records a "décision sans avis" with its reason."""

import pytest
from django.urls import reverse
from django.utils import timezone

from cnfs.accounts.roles import Role
from cnfs.concertation import workflow
from cnfs.concertation.models import ApplicationStatus, CommitteeDecision, DecisionOutcome
from cnfs.journal.models import JournalEntry
from tests.factories import PrefectOpinionFactory, StructureApplicationFactory, UserFactory

pytestmark = pytest.mark.django_db
S = ApplicationStatus
REASON = "Le préfet a été relancé deux fois sans réponse avant le comité."


@pytest.fixture
def anct():
    return UserFactory(role=Role.ANCT)


@pytest.mark.parametrize("outcome", list(DecisionOutcome))
def test_anct_cannot_decide_before_the_opinion(anct, outcome):
    application = StructureApplicationFactory(submitted=True)
    with pytest.raises(workflow.TransitionError, match="pas encore donné son avis"):
        workflow.decide(application, by=anct, outcome=outcome, posts=2)
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    assert not CommitteeDecision.objects.exists()
    assert not JournalEntry.objects.filter(action__startswith="application.").exists()


def test_a_decision_without_opinion_keeps_its_reason_on_the_decision_and_journals_only_the_fact(anct):
    application = StructureApplicationFactory(submitted=True)
    decision = workflow.decide(
        application, by=anct, outcome=DecisionOutcome.NEGATIVE, without_opinion_reason=f"  {REASON} "
    )
    assert decision.without_opinion_reason == REASON
    application.refresh_from_db()
    assert application.status == S.REFUSED
    entry = JournalEntry.objects.get(action="application.refuse")
    assert entry.after["without_opinion"] is True
    assert entry.after["decision"] == decision.pk
    assert REASON not in str(entry.after) and REASON not in str(entry.before)


def test_after_the_opinion_no_reason_is_needed_nor_kept(anct):
    application = PrefectOpinionFactory().application
    decision = workflow.decide(
        application, by=anct, outcome=DecisionOutcome.NEGATIVE, without_opinion_reason=REASON
    )
    assert decision.without_opinion_reason == ""
    assert JournalEntry.objects.get(action="application.refuse").after["without_opinion"] is False


def test_the_batch_decision_refuses_the_session_when_one_has_no_opinion(anct):
    reviewed = PrefectOpinionFactory().application
    unreviewed = StructureApplicationFactory(submitted=True)
    with pytest.raises(workflow.TransitionError, match="pas encore donné son avis"):
        workflow.decide_batch([reviewed, unreviewed], by=anct, outcome=DecisionOutcome.NEGATIVE)
    assert not CommitteeDecision.objects.exists()
    decisions = workflow.decide_batch(
        [reviewed, unreviewed], by=anct, outcome=DecisionOutcome.NEGATIVE, without_opinion_reason=REASON
    )
    assert [d.without_opinion_reason for d in decisions] == ["", REASON]


def decision_data(**extra):
    return {"outcome": "negative", "committee_date": timezone.localdate().isoformat(), **extra}


def test_the_decision_form_offers_the_waiver_only_without_opinion(client, anct):
    client.force_login(anct)
    unreviewed = StructureApplicationFactory(submitted=True)
    page = client.get(reverse("concertation:detail", args=[unreviewed.pk])).content.decode()
    assert "Décision sans avis du préfet" in page and 'name="without_opinion_reason"' in page
    reviewed = PrefectOpinionFactory().application
    page = client.get(reverse("concertation:detail", args=[reviewed.pk])).content.decode()
    assert 'name="outcome"' in page and 'name="without_opinion_reason"' not in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "without_opinion", "pas encore donné son avis"),
        ({"without_opinion": "on"}, "without_opinion_reason", "Indiquez pourquoi"),
        (
            {"without_opinion": "on", "without_opinion_reason": "Trop"},
            "without_opinion_reason",
            "au moins 10",
        ),
        ({"without_opinion_reason": REASON}, "without_opinion", "Cochez « Décision sans avis du préfet »"),
    ],
)
def test_the_waiver_and_its_reason_go_together_with_errors_next_to_the_fields(
    client, anct, data, field, message
):
    application = StructureApplicationFactory(submitted=True)
    client.force_login(anct)
    response = client.post(reverse("concertation:decide", args=[application.pk]), decision_data(**data))
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert f'id="id_{field}-error"' in html
    if data.get("without_opinion_reason"):
        assert data["without_opinion_reason"] in html  # the input is kept
    assert not CommitteeDecision.objects.exists()


def test_anct_decides_without_opinion_through_the_form(client, anct):
    application = StructureApplicationFactory(submitted=True)
    client.force_login(anct)
    response = client.post(
        reverse("concertation:decide", args=[application.pk]),
        decision_data(without_opinion="on", without_opinion_reason=REASON),
    )
    assert response.status_code == 302
    assert CommitteeDecision.objects.get().without_opinion_reason == REASON
    page = client.get(reverse("concertation:detail", args=[application.pk])).content.decode()
    assert "Décision sans avis du préfet : " + REASON.replace("'", "&#x27;") in page


def test_batch_form_with_the_waiver(client, anct):
    applications = StructureApplicationFactory.create_batch(2, submitted=True)
    client.force_login(anct)
    url = reverse("concertation:decide_batch")
    data = decision_data(applications=[a.pk for a in applications])
    response = client.post(url, data, follow=True)
    assert "Aucune décision enregistrée" in response.content.decode()
    assert not CommitteeDecision.objects.exists()
    client.post(url, {**data, "without_opinion": "on", "without_opinion_reason": REASON})
    assert CommitteeDecision.objects.filter(without_opinion_reason=REASON).count() == 2


@pytest.mark.parametrize(
    ("reason", "message"),
    [("Motif\x00 avec un octet nul", "caractère nul"), ("x" * 1001, "au plus 1 000 caractères")],
)
def test_hostile_reasons_get_a_clear_message_and_nothing_is_saved(client, anct, reason, message):
    application = StructureApplicationFactory(submitted=True)
    client.force_login(anct)
    response = client.post(
        reverse("concertation:decide", args=[application.pk]),
        decision_data(without_opinion="on", without_opinion_reason=reason),
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not CommitteeDecision.objects.exists()


def test_a_double_submitted_decision_records_one_decision(client, anct):
    application = StructureApplicationFactory(submitted=True)
    client.force_login(anct)
    url = reverse("concertation:decide", args=[application.pk])
    data = decision_data(without_opinion="on", without_opinion_reason=REASON)
    assert client.post(url, data).status_code == 302
    again = client.post(url, data)
    assert again.status_code == 400 and "impossible" in again.content.decode()
    assert CommitteeDecision.objects.count() == 1
