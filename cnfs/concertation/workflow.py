"""The application workflow as data: one table of transitions, one function per transition.

Each function takes the acting user (`by=`, None for the applicant who has no account yet), locks the application
row, checks the transition is allowed from the current status and its guard, writes the change, a transition row and
the journal in one transaction. An illegal transition raises `TransitionError`.
"""

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from cnfs.core.workflow import Transition, TransitionError, Workflow

from . import conf, notify
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

__all__ = ["Transition", "TransitionError"]

S = ApplicationStatus

PENDING = frozenset({S.SUBMITTED, S.OPINION_GIVEN, S.FURTHER_EXAMINATION})

WORKFLOW = Workflow(
    [
        Transition("submit", frozenset({S.DRAFT}), S.SUBMITTED, "Transmettre au préfet"),
        Transition(
            "give_opinion", frozenset({S.SUBMITTED, S.FURTHER_EXAMINATION}), S.OPINION_GIVEN, "Avis du préfet"
        ),
        Transition("accept", PENDING, S.ACCEPTED, "Décision positive"),
        Transition("refuse", PENDING, S.REFUSED, "Décision négative"),
        Transition(
            "ask_further_examination",
            frozenset({S.SUBMITTED, S.OPINION_GIVEN}),
            S.FURTHER_EXAMINATION,
            "Examen complémentaire",
        ),
        Transition("activate", frozenset({S.ACCEPTED}), S.ACTIVATED, "Activation de la structure"),
        Transition("abandon", frozenset({S.DRAFT}) | PENDING, S.ABANDONED, "Abandon"),
        Transition("cancel", frozenset({S.DRAFT}) | PENDING, S.CANCELLED, "Annulation par la structure"),
        Transition("mark_duplicate", PENDING, S.DUPLICATE, "Doublon"),
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


def submit(application: StructureApplication, *, by=None) -> StructureApplication:
    """The contact has confirmed their email: the application goes to the préfet, in the wave open today."""
    with transaction.atomic():
        WORKFLOW.lock(application)
        transition = WORKFLOW.check(application, "submit")
        missing = missing_answers(application)
        if missing:
            raise TransitionError("Candidature incomplète : " + ", ".join(missing) + ".")
        if application.email_confirmed_at is None:
            raise TransitionError("L'adresse électronique du contact n'est pas confirmée.")
        blocking = active_application_for_siret(application.siret, exclude=application.pk)
        if blocking is not None:
            raise TransitionError(siret_taken_message(blocking))
        now = timezone.now()
        application.submitted_at = now
        application.wave = Wave.open_on(timezone.localdate(now))
        try:
            with transaction.atomic():
                WORKFLOW.move(
                    application,
                    transition,
                    by=by,
                    details={"wave": application.wave_id},
                    fields=("submitted_at", "wave"),
                )
        except IntegrityError as error:
            raise TransitionError("Une candidature est déjà en cours pour ce SIRET.") from error
        notify.application_received(application)
    return application


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


def siret_taken_message(existing: StructureApplication) -> str:
    when = f" le {timezone.localtime(existing.submitted_at):%d/%m/%Y}" if existing.submitted_at else ""
    return (
        f"Une candidature est déjà en cours pour ce SIRET (« {existing.display_name} », transmise{when}) : "
        f"elle est au statut « {ApplicationStatus(existing.status).label} ». "
        "Contactez la préfecture de votre département plutôt que de déposer une nouvelle candidature."
    )


def give_opinion(
    application, *, by, value: str, comment: str, suggested_posts=None, policy_notes: str = ""
) -> PrefectOpinion:
    with transaction.atomic():
        WORKFLOW.lock(application)
        transition = WORKFLOW.check(application, "give_opinion")
        if PrefectOpinion.objects.filter(application=application).exists():
            raise TransitionError("Le préfet a déjà donné son avis sur cette candidature.")
        comment = (comment or "").strip()
        if not 10 <= len(comment) <= 1000:
            raise TransitionError("Le commentaire doit compter entre 10 et 1 000 caractères.")
        opinion = PrefectOpinion.objects.create(
            application=application,
            value=value,
            comment=comment,
            suggested_posts=suggested_posts,
            policy_notes=policy_notes,
            by=by,
        )
        WORKFLOW.move(
            application,
            transition,
            by=by,
            reason=comment,
            details={"opinion": value, "comment": comment, "suggested_posts": suggested_posts},
        )
        notify.opinion_given(opinion)
    return opinion


OUTCOME_TRANSITION = {
    DecisionOutcome.POSITIVE: "accept",
    DecisionOutcome.NEGATIVE: "refuse",
    DecisionOutcome.FURTHER_EXAMINATION: "ask_further_examination",
}


def decide(
    application, *, by, outcome: str, posts: int = 0, committee_date: date | None = None, comment: str = ""
) -> CommitteeDecision:
    """A selection committee decision. A positive decision activates the structure at once (see `activate`)."""
    with transaction.atomic():
        WORKFLOW.lock(application)
        transition = WORKFLOW.check(application, OUTCOME_TRANSITION[outcome])
        posts = int(posts or 0) if outcome == DecisionOutcome.POSITIVE else 0
        maximum = conf.max_posts_per_decision()
        if outcome == DecisionOutcome.POSITIVE and not 1 <= posts <= maximum:
            raise TransitionError(f"Une décision positive accorde de 1 à {maximum} postes.")
        committee_date = committee_date or timezone.localdate()
        try:
            with transaction.atomic():
                decision = CommitteeDecision.objects.create(
                    application=application,
                    kind=DecisionKind.APPLICATION,
                    outcome=outcome,
                    posts=posts,
                    committee_date=committee_date,
                    comment=comment,
                    by=by,
                )
        except IntegrityError as error:
            raise TransitionError("Cette candidature a déjà fait l'objet d'une décision.") from error
        WORKFLOW.move(
            application,
            transition,
            by=by,
            reason=comment,
            details={
                "decision": decision.pk,
                "outcome": outcome,
                "posts": posts,
                "committee_date": committee_date,
                "comment": comment,
            },
        )
        notify.decision_made(decision)
        if outcome == DecisionOutcome.POSITIVE:
            activate(application, by=by)
    return decision


def decide_batch(applications, *, by, outcome: str, posts: int = 0, committee_date=None, comment: str = ""):
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
                    )
                )
            except TransitionError as error:
                raise TransitionError(f"« {application.display_name} » : {error}") from error
    return decisions


def activate(application, *, by):
    """The structure exists from now on; its contact is invited to set a password as the structure's admin."""
    from cnfs.accounts.roles import Role
    from cnfs.accounts.services import invite
    from cnfs.structures.services import grant_posts, record_activation

    with transaction.atomic():
        WORKFLOW.lock(application)
        transition = WORKFLOW.check(application, "activate")
        if not application.decisions.filter(outcome=DecisionOutcome.POSITIVE).exists():
            raise TransitionError("Aucune décision positive : la structure ne peut pas être activée.")
        structure = record_activation(application, by=by)
        application.structure = structure
        for decision in application.decisions.filter(outcome=DecisionOutcome.POSITIVE, posts__gt=0):
            grant_posts(decision, by=by)
        WORKFLOW.move(
            application, transition, by=by, details={"structure": structure.pk}, fields=("structure",)
        )
        invite(
            email=application.contact_email,
            by=by,
            first_name=application.contact_first_name,
            last_name=application.contact_last_name,
            role=Role.STRUCTURE,
            structure=structure,
            is_admin=True,
        )
    return structure


def _simple(name):
    def apply(application, *, by, reason: str = "", **extra):
        with transaction.atomic():
            WORKFLOW.lock(application)
            transition = WORKFLOW.check(application, name)
            fields = []
            details = {}
            if name == "mark_duplicate":
                original = extra.get("duplicate_of")
                if original is None or original.pk == application.pk:
                    raise TransitionError("Indiquez la candidature dont celle-ci est le doublon.")
                application.duplicate_of = original
                fields.append("duplicate_of")
                details["duplicate_of"] = original.pk
            WORKFLOW.move(application, transition, by=by, reason=reason, details=details, fields=fields)
        return application

    apply.__name__ = name
    apply.__doc__ = TRANSITIONS[name].label
    return apply


abandon = _simple("abandon")
cancel = _simple("cancel")
mark_duplicate = _simple("mark_duplicate")
