"""Scheduled work of the concertation. The préfecture digest runs every day at the time set in
settings.CNFS_DAILY_TASKS (07:00), through cnfs.core.scheduling; `manage.py send_prefecture_digest` sends it now."""

from datetime import datetime, time, timedelta

from django.tasks import task
from django.utils import timezone

from cnfs.accounts.recipients import prefecture_assignments

from . import notify
from .models import StructureApplication


def digest_applications(day):
    """Applications transmitted during the day before `day` (local time)."""
    start = timezone.make_aware(datetime.combine(day - timedelta(days=1), time.min))
    return StructureApplication.objects.filter(
        submitted_at__gte=start, submitted_at__lt=start + timedelta(days=1)
    )


@task()
def send_prefecture_digest(day_iso: str | None = None) -> int:
    """One email per préfecture agent listing the new applications of their territory; at most once a day each."""
    day = datetime.fromisoformat(day_iso).date() if day_iso else timezone.localdate()
    applications = list(
        digest_applications(day).select_related("commune", "departement").order_by("departement", "name")
    )
    if not applications:
        return 0
    by_departement = {}
    for application in applications:
        by_departement.setdefault(application.departement_id, []).append(application)
    region_of = {a.departement_id: a.departement.region_id for a in applications}
    sent = 0
    departements = {a.departement_id: a.departement for a in applications}.values()
    agents = prefecture_assignments(departements).select_related("user")
    mail = {}
    for agent in agents:
        codes = (
            [agent.departement_id]
            if agent.departement_id
            else [c for c, r in region_of.items() if r == agent.region_id]
        )
        mail.setdefault(agent.user.email, []).extend(
            a for code in codes for a in by_departement.get(code, [])
        )
    for email, items in mail.items():
        if notify.prefecture_digest(email, day, sorted(set(items), key=lambda a: a.pk)):
            sent += 1
    return sent


@task()
def open_waves(day_iso: str | None = None) -> int:
    """Daily: on a wave's opening day (and any later day it is open), the applications waiting for a wave join it."""
    from .waves import join_open_wave

    day = datetime.fromisoformat(day_iso).date() if day_iso else timezone.localdate()
    return join_open_wave(day)
