"""Reminders for advisors who stop reporting (SPEC §11, §14): 30 days without an activity report, the advisor is
reminded; 45 days, their structure is told. A daily task (settings.CNFS_DAILY_TASKS).

A stretch without report starts at the date of the advisor's last report (their hire if none yet). Each reminder is
one email event per stretch (its key holds the stretch's start): a day the task did not run is caught up the next day
within the window, and a new report starts a new stretch, reminded again if it lasts.
"""

import datetime

from django.db.models import DateField, Max
from django.db.models.functions import Cast, Coalesce
from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from cnfs.accounts.recipients import structure_users
from cnfs.notifications.services import absolute_url, send_email
from cnfs.recruitment.models import Advisor, AdvisorStatus

ADVISOR_DAYS = 30
STRUCTURE_DAYS = 45
# After this many days the stretch is no longer looked at (its reminders went out, or are long overdue).
WINDOW_END_DAYS = 60


def idle_advisors(day: datetime.date):
    """Active advisors whose last report (or hire) is between WINDOW_END_DAYS and ADVISOR_DAYS days before `day`,
    annotated with `since`, the start of their stretch without report."""
    return (
        Advisor.objects.filter(status=AdvisorStatus.ACTIVE, candidate__user__isnull=False)
        .annotate(since=Coalesce(Max("activity_reports__date"), Cast("hired_at", output_field=DateField())))
        .filter(
            since__lte=day - datetime.timedelta(days=ADVISOR_DAYS),
            since__gt=day - datetime.timedelta(days=WINDOW_END_DAYS),
        )
        .select_related("candidate__user", "structure")
        .order_by("pk")
    )


@task()
def send_report_reminders(day_iso: str | None = None) -> int:
    """Emails the advisors idle for 30 to 44 days, and the structures of those idle for 45 to 59. Returns the number
    of emails queued (an email already sent for the stretch is not queued again)."""
    day = datetime.date.fromisoformat(day_iso) if day_iso else timezone.localdate()
    sent = 0
    for advisor in idle_advisors(day):
        days = (day - advisor.since).days
        if days < STRUCTURE_DAYS:
            user = advisor.candidate.user
            sent += bool(
                send_email(
                    event_key=f"report_reminder:{ADVISOR_DAYS}:{advisor.pk}:{advisor.since:%Y%m%d}",
                    to=user.email,
                    subject="Vos comptes rendus d'activité",
                    template="activity/emails/report_reminder_advisor",
                    context={
                        "user": user,
                        "since": advisor.since,
                        "days": days,
                        "url": absolute_url(reverse("activity:report_create")),
                    },
                )
            )
        else:
            for user in structure_users(advisor.structure):
                sent += bool(
                    send_email(
                        event_key=(
                            f"report_reminder:{STRUCTURE_DAYS}:{advisor.pk}:{advisor.since:%Y%m%d}:{user.pk}"
                        ),
                        to=user.email,
                        subject="Un conseiller numérique ne saisit plus ses comptes rendus d'activité",
                        template="activity/emails/report_reminder_structure",
                        context={
                            "user": user,
                            "advisor_name": advisor.candidate.user.full_name,
                            "since": advisor.since,
                            "days": days,
                        },
                    )
                )
    return sent
