import pytest
from django.core.management import call_command
from django.utils import timezone

from cnfs.funding.models import AgreementStatus, Contract, GrantAgreement, Payment, Tranche, TrancheStatus
from cnfs.journal.models import JournalEntry
from tests.recruitment.test_demo import territories  # noqa: F401 — the demo's territories

pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("territories")
def test_demo_funding_shows_contracts_agreements_renewal_and_paid_due_future_tranches():
    call_command("seed_demo")
    counts = (Contract.objects.count(), Payment.objects.count(), GrantAgreement.objects.count())
    call_command("seed_demo")
    assert (Contract.objects.count(), Payment.objects.count(), GrantAgreement.objects.count()) == counts
    assert counts[0] >= 2
    today = timezone.localdate()
    assert Tranche.objects.filter(status=TrancheStatus.PAID).exists()
    assert Tranche.objects.filter(status=TrancheStatus.SCHEDULED, due_on__lte=today).exists()
    assert Tranche.objects.filter(status=TrancheStatus.SCHEDULED, due_on__gt=today).exists()
    assert GrantAgreement.objects.filter(status=AgreementStatus.SIGNED).exists()
    assert GrantAgreement.objects.filter(status=AgreementStatus.RENEWED, renewals__isnull=False).exists()
    assert JournalEntry.objects.filter(action="payment.recorded").count() == Payment.objects.count()
