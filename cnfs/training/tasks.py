"""Daily work of the onboarding (settings.CNFS_DAILY_TASKS): a checklist still incomplete CNFS_ONBOARDING_REMINDER_DAYS
after the contract start is reminded to the structure, once per contract."""

from datetime import datetime, timedelta

from django.conf import settings
from django.tasks import task
from django.utils import timezone

from cnfs.funding.models import Contract, ContractStatus

from . import notify
from .onboarding import checklist_for


@task()
def send_onboarding_reminders(day_iso: str | None = None) -> int:
    day = datetime.fromisoformat(day_iso).date() if day_iso else timezone.localdate()
    contracts = (
        Contract.objects.filter(
            status=ContractStatus.ACTIVE,
            start_date__lte=day - timedelta(days=settings.CNFS_ONBOARDING_REMINDER_DAYS),
        )
        .exclude(match__onboarding__completed_on__isnull=False)
        .select_related("match__structure", "structure")
        .order_by("pk")
    )
    return sum(
        notify.onboarding_incomplete(checklist_for(contract.match), contract) for contract in contracts
    )
