"""Scheduled work of the recruitment: the recruitment deadline of each post is recalled to the structure's team 15 and
3 days before it (settings.CNFS_DAILY_TASKS, through cnfs.core.scheduling)."""

from datetime import datetime, timedelta

from django.tasks import task
from django.utils import timezone

from cnfs.structures.models import Post, PostStatus

from . import notify

# Days before the deadline, from the earliest reminder to the last. A day the task did not run is caught up the next
# day: a reminder covers the days from its own count down to the next one's (event keys send each one once).
REMINDER_DAYS = (15, 3)


def reminder_for(days_left: int) -> int | None:
    """The reminder a post `days_left` days from its deadline is due (15 from 15 to 4 days, 3 from 3 to 0)."""
    due = None
    for days in REMINDER_DAYS:
        if 0 <= days_left <= days:
            due = days
    return due


@task()
def send_deadline_reminders(day_iso: str | None = None) -> int:
    """One email per post still to be filled (free or with a hire requested), per reminder and per member of the
    structure's team. Returns the number of emails queued."""
    day = datetime.fromisoformat(day_iso).date() if day_iso else timezone.localdate()
    posts = (
        Post.objects.filter(status__in=(PostStatus.FREE, PostStatus.HIRE_REQUESTED))
        .filter(deadline__gte=day, deadline__lte=day + timedelta(days=max(REMINDER_DAYS)))
        .select_related("structure")
        .order_by("deadline", "pk")
    )
    sent = 0
    for post in posts:
        days_left = (post.deadline - day).days
        days = reminder_for(days_left)
        if days is not None:
            sent += notify.deadline_reminder(post, days, days_left)
    return sent
