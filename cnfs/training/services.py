"""An advisor's training as a workflow on the common engine (cnfs/core/workflow.py), and the services that move it.

    assign(match, by=None)                       # TO_POSITION, provider proposed from the structure's département
    change_provider(training, provider, by=anct) # back to TO_POSITION with the new provider
    book_positioning(training, day, by=agent)    # the test's date (the person and the structure are told)
    record_positioning(training, result, score, by=agent)   # POSITIONED
    assign_path(training, path, by=agent)        # 105 / 280 / 350 / 420 h, rhythm from the hours
    drop(training, day, reason, by=agent)        # DROPPED
    complete(training, ccp1_on, pix_on, pix_score, by=agent)  # COMPLETED

Registration in a session, withdrawal and confirmation are in sessions.py; attendance in attendance.py. Every step
writes the transition log and the journal (ids, codes, dates, field names); emails go out after commit."""

import math
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from cnfs.accounts.roles import Role
from cnfs.core.workflow import INITIAL, SYSTEM, Transition, TransitionError, TransitionForbidden, Workflow
from cnfs.funding.models import Contract, ContractStatus

from . import notify
from .models import (
    PositioningResult,
    PositioningTest,
    Rhythm,
    SessionRegistration,
    Training,
    TrainingPath,
    TrainingProvider,
    TrainingStatus,
    TrainingTransition,
)

__all__ = ["TransitionError", "TransitionForbidden"]

S = TrainingStatus
PROVIDER = Role.TRAINING_PROVIDER
PATH_MESSAGE = (
    "Choisissez l'un des quatre parcours : 105 h en alternance, 280 h, 350 h ou 420 h à temps plein."
)


def _refused(training, transition):
    return f"Action impossible : cette formation est « {training.get_status_display().lower()} »."


def has_path(training, attempt):
    if not training.path:
        return "Attribuez d'abord un parcours (105, 280, 350 ou 420 h)."
    return None


WORKFLOW = Workflow(
    [
        Transition(
            "assign", {INITIAL}, S.TO_POSITION, "Désigner l'organisme de formation", roles={SYSTEM, Role.ANCT}
        ),
        Transition(
            "change_provider",
            {S.TO_POSITION, S.POSITIONED},
            S.TO_POSITION,
            "Changer d'organisme de formation",
            roles={Role.ANCT},
        ),
        Transition(
            "book_positioning",
            {S.TO_POSITION},
            S.TO_POSITION,
            "Fixer le test de positionnement",
            roles={PROVIDER},
        ),
        Transition(
            "record_positioning",
            {S.TO_POSITION},
            S.POSITIONED,
            "Enregistrer le résultat du test",
            roles={PROVIDER},
        ),
        Transition("assign_path", {S.POSITIONED}, S.POSITIONED, "Attribuer le parcours", roles={PROVIDER}),
        Transition(
            "register",
            {S.POSITIONED},
            S.IN_TRAINING,
            "Inscrire à une session",
            roles={PROVIDER},
            guards=(has_path,),
        ),
        Transition("withdraw", {S.IN_TRAINING}, S.POSITIONED, "Désinscrire de la session", roles={PROVIDER}),
        Transition(
            "drop",
            {S.TO_POSITION, S.POSITIONED, S.IN_TRAINING},
            S.DROPPED,
            "Enregistrer un abandon",
            roles={PROVIDER},
        ),
        Transition(
            "complete", {S.IN_TRAINING}, S.COMPLETED, "Enregistrer la fin de formation", roles={PROVIDER}
        ),
        Transition(
            "contract_ended",
            {S.TO_POSITION, S.POSITIONED, S.IN_TRAINING},
            S.DROPPED,
            "Arrêter (contrat rompu)",
            roles={SYSTEM},
        ),
        Transition(
            "cancel",
            {S.TO_POSITION, S.POSITIONED, S.IN_TRAINING},
            S.CANCELLED,
            "Annuler (recrutement arrêté)",
            roles={SYSTEM},
        ),
    ],
    refused=_refused,
    journal_prefix="training",
    log_model=TrainingTransition,
    log_field="training",
    changed_at_field="status_changed_at",
)


# --- rules written once ----------------------------------------------------------------------------------------------


def rhythm_of(path: int) -> str:
    return Rhythm.WORK_STUDY if path == TrainingPath.WORK_STUDY_105 else Rhythm.FULL_TIME


def expected_end(start: date, path: int) -> date:
    """The last day of the path: as many weeks as the hours need at the rhythm's weekly hours (7 h one day a week,
    35 h full time), counted from the start."""
    weekly = settings.CNFS_TRAINING_WEEKLY_HOURS[rhythm_of(path)]
    return start + timedelta(weeks=math.ceil(path / weekly)) - timedelta(days=1)


def late_start_days() -> int:
    return settings.CNFS_TRAINING_LATE_START_DAYS


def active_contract(match) -> Contract | None:
    return Contract.objects.filter(
        match_id=match.pk if hasattr(match, "pk") else match, status=ContractStatus.ACTIVE
    ).first()


def start_errors(training, start: date) -> str | None:
    """A training starts on or after the contract start: refused before it, or without a contract."""
    contract = active_contract(training.match_id)
    if contract is None:
        return "Le contrat de ce conseiller n'est pas encore enregistré par la structure : la formation commence après le début du contrat."
    if start < contract.start_date:
        return (
            f"La formation ne peut pas commencer avant le début du contrat ({contract.start_date:%d/%m/%Y}) : "
            "choisissez une session qui commence à cette date ou après."
        )
    return None


def is_late(training, start: date) -> bool:
    contract = active_contract(training.match_id)
    return contract is not None and start > contract.start_date + timedelta(days=late_start_days())


# --- assignment ------------------------------------------------------------------------------------------------------


def proposed_provider(structure) -> TrainingProvider | None:
    """The provider covering the structure's département with the fewest advisors in progress (then by name)."""
    return (
        TrainingProvider.objects.filter(departements=structure.departement_id)
        .annotate(
            load=Count(
                "trainings", filter=Q(trainings__status__in=[S.TO_POSITION, S.POSITIONED, S.IN_TRAINING])
            )
        )
        .order_by("load", "name")
        .first()
    )


def assign(match, *, by=None, role=None, provider=None) -> Training:
    """The hire's training, created once (a second transmission of the grant file finds it): the provider given, or
    the one proposed from the structure's département (none if no provider covers it: ANCT chooses one)."""
    existing = Training.objects.live().filter(match=match).first()
    if existing is not None:
        return existing
    provider = provider or proposed_provider(match.structure)
    training = Training(
        match=match,
        structure_id=match.structure_id,
        provider=provider,
        assigned_at=timezone.now() if provider else None,
    )
    try:
        with transaction.atomic():
            training = WORKFLOW.create(
                training,
                "assign",
                by=by,
                role=role or SYSTEM,
                details={"match": match.pk, "provider": provider.pk if provider else None},
            )
    except IntegrityError:  # the same hire assigned at the same moment: the first one stands
        return Training.objects.live().get(match=match)
    if provider is not None:
        notify.provider_assigned(training)
    return training


def change_provider(training: Training, provider: TrainingProvider, *, by, role=None) -> Training:
    """ANCT changes the provider: the new one positions the advisor again (the previous test and path are
    removed, the journal keeps the change)."""
    before = training.provider_id

    def switch(training, attempt):
        if provider.pk == training.provider_id:
            raise TransitionError("Cet organisme est déjà celui du conseiller.")
        PositioningTest.objects.filter(training=training).delete()
        training.provider = provider
        training.assigned_at = timezone.now()
        training.path = None
        training.rhythm = ""
        training.path_assigned_at = None
        return {"provider_before": before, "provider": provider.pk}

    with transaction.atomic():
        training = WORKFLOW.run(
            training,
            "change_provider",
            by=by,
            role=role,
            effect=switch,
            fields=("provider", "assigned_at", "path", "rhythm", "path_assigned_at"),
        )
        notify.provider_assigned(training)
    return training


# --- positioning and path --------------------------------------------------------------------------------------------


def book_positioning(training: Training, *, day: date, by, role=None) -> PositioningTest:
    if day < timezone.localdate():
        raise ValidationError({"scheduled_on": "La date du test ne peut pas être passée."})

    def book(training, attempt):
        test, created = PositioningTest.objects.update_or_create(
            training=training, defaults={"scheduled_on": day, "booked_by": by, "booked_at": timezone.now()}
        )
        return {"scheduled_on": day.isoformat(), "rebooked": not created}

    with transaction.atomic():
        training = WORKFLOW.run(training, "book_positioning", by=by, role=role, effect=book)
        notify.positioning_booked(training)
    return training.positioning


def record_positioning(training: Training, *, result: str, score=None, by, role=None) -> Training:
    if result not in PositioningResult.values:
        raise ValidationError({"result": "Choisissez le résultat dans la liste."})
    if score is not None and not 0 <= score <= 100:
        raise ValidationError({"score": "Le score est compris entre 0 et 100."})

    def write(training, attempt):
        test = PositioningTest.objects.filter(training=training).first()
        if test is None:
            raise TransitionError("Fixez d'abord la date du test de positionnement.")
        if test.scheduled_on > timezone.localdate():
            raise ValidationError(
                {
                    "result": f"Le test est prévu le {test.scheduled_on:%d/%m/%Y} : son résultat s'enregistre ce jour-là ou après."
                }
            )
        test.result, test.score = result, score
        test.recorded_by, test.recorded_at = by, timezone.now()
        test.save(update_fields=["result", "score", "recorded_by", "recorded_at"])
        return {"result": result, "score": score}

    return WORKFLOW.run(training, "record_positioning", by=by, role=role, effect=write)


def assign_path(training: Training, *, path, by, role=None) -> Training:
    try:
        path = int(path)
    except (TypeError, ValueError):
        path = None
    if path not in TrainingPath.values:
        raise ValidationError({"path": PATH_MESSAGE})

    def write(training, attempt):
        training.path = path
        training.rhythm = rhythm_of(path)
        training.path_assigned_at = timezone.now()
        return {"path": path, "rhythm": training.rhythm}

    return WORKFLOW.run(
        training, "assign_path", by=by, role=role, effect=write, fields=("path", "rhythm", "path_assigned_at")
    )


# --- dropout and completion ------------------------------------------------------------------------------------------


def drop(training: Training, *, day: date, reason: str, by, role=None) -> Training:
    from .models import DropoutReason

    errors = {}
    if reason not in DropoutReason.values:
        errors["reason"] = "Choisissez le motif de l'abandon dans la liste."
    if day > timezone.localdate():
        errors["day"] = "La date de l'abandon ne peut pas être dans le futur."
    elif training.start_date and day < training.start_date:
        errors["day"] = (
            f"La formation a commencé le {training.start_date:%d/%m/%Y} : l'abandon est à cette date ou après."
        )
    if errors:
        raise ValidationError(errors)

    def write(training, attempt):
        training.dropped_on, training.dropout_reason = day, reason
        withdrawn = _close_registration(training, by=by)
        return {"dropped_on": day.isoformat(), "reason": reason, "session": withdrawn}

    return WORKFLOW.run(
        training,
        "drop",
        by=by,
        role=role,
        effect=write,
        fields=("dropped_on", "dropout_reason"),
        lock=_lock_with_session,
    )


def completion_errors(training: Training, values: dict) -> dict[str, str]:
    today = timezone.localdate()
    errors = {}
    for field, label in (("ccp1_on", "du CCP1"), ("pix_on", "de la certification Pix")):
        day = values.get(field)
        if day is None:
            errors[field] = f"Indiquez la date {label}."
        elif day > today:
            errors[field] = f"La date {label} ne peut pas être dans le futur."
        elif training.start_date and day < training.start_date:
            errors[field] = (
                f"La date {label} précède le début de la formation ({training.start_date:%d/%m/%Y}) : vérifiez-la."
            )
    score = values.get("pix_score")
    if score is None:
        errors["pix_score"] = "Indiquez le score de la certification Pix."
    elif not 0 <= score <= 1024:
        errors["pix_score"] = "Le score Pix est compris entre 0 et 1 024."
    return errors


def complete(training: Training, *, ccp1_on: date, pix_on: date, pix_score: int, by, role=None) -> Training:
    def write(training, attempt):
        errors = completion_errors(training, {"ccp1_on": ccp1_on, "pix_on": pix_on, "pix_score": pix_score})
        if errors:
            raise ValidationError(errors)
        training.ccp1_on, training.pix_on, training.pix_score = ccp1_on, pix_on, pix_score
        training.completed_at = timezone.now()
        return {"ccp1_on": ccp1_on.isoformat(), "pix_on": pix_on.isoformat(), "pix_score": pix_score}

    with transaction.atomic():
        training = WORKFLOW.run(
            training,
            "complete",
            by=by,
            role=role,
            effect=write,
            fields=("ccp1_on", "pix_on", "pix_score", "completed_at"),
        )
        notify.training_completed(training)
    return training


# --- cancellation (the hire request ended) ---------------------------------------------------------------------------


def _lock_with_session(training: Training) -> Training:
    """The session of the active registration first (every registration change locks it first), then the
    training."""
    from .models import TrainingSession

    session_id = (
        SessionRegistration.objects.filter(training=training, withdrawn_at__isnull=True)
        .values_list("session_id", flat=True)
        .first()
    )
    if session_id is not None:
        TrainingSession.objects.select_for_update().get(pk=session_id)
    return WORKFLOW.lock(training)


def _close_registration(training: Training, *, by) -> int | None:
    """Withdraws the active registration, if any, and recounts its session (locked by `_lock_with_session`)."""
    from .sessions import recount

    registration = SessionRegistration.objects.filter(training=training, withdrawn_at__isnull=True).first()
    if registration is None:
        return None
    registration.withdrawn_at = timezone.now()
    registration.withdrawn_by = by if by is not None and getattr(by, "pk", None) else None
    registration.save(update_fields=["withdrawn_at", "withdrawn_by"])
    recount(registration.session)
    return registration.session_id


def cancel_for(match, *, by=None) -> Training | None:
    training = Training.objects.filter(match=match, status__in=WORKFLOW["cancel"].sources).first()
    if training is None:
        return None

    def write(training, attempt):
        return {"session": _close_registration(training, by=by)}

    return WORKFLOW.run(training, "cancel", by=by, role=SYSTEM, effect=write, lock=_lock_with_session)


def end_with_contract(match, *, day: date, by=None) -> Training | None:
    """The contract ended (termination validated by ANCT): a training not completed stops, as a dropout for the
    end of the contract, and its session registration is withdrawn."""
    from .models import DropoutReason

    training = Training.objects.filter(match=match, status__in=WORKFLOW["contract_ended"].sources).first()
    if training is None:
        return None

    def write(training, attempt):
        training.dropped_on, training.dropout_reason = day, DropoutReason.CONTRACT_ENDED
        return {"dropped_on": day.isoformat(), "session": _close_registration(training, by=by)}

    return WORKFLOW.run(
        training,
        "contract_ended",
        by=by,
        role=SYSTEM,
        effect=write,
        fields=("dropped_on", "dropout_reason"),
        lock=_lock_with_session,
    )


def state_counts(queryset) -> dict[str, int]:
    counts = dict(queryset.values_list("status").annotate(n=Count("pk")).order_by())
    return {status: counts.get(status, 0) for status in S.values}
