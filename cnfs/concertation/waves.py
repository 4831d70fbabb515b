"""Waves of concertation: ANCT creates them without overlap, and the applications waiting for a wave join the one
that opens (at its creation when it opens today, else by the daily task on its opening day)."""

from datetime import date

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from cnfs.journal.services import record

from .models import ApplicationStatus, Wave
from .workflow import TransitionError, join_wave

# Key of the PostgreSQL advisory lock that serialises wave creations (two agents creating overlapping waves at
# once: the second one sees the first).
WAVE_LOCK_KEY = 740_217_001


def overlap_message(wave: Wave) -> str:
    return (
        f"Cette période chevauche la vague « {wave.name} » (du {wave.opens_on:%d/%m/%Y} au "
        f"{wave.closes_on:%d/%m/%Y}) : les vagues ne se chevauchent pas."
    )


def _lock_waves():
    if connection.vendor == "postgresql":  # an advisory lock also covers the case where no wave exists yet
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [WAVE_LOCK_KEY])
    # SQLite has a single writer: a second transaction that read before the first one wrote cannot write after it.


class WaveNameTaken(TransitionError):
    """Another wave has this name (the same form sent twice at the same instant, say)."""


WAVE_NAME_TAKEN = "Une vague porte déjà ce nom : choisissez-en un autre."


def create_wave(*, by, name: str, opens_on: date, closes_on: date, target_posts: int) -> Wave:
    """Creates a wave, refused (TransitionError) when it overlaps another one or takes another's name
    (WaveNameTaken); waiting applications join it at once when it opens today."""
    with transaction.atomic():
        _lock_waves()
        if Wave.objects.filter(name=name).exists():
            raise WaveNameTaken(WAVE_NAME_TAKEN)
        overlapping = Wave.overlapping(opens_on, closes_on).first()
        if overlapping is not None:
            raise TransitionError(overlap_message(overlapping))
        try:
            with transaction.atomic():
                wave = Wave.objects.create(
                    name=name, opens_on=opens_on, closes_on=closes_on, target_posts=target_posts
                )
        except IntegrityError as error:  # SQLite: no advisory lock, the unique name decides
            raise WaveNameTaken(WAVE_NAME_TAKEN) from error
        record(
            "wave.created",
            wave,
            by=by,
            after={"name": name, "opens_on": opens_on, "closes_on": closes_on, "target_posts": target_posts},
        )
        if wave.opens_on <= timezone.localdate() <= wave.closes_on:
            open_wave(wave)
    return wave


def open_wave(wave: Wave) -> int:
    """Every application waiting for a wave joins `wave` (a SYSTEM transition each, logged and journaled)."""
    from .models import StructureApplication

    joined = 0
    with transaction.atomic():
        waiting = StructureApplication.objects.filter(status=ApplicationStatus.WAITING_FOR_WAVE).order_by(
            "submitted_at", "pk"
        )
        for application in waiting:
            join_wave(application, wave)
            joined += 1
    return joined


def join_open_wave(day: date | None = None) -> int:
    """The daily task's work: if a wave is open on `day`, the waiting applications join it."""
    wave = Wave.open_on(day or timezone.localdate())
    return open_wave(wave) if wave is not None else 0
