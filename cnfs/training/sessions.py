"""Training sessions and the rule of 8 (SPEC §9).

    create_session(provider, by=agent, centre_name=…, address=…, commune=…, start_date=…, path=…, mode=…)
    register(training, session, by=agent)     # the training IN_TRAINING, its start and expected end written once
    withdraw(training, by=agent)              # back to POSITIONED
    confirm(session, mode, by=agent)          # from the cut-off date: face-to-face needs ≥ 8, else remote

Every change of a session's registrations locks the session row first, then the training: registering the 8th
advisor while another withdraws leaves `registered_count` exact (recounted under the lock), and a confirmation sees
the count as it is. The rule of 8 is also a database constraint on the confirmed session."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cnfs.core.workflow import TransitionError
from cnfs.journal.services import record

from . import notify
from .models import (
    FACE_TO_FACE_MINIMUM,
    SessionMode,
    SessionRegistration,
    SessionStatus,
    Training,
    TrainingPath,
    TrainingSession,
)
from .services import WORKFLOW, _close_registration, expected_end, is_late, rhythm_of, start_errors

DUPLICATE = "Une session existe déjà pour ce parcours, à cette date, dans ce centre."


def cutoff_days() -> int:
    return settings.CNFS_TRAINING_CUTOFF_DAYS


def session_errors(values: dict) -> dict[str, str]:
    errors = {}
    start = values.get("start_date")
    if start is not None and start <= timezone.localdate():
        errors["start_date"] = "La date de début d'une nouvelle session doit être dans le futur."
    if values.get("path") is not None and int(values["path"]) not in TrainingPath.values:
        errors["path"] = "Choisissez l'un des quatre parcours : 105, 280, 350 ou 420 heures."
    if values.get("mode") not in SessionMode.values:
        errors["mode"] = "Choisissez la modalité : en présentiel ou à distance."
    return errors


def create_session(provider, *, by, **values) -> TrainingSession:
    errors = session_errors(values)
    if errors:
        raise ValidationError(errors)
    start = values["start_date"]
    cutoff = max(start - timedelta(days=cutoff_days()), timezone.localdate())
    try:
        with transaction.atomic():
            session = TrainingSession.objects.create(
                provider=provider,
                centre_name=values["centre_name"],
                address=values["address"],
                commune=values["commune"],
                start_date=start,
                path=int(values["path"]),
                mode=values["mode"],
                cutoff_date=cutoff,
                created_by=by,
            )
            record(
                "training_session.created",
                session,
                by=by,
                after={
                    "provider": provider.pk,
                    "commune": session.commune_id,
                    "start_date": start.isoformat(),
                    "path": session.path,
                    "mode": session.mode,
                    "cutoff_date": cutoff.isoformat(),
                },
            )
    except IntegrityError as error:
        raise ValidationError({"start_date": DUPLICATE}) from error
    return session


def recount(session: TrainingSession) -> int:
    """The session's active registrations, written on its row (the caller holds the row lock)."""
    count = SessionRegistration.objects.filter(session=session, withdrawn_at__isnull=True).count()
    TrainingSession.objects.filter(pk=session.pk).update(registered_count=count)
    session.registered_count = count
    return count


def open_sessions(provider, path=None):
    """Sessions of the provider one may still register in (not cancelled, not started), soonest first."""
    sessions = TrainingSession.objects.filter(provider=provider, start_date__gt=timezone.localdate()).exclude(
        status=SessionStatus.CANCELLED
    )
    if path:
        sessions = sessions.filter(path=path)
    return sessions.select_related("commune").order_by("start_date", "pk")


def register(training: Training, session: TrainingSession, *, by, role=None) -> Training:
    """Registers the advisor: the session must be the provider's, for the advisor's path, not started, on or after
    the contract start (a start more than CNFS_TRAINING_LATE_START_DAYS after it is flagged late)."""

    def lock(training):
        locked = TrainingSession.objects.select_for_update().get(pk=session.pk)
        attempt_session["session"] = locked
        return WORKFLOW.lock(training)

    attempt_session = {}

    def write(training, attempt):
        locked = attempt_session["session"]
        if locked.provider_id != training.provider_id:
            raise TransitionError("Cette session n'est pas celle de l'organisme du conseiller.")
        if locked.status == SessionStatus.CANCELLED:
            raise ValidationError({"session": "Cette session est annulée : choisissez-en une autre."})
        if locked.start_date <= timezone.localdate():
            raise ValidationError({"session": "Cette session a déjà commencé : choisissez-en une autre."})
        if locked.path != training.path:
            raise ValidationError(
                {
                    "session": f"Cette session est celle du parcours de {locked.path} h, le conseiller suit le parcours "
                    f"de {training.path} h : choisissez une session de son parcours."
                }
            )
        error = start_errors(training, locked.start_date)
        if error:
            raise ValidationError({"session": error})
        SessionRegistration.objects.create(session=locked, training=training, registered_by=by)
        count = recount(locked)
        training.start_date = locked.start_date
        training.expected_end_date = expected_end(locked.start_date, training.path)
        training.rhythm = rhythm_of(training.path)
        training.late_start = is_late(training, locked.start_date)
        return {
            "session": locked.pk,
            "registered": count,
            "start_date": training.start_date.isoformat(),
            "expected_end_date": training.expected_end_date.isoformat(),
            "late_start": training.late_start,
        }

    try:
        return WORKFLOW.run(
            training,
            "register",
            by=by,
            role=role,
            lock=lock,
            effect=write,
            fields=("start_date", "expected_end_date", "rhythm", "late_start"),
        )
    except IntegrityError as error:  # already registered (a double submit that passed)
        raise TransitionError("Ce conseiller est déjà inscrit à une session.") from error


def withdraw(training: Training, *, by, role=None) -> Training:
    """Withdraws the advisor from their session before it starts (after the start, record a dropout)."""
    from .services import _lock_with_session

    def write(training, attempt):
        registration = (
            SessionRegistration.objects.filter(training=training, withdrawn_at__isnull=True)
            .select_related("session")
            .first()
        )
        if registration is not None and registration.session.start_date <= timezone.localdate():
            raise TransitionError(
                "La session a commencé : enregistrez un abandon plutôt qu'une désinscription."
            )
        session_id = _close_registration(training, by=by)
        training.start_date = None
        training.expected_end_date = None
        training.late_start = False
        training.hours_done = 0
        return {"session": session_id}

    return WORKFLOW.run(
        training,
        "withdraw",
        by=by,
        role=role,
        lock=_lock_with_session,
        effect=write,
        fields=("start_date", "expected_end_date", "late_start", "hours_done"),
    )


def confirm(session: TrainingSession, *, mode: str, by) -> TrainingSession:
    """From the cut-off date, the provider confirms the session: face-to-face only with at least 8 registrants;
    with fewer, remote, and every registrant (and their structure) is told why."""
    if mode not in SessionMode.values:
        raise ValidationError({"mode": "Choisissez la modalité : en présentiel ou à distance."})
    with transaction.atomic():
        session = TrainingSession.objects.select_for_update().get(pk=session.pk)
        today = timezone.localdate()
        if session.status != SessionStatus.PLANNED:
            raise TransitionError(f"Cette session est déjà « {session.get_status_display().lower()} ».")
        if today < session.cutoff_date:
            raise TransitionError(
                f"La session se confirme à partir du {session.cutoff_date:%d/%m/%Y} "
                f"({cutoff_days()} jours avant son début)."
            )
        if today > session.start_date:
            raise TransitionError("La session a déjà commencé : elle ne peut plus être confirmée.")
        count = recount(session)
        if count == 0:
            raise TransitionError(
                "Aucun conseiller n'est inscrit à cette session : elle ne peut pas être confirmée."
            )
        if mode == SessionMode.FACE_TO_FACE and count < FACE_TO_FACE_MINIMUM:
            raise ValidationError(
                {
                    "mode": f"Une session en présentiel demande au moins {FACE_TO_FACE_MINIMUM} conseillers inscrits "
                    f"le même jour dans le même centre ; elle en compte {count}. Confirmez-la à distance."
                }
            )
        planned = session.mode
        session.mode = mode
        session.status = SessionStatus.CONFIRMED
        session.confirmed_count = count
        session.confirmed_at = timezone.now()
        session.confirmed_by = by
        session.save(update_fields=["mode", "status", "confirmed_count", "confirmed_at", "confirmed_by"])
        switched = planned == SessionMode.FACE_TO_FACE and mode == SessionMode.REMOTE
        record(
            "training_session.confirmed",
            session,
            by=by,
            before={"status": SessionStatus.PLANNED, "mode": planned},
            after={
                "status": session.status,
                "mode": mode,
                "registered": count,
                "switched_to_remote": switched,
            },
        )
        notify.session_confirmed(session, switched=switched)
    return session
