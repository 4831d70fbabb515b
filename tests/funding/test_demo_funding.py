"""The demo's funding story, written through the real services at the dates it needs: every state a user should see
(paid, due and future tranches, signed and renewed agreements, a validated and a pending termination, a filed and a
late quarterly report), a history that holds together, nothing the consistency rules reject."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from cnfs.core.consistency import run_checks
from cnfs.funding.models import (
    AgreementStatus,
    Contract,
    GrantAgreement,
    Payment,
    QuarterlyReport,
    Termination,
    TerminationStatus,
    Tranche,
    TrancheStatus,
)
from cnfs.funding.reports import reports_status
from cnfs.journal.models import JournalEntry
from tests.recruitment.test_demo import territories  # noqa: F401 — the demo's territories

pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("territories")
def test_the_demo_tells_a_funding_story_that_holds_together():
    call_command("seed_demo")
    counts = [
        model.objects.count() for model in (Contract, Payment, GrantAgreement, Termination, QuarterlyReport)
    ]
    call_command("seed_demo")
    assert [
        m.objects.count() for m in (Contract, Payment, GrantAgreement, Termination, QuarterlyReport)
    ] == counts

    today = timezone.localdate()
    assert Contract.objects.count() >= 3
    assert Tranche.objects.filter(status=TrancheStatus.PAID).exists()
    assert Tranche.objects.filter(status=TrancheStatus.SCHEDULED, due_on__lte=today).exists()  # due, not paid
    assert Tranche.objects.filter(status=TrancheStatus.SCHEDULED, due_on__gt=today).exists()
    assert Tranche.objects.filter(status=TrancheStatus.CANCELLED).exists()
    assert GrantAgreement.objects.filter(status=AgreementStatus.SIGNED).exists()
    assert GrantAgreement.objects.filter(status=AgreementStatus.RENEWED, renewals__isnull=False).exists()
    assert set(Termination.objects.values_list("status", flat=True)) == {
        TerminationStatus.VALIDATED,
        TerminationStatus.REQUESTED,
    }
    assert QuarterlyReport.objects.exists()
    assert any(row.late(today) for row in reports_status())

    # Each step happened after the one it needs, as the app would have written it.
    for contract in Contract.objects.select_related("post", "match"):
        assert contract.signed_on >= contract.post.committee_date
        posting = contract.match.grant_files.get(status="conform").job_posting
        assert contract.signed_on >= posting.contract_signable_from
        assert contract.signed_on <= contract.post.deadline
        decided = contract.match.grant_files.get(status="conform").decided_at
        assert timezone.localdate(decided) <= contract.signed_on
    for payment in Payment.objects.select_related("tranche"):
        assert payment.tranche.due_on <= payment.paid_on <= today
    assert JournalEntry.objects.filter(action="payment.recorded").count() == Payment.objects.count()
    assert JournalEntry.objects.filter(action="termination.validated").count() == 1
    assert {result.check.name: result.ids for result in run_checks() if result.ids} == {}
