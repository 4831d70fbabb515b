"""Daily work of the grant file (settings.CNFS_DAILY_TASKS): the structure is reminded of an incomplete file every 7
days, the Banque des Territoires of a transmitted file 3 days before its review deadline."""

from datetime import datetime, timedelta

from django.tasks import task
from django.utils import timezone

from . import notify
from .grant_files import missing
from .models import FileStatus, GrantFile

INCOMPLETE_EVERY_DAYS = 7
REVIEW_REMINDER_DAYS = 3


def _day(day_iso):
    return datetime.fromisoformat(day_iso).date() if day_iso else timezone.localdate()


@task()
def send_incomplete_reminders(day_iso: str | None = None) -> int:
    """Files in DRAFT opened at least 7 days ago and still incomplete: one email per file, per member of the
    structure's team, per 7-day period since the file was opened."""
    day = _day(day_iso)
    files = (
        GrantFile.objects.filter(
            status=FileStatus.DRAFT, created_at__date__lte=day - timedelta(INCOMPLETE_EVERY_DAYS)
        )
        .select_related("structure")
        .prefetch_related("documents")
        .order_by("pk")
    )
    sent = 0
    for grant_file in files:
        still = missing(grant_file, list(grant_file.documents.all()))
        if still:
            age = (day - timezone.localtime(grant_file.created_at).date()).days
            sent += notify.incomplete_reminder(grant_file, still, age // INCOMPLETE_EVERY_DAYS)
    return sent


@task()
def send_review_reminders(day_iso: str | None = None) -> int:
    """Transmitted files whose review deadline is 3 days away or less (and not past): one email per transmission
    and per agent (a day the task did not run is caught up the next one)."""
    day = _day(day_iso)
    files = (
        GrantFile.objects.filter(
            status=FileStatus.TRANSMITTED,
            review_deadline__gte=day,
            review_deadline__lte=day + timedelta(REVIEW_REMINDER_DAYS),
        )
        .select_related("structure")
        .order_by("review_deadline", "pk")
    )
    return sum(notify.review_deadline_approaching(f, (f.review_deadline - day).days) for f in files)
