"""The application workflow as data: one table that says, for each transition, who may take it and on which guards.

Every move goes through `WORKFLOW.run` (or `WORKFLOW.create` for the draft's creation): it locks the application,
checks the status, the acting role and every guard (each returns the French reason it refuses), runs the
transition's effect, moves, logs and journals in one transaction. The public functions below (`submit`,
`give_opinion`, `decide`…) are thin wrappers, one per transition, that name the effect and the inputs. Views ask
`WORKFLOW.actions(application, by=user, role=role)` which actions to offer; a `TransitionForbidden` answers 403.

Input guards (a comment's length, a number of posts, a reason) pass while the input is not given: a view asking what
to offer has no input yet; `run` always passes it.
"""

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from cnfs.accounts.roles import Role
from cnfs.core.workflow import (
    APPLICANT,
    INITIAL,
    SYSTEM,
    Transition,
    TransitionError,
    TransitionForbidden,
    Workflow,
)

from . import conf, notify, signals
from .models import (
    ApplicationStatus,
    ApplicationTransition,
    CommitteeDecision,
    DecisionKind,
    DecisionOutcome,
    PrefectOpinion,
    StructureApplication,
    Wave,
)

__all__ = ["Transition", "TransitionError", "TransitionForbidden"]

S = ApplicationStatus

# Applications ANCT may decide on (one waiting for a wave joins the wave first).
PENDING = frozenset({S.SUBMITTED, S.OPINION_GIVEN, S.FURTHER_EXAMINATION})
OPEN = frozenset({S.DRAFT, S.WAITING_FOR_WAVE}) | PENDING


# --- guards: each returns None or the French reason it refuses ------------------------------------------------------


def given(attempt, key) -> bool:
    """An input guard checks its input only once it is given (see the module's docstring)."""
    return key in attempt.params


def answers_complete(application, attempt):
    missing = missing_answers(application)
    return "Candidature incomplète : " + ", ".join(missing) + "." if missing else None


def email_confirmed(application, attempt):
    if application.email_confirmed_at is None:
        return "L'adresse électronique du contact n'est pas confirmée."
    return None


def siret_free(application, attempt):
    blocking = active_application_for_siret(application.siret, exclude=application.pk)
    return siret_taken_message(blocking) if blocking is not None else None


def _wave_today(attempt):
    wave = attempt["wave"]
    return wave if wave is not None else Wave.open_on(timezone.localdate())


def wave_open(application, attempt):
    return (
        None
        if _wave_today(attempt) is not None
        else "Aucune vague de concertation n'est ouverte aujourd'hui."
    )


def no_wave_open(application, attempt):
    return "Une vague est ouverte : la candidature y entre." if _wave_today(attempt) is not None else None


def comment_10_1000(application, attempt):
    if not given(attempt, "comment"):
        return None
    if not 10 <= len((attempt["comment"] or "").strip()) <= 1000:
        return "Le commentaire doit compter entre 10 et 1 000 caractères."
    return None


def no_opinion_yet(application, attempt):
    if PrefectOpinion.objects.filter(application=application).exists():
        return "Le préfet a déjà donné son avis sur cette candidature."
    return None


def posts_1_to_max(application, attempt):
    if not given(attempt, "posts"):
        return None
    maximum = conf.max_posts_per_decision()
    if not 1 <= (attempt["posts"] or 0) <= maximum:
        return f"Une décision positive accorde de 1 à {maximum} postes."
    return None


NO_OPINION = (
    "Le préfet n'a pas encore donné son avis : attendez-le, ou cochez « Décision sans avis du préfet » "
    "et indiquez le motif."
)


def opinion_given_or_waived(application, attempt):
    """ANCT decides after the préfet's opinion, unless it records a "décision sans avis" with its reason."""
    if not given(attempt, "without_opinion_reason"):
        return None
    if (attempt["without_opinion_reason"] or "").strip():
        return None
    if PrefectOpinion.objects.filter(application=application).exists():
        return None
    return NO_OPINION


def no_final_decision(application, attempt):
    final = (DecisionOutcome.POSITIVE, DecisionOutcome.NEGATIVE)
    if application.decisions.filter(kind=DecisionKind.APPLICATION, outcome__in=final).exists():
        return "Cette candidature a déjà fait l'objet d'une décision."
    return None


def positive_decision(application, attempt):
    if not application.decisions.filter(outcome=DecisionOutcome.POSITIVE).exists():
        return "Aucune décision positive : la structure ne peut pas être activée."
    return None


def reason_10_1000(application, attempt):
    if not given(attempt, "reason"):
        return None
    if not 10 <= len((attempt["reason"] or "").strip()) <= 1000:
        return "Le motif doit compter entre 10 et 1 000 caractères."
    return None


def duplicate_of_another(application, attempt):
    if not given(attempt, "duplicate_of"):
        return None
    original = attempt["duplicate_of"]
    if original is None or original.pk == application.pk:
        return "Indiquez la candidature dont celle-ci est le doublon."
    return None


DECISION_GUARDS = (opinion_given_or_waived, no_final_decision)

WORKFLOW = Workflow(
    [
        Transition("create", {INITIAL}, S.DRAFT, "Créer la candidature", roles={APPLICANT}),
        Transition(
            "submit",
            {S.DRAFT},
            S.SUBMITTED,
            "Transmettre au préfet",
            roles={APPLICANT},
            guards=(answers_complete, email_confirmed, siret_free, wave_open),
        ),
        Transition(
            "submit_before_wave",
            {S.DRAFT},
            S.WAITING_FOR_WAVE,
            "Transmettre en attente de la prochaine vague",
            roles={APPLICANT},
            guards=(answers_complete, email_confirmed, siret_free, no_wave_open),
        ),
        Transition(
            "join_wave",
            {S.WAITING_FOR_WAVE},
            S.SUBMITTED,
            "Entrée dans la vague",
            roles={SYSTEM},
            guards=(wave_open,),
        ),
        Transition(
            "give_opinion",
            {S.SUBMITTED, S.FURTHER_EXAMINATION},
            S.OPINION_GIVEN,
            "Avis du préfet",
            roles={Role.PREFECTURE},
            guards=(no_opinion_yet, comment_10_1000),
        ),
        Transition(
            "accept",
            PENDING,
            S.ACCEPTED,
            "Décision positive",
            roles={Role.ANCT},
            guards=(*DECISION_GUARDS, posts_1_to_max),
        ),
        Transition(
            "refuse", PENDING, S.REFUSED, "Décision négative", roles={Role.ANCT}, guards=DECISION_GUARDS
        ),
        Transition(
            "ask_further_examination",
            {S.SUBMITTED, S.OPINION_GIVEN},
            S.FURTHER_EXAMINATION,
            "Examen complémentaire",
            roles={Role.ANCT},
            guards=DECISION_GUARDS,
        ),
        Transition(
            "activate",
            {S.ACCEPTED},
            S.ACTIVATED,
            "Activation de la structure",
            roles={SYSTEM},
            guards=(positive_decision,),
        ),
        Transition("abandon", OPEN, S.ABANDONED, "Abandon", roles={Role.ANCT}, guards=(reason_10_1000,)),
        Transition("cancel", OPEN, S.CANCELLED, "Annulation par la structure", roles={APPLICANT}),
        Transition(
            "mark_duplicate",
            PENDING | {S.WAITING_FOR_WAVE},
            S.DUPLICATE,
            "Doublon",
            roles={Role.ANCT},
            guards=(duplicate_of_another,),
        ),
    ],
    refused=lambda application, transition: (
        f"Action « {transition.label} » impossible : la candidature est au statut "
        f"« {ApplicationStatus(application.status).label} »."
    ),
    journal_prefix="application",
    log_model=ApplicationTransition,
    log_field="application",
    save_fields=("updated_at",),
)
TRANSITIONS: dict[str, Transition] = WORKFLOW.transitions
allowed_transitions = WORKFLOW.allowed
can = WORKFLOW.can


def missing_answers(application: StructureApplication) -> list[str]:
    required = {
        "type": "type de structure",
        "siret": "SIRET",
        "name": "raison sociale",
        "commune_id": "commune",
        "departement_id": "département",
        "contact_email": "adresse du contact",
        "contact_last_name": "nom du contact",
        "start_date": "date de démarrage",
        "commitments_accepted_at": "engagements",
    }
    missing = [label for field, label in required.items() if not getattr(application, field)]
    if not application.missions:
        missing.append("missions")
    return missing


def active_application_for_siret(siret: str, *, exclude=None):
    queryset = StructureApplication.objects.active().filter(siret=siret).select_related("departement")
    if exclude is not None:
        queryset = queryset.exclude(pk=exclude)
    return queryset.order_by("submitted_at").first()


def siret_taken_message(existing: StructureApplication, *, for_agent: bool = False) -> str:
    """The refusal of a second application for a SIRET. Anonymous visitors (the public form, its confirmation link)
    learn only the status of the first one, never its name nor its date; agents (`for_agent`) see them."""
    status = ApplicationStatus(existing.status).label
    if not for_agent:
        return (
            f"Une candidature est déjà en cours pour ce SIRET : elle est au statut « {status} ». "
            "Contactez la préfecture de votre département plutôt que de déposer une nouvelle candidature."
        )
    when = f" le {timezone.localtime(existing.submitted_at):%d/%m/%Y}" if existing.submitted_at else ""
    return (
        f"Une candidature est déjà en cours pour ce SIRET (« {existing.display_name} », transmise{when}) : "
        f"elle est au statut « {status} ». "
        "Contactez la préfecture de votre département plutôt que de déposer une nouvelle candidature."
    )


# --- one function per transition -------------------------------------------------------------------------------------


def create(application: StructureApplication, *, by=None, role=APPLICANT) -> StructureApplication:
    """The draft exists once the first step is valid: its history starts here."""
    return WORKFLOW.create(application, "create", by=by, role=role)


def submit(application: StructureApplication, *, by=None, role=APPLICANT) -> StructureApplication:
    """The contact has confirmed their email: the application goes to the préfet, in the wave open today, or waits
    for the next wave when none is open."""
    wave = Wave.open_on(timezone.localdate())
    name = "submit" if wave is not None else "submit_before_wave"

    def effect(application, attempt):
        application.submitted_at = timezone.now()
        application.wave = wave
        return {"wave": wave.pk if wave else None}

    try:
        with transaction.atomic():
            WORKFLOW.run(
                application, name, by=by, role=role, wave=wave, effect=effect, fields=("submitted_at", "wave")
            )
    except IntegrityError as error:
        raise TransitionError("Une candidature est déjà en cours pour ce SIRET.") from error
    notify.application_received(application)
    return application


def join_wave(application: StructureApplication, wave: Wave) -> StructureApplication:
    """A waiting application enters the wave that opens (the platform acts: no user)."""

    def effect(application, attempt):
        application.wave = wave
        return {"wave": wave.pk}

    return WORKFLOW.run(
        application, "join_wave", by=None, role=SYSTEM, wave=wave, effect=effect, fields=("wave",)
    )


def give_opinion(
    application, *, by, value: str, comment: str, suggested_posts=None, policy_notes: str = "", role=None
) -> PrefectOpinion:
    comment = (comment or "").strip()
    created = {}

    def effect(application, attempt):
        created["opinion"] = PrefectOpinion.objects.create(
            application=application,
            value=value,
            comment=comment,
            suggested_posts=suggested_posts,
            policy_notes=policy_notes,
            by=by,
        )
        return {"opinion": value, "suggested_posts": suggested_posts}

    with transaction.atomic():
        WORKFLOW.run(
            application, "give_opinion", by=by, role=role, reason=comment, comment=comment, effect=effect
        )
        notify.opinion_given(created["opinion"])
    return created["opinion"]


OUTCOME_TRANSITION = {
    DecisionOutcome.POSITIVE: "accept",
    DecisionOutcome.NEGATIVE: "refuse",
    DecisionOutcome.FURTHER_EXAMINATION: "ask_further_examination",
}


def decide(
    application,
    *,
    by,
    outcome: str,
    posts: int = 0,
    committee_date: date | None = None,
    comment: str = "",
    without_opinion_reason: str = "",
    role=None,
) -> CommitteeDecision:
    """A selection committee decision. A positive decision activates the structure at once (see `activate`).

    Without the préfet's opinion, ANCT decides only with `without_opinion_reason`: kept on the decision row, the
    journal only says the decision was taken without opinion."""
    name = OUTCOME_TRANSITION[outcome]
    posts = int(posts or 0) if outcome == DecisionOutcome.POSITIVE else 0
    committee_date = committee_date or timezone.localdate()
    without_opinion_reason = (without_opinion_reason or "").strip()
    created = {}

    def effect(application, attempt):
        waived = (
            bool(without_opinion_reason)
            and not PrefectOpinion.objects.filter(application=application).exists()
        )
        try:
            with transaction.atomic():
                decision = CommitteeDecision.objects.create(
                    application=application,
                    kind=DecisionKind.APPLICATION,
                    outcome=outcome,
                    posts=posts,
                    committee_date=committee_date,
                    comment=comment,
                    without_opinion_reason=without_opinion_reason if waived else "",
                    by=by,
                )
        except IntegrityError as error:
            raise TransitionError("Cette candidature a déjà fait l'objet d'une décision.") from error
        created["decision"] = decision
        return {
            "decision": decision.pk,
            "outcome": outcome,
            "posts": posts,
            "committee_date": committee_date,
            "without_opinion": waived,
        }

    with transaction.atomic():
        kwargs = {"posts": posts} if name == "accept" else {}
        WORKFLOW.run(
            application,
            name,
            by=by,
            role=role,
            reason=comment,
            without_opinion_reason=without_opinion_reason,
            effect=effect,
            **kwargs,
        )
        decision = created["decision"]
        notify.decision_made(decision)
        if outcome == DecisionOutcome.POSITIVE:
            activate(application, invited_by=by)
    return decision


def decide_batch(
    applications,
    *,
    by,
    outcome: str,
    posts: int = 0,
    committee_date=None,
    comment: str = "",
    without_opinion_reason: str = "",
    role=None,
):
    """Decisions of one committee session on several applications: all are recorded, or none."""
    decisions = []
    with transaction.atomic():
        for application in applications:
            try:
                decisions.append(
                    decide(
                        application,
                        by=by,
                        outcome=outcome,
                        posts=posts,
                        committee_date=committee_date,
                        comment=comment,
                        without_opinion_reason=without_opinion_reason,
                        role=role,
                    )
                )
            except TransitionError as error:
                raise type(error)(f"« {application.display_name} » : {error}") from error
    return decisions


def activate(application, *, by=None, invited_by=None):
    """The platform activates the structure after a positive decision; its contact is invited to set a password as
    the structure's admin (invited by the author of the decision)."""
    from cnfs.accounts.services import invite
    from cnfs.structures.services import grant_posts, record_activation

    created = {}

    def effect(application, attempt):
        # The structure's facts (location, contact, mission start, activation) and its posts become records.
        structure = record_activation(application, by=by)
        application.structure = created["structure"] = structure
        for decision in application.decisions.filter(outcome=DecisionOutcome.POSITIVE, posts__gt=0):
            grant_posts(decision, by=by)
        return {"structure": structure.pk}

    with transaction.atomic():
        WORKFLOW.run(application, "activate", by=by, role=SYSTEM, effect=effect, fields=("structure",))
        invite(
            email=application.contact_email,
            by=invited_by or by,
            first_name=application.contact_first_name,
            last_name=application.contact_last_name,
            phone=application.contact_phone,
            details=notify.activation_details(application),
            role=Role.STRUCTURE,
            structure=created["structure"],
            is_admin=True,
        )
        signals.structure_activated.send(
            StructureApplication, application=application, structure=created["structure"], by=invited_by or by
        )
    return created["structure"]


def abandon(application, *, by, reason: str = "", role=None):
    """ANCT files an application the structure no longer follows up."""
    return WORKFLOW.run(application, "abandon", by=by, role=role, reason=(reason or "").strip())


def cancel(application, *, by=None, reason: str = "", role=APPLICANT):
    """The applicant cancels their application; the caller has checked it is them (private link, emailed link)."""
    return WORKFLOW.run(application, "cancel", by=by, role=role, reason=reason)


def mark_duplicate(application, *, by, duplicate_of=None, reason: str = "", role=None):
    def effect(application, attempt):
        application.duplicate_of = duplicate_of
        return {"duplicate_of": duplicate_of.pk}

    return WORKFLOW.run(
        application,
        "mark_duplicate",
        by=by,
        role=role,
        reason=reason,
        duplicate_of=duplicate_of,
        effect=effect,
        fields=("duplicate_of",),
    )
