"""The match workflow: one transition table, one function per transition.

Each function takes the acting user (`by=`), locks the rows it decides on, checks the transition and its guard,
writes the status, a MatchTransition row and a journal entry in one transaction. An illegal transition raises
`TransitionError` with a French message the views show as is.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from cnfs.accounts.models import RoleAssignment
from cnfs.accounts.roles import Role
from cnfs.accounts.services import grant_role
from cnfs.candidates.models import Candidate, UnavailableReason
from cnfs.concertation.posts import posts_taken
from cnfs.core.workflow import Transition, TransitionError, Workflow
from cnfs.journal.services import record
from cnfs.structures.models import Structure

from . import notify
from .models import HOLDING_STATUSES, OPEN_STATUSES, Match, MatchStatus, MatchTransition
from .structure_facts import facts_for

__all__ = ["Transition", "TransitionError"]

S = MatchStatus

WORKFLOW = Workflow(
    [
        Transition("shortlist", frozenset({S.NEW, S.NOT_RETAINED}), S.SHORTLISTED, "Présélectionner"),
        Transition("not_retain", frozenset({S.NEW, S.SHORTLISTED}), S.NOT_RETAINED, "Ne pas retenir"),
        Transition("reset", frozenset({S.SHORTLISTED, S.NOT_RETAINED}), S.NEW, "Remettre en « nouvelle »"),
        Transition("request_hire", frozenset({S.SHORTLISTED}), S.HIRE_REQUESTED, "Valider cette candidature"),
        Transition("cancel_hire_request", frozenset({S.HIRE_REQUESTED}), S.SHORTLISTED, "Annuler la demande"),
        Transition("refuse_hire", frozenset({S.HIRE_REQUESTED}), S.SHORTLISTED, "Refuser le recrutement"),
        Transition("hire", frozenset({S.HIRE_REQUESTED}), S.HIRED, "Valider le recrutement"),
        Transition(
            "request_termination", frozenset({S.HIRED}), S.TERMINATION_REQUESTED, "Demander la rupture"
        ),
        Transition("terminate", frozenset({S.TERMINATION_REQUESTED}), S.TERMINATED, "Rompre le contrat"),
        Transition(
            "close",
            frozenset({S.NEW, S.SHORTLISTED, S.NOT_RETAINED, S.HIRE_REQUESTED}),
            S.CLOSED,
            "Clore (candidat plus disponible)",
        ),
    ],
    refused=lambda match, transition: (
        f"Action impossible : cette mise en relation est « {match.get_status_display().lower()} »."
    ),
    journal_prefix="match",
    log_model=MatchTransition,
    log_field="match",
    changed_at_field="status_changed_at",
    reason_in_journal=True,
)
TRANSITIONS = WORKFLOW.transitions
allowed_transitions = WORKFLOW.allowed
can = WORKFLOW.can


def _move(match: Match, name: str, *, by, reason: str = "") -> Match:
    return WORKFLOW.move(match, WORKFLOW.check(match, name), by=by, reason=reason)


def _lock_match(match: Match) -> Match:
    return (
        Match.objects.select_for_update(of=("self",))
        .select_related("candidate__user", "structure")
        .get(pk=match.pk)
    )


def open_match(structure, candidate, *, by=None, invited: bool = False) -> Match:
    """The match row of (structure, candidate), created in "new" when the structure first acts on a candidate."""
    match, created = Match.objects.get_or_create(
        structure=structure, candidate=candidate, defaults={"invited": invited}
    )
    if created:
        WORKFLOW.log(match, "open", from_status="", to_status=match.status, by=by)
        record("match.opened", match, by=by, after={"status": match.status, "invited": invited})
    return match


def _simple(name):
    def apply(match: Match, *, by, reason: str = "") -> Match:
        with transaction.atomic():
            return _move(_lock_match(match), name, by=by, reason=reason)

    apply.__name__ = name
    apply.__doc__ = f"Transition « {TRANSITIONS[name].label} »."
    return apply


shortlist = _simple("shortlist")
not_retain = _simple("not_retain")
reset = _simple("reset")
request_termination = _simple("request_termination")
terminate = _simple("terminate")


def shortlist_with_email(match: Match, *, by) -> Match:
    match = shortlist(match, by=by)
    notify.shortlisted(match)
    return match


def hire_refusal_reason(match: Match) -> str | None:
    """Why "Valider cette candidature" is refused now, or None. Call with the structure and candidate locked."""
    facts = facts_for(match.structure)
    candidate = match.candidate
    if not facts.activated:
        return "Votre structure n'est pas encore activée : vous pourrez recruter une fois l'activation faite par l'ANCT."
    if facts.deadline_passed:
        return (
            f"Le délai de recrutement de 2 mois après le comité de sélection est dépassé "
            f"(date limite : {facts.deadline:%d/%m/%Y}). Contactez l'ANCT."
        )
    taken = posts_taken(match.structure)
    if taken >= facts.posts_granted:
        return (
            f"Tous vos postes sont pourvus ou en cours de recrutement ({taken} sur {facts.posts_granted}). "
            "Demandez un poste supplémentaire pour recruter ce candidat."
        )
    if candidate.erased_at is not None or not candidate.is_available:
        return "Ce candidat n'est plus disponible."
    if Match.objects.filter(candidate=candidate, status__in=HOLDING_STATUSES).exclude(pk=match.pk).exists():
        return "Ce candidat est déjà en cours de recrutement ou recruté par une autre structure."
    return None


def request_hire(match: Match, *, by) -> Match:
    """ "Valider cette candidature": locks the structure then the candidate, checks the guards; the partial unique
    constraint (one holding match per candidate) backs the candidate check across structures."""
    try:
        with transaction.atomic():
            Structure.objects.select_for_update().get(pk=match.structure_id)
            Candidate.objects.select_for_update().get(pk=match.candidate_id)
            match = _lock_match(match)
            WORKFLOW.check(match, "request_hire")
            reason = hire_refusal_reason(match)
            if reason:
                raise TransitionError(reason)
            _move(match, "request_hire", by=by)
            notify.hire_requested(match)
    except IntegrityError as error:
        raise TransitionError(
            "Ce candidat est déjà en cours de recrutement ou recruté par une autre structure."
        ) from error
    return match


def cancel_hire_request(match: Match, *, by, reason: str = "") -> Match:
    with transaction.atomic():
        return _move(_lock_match(match), "cancel_hire_request", by=by, reason=reason)


def refuse_hire(match: Match, *, by, reason: str) -> Match:
    """ANCT refuses the hire (with a reason): the match goes back to shortlisted."""
    if not (reason or "").strip():
        raise TransitionError("Indiquez le motif du refus.")
    with transaction.atomic():
        match = _move(_lock_match(match), "refuse_hire", by=by, reason=reason)
        notify.hire_refused(match, reason)
    return match


def hire(match: Match, *, by) -> Match:
    """The hire is validated: the person becomes an advisor of the structure (same account), is no longer
    available, and their other matches are closed."""
    with transaction.atomic():
        Candidate.objects.select_for_update().get(pk=match.candidate_id)
        match = _lock_match(match)
        _move(match, "hire", by=by)
        candidate = match.candidate
        before = {"is_available": candidate.is_available}
        candidate.is_available = False
        candidate.unavailable_reason = UnavailableReason.HIRED_ADVISOR
        candidate.unavailable_since = timezone.now()
        candidate.save(
            update_fields=["is_available", "unavailable_reason", "unavailable_since", "updated_at"]
        )
        record("candidate.hired", candidate, by=by, before=before, after={"is_available": False})
        close_other_matches(candidate, keep=match, by=by, reason="Candidat recruté par une autre structure")
        if candidate.user_id:
            grant_role(candidate.user, by=by, role=Role.ADVISOR, structure=match.structure)
        notify.hired(match)
    return match


def close_other_matches(candidate, *, keep=None, by=None, reason: str = "") -> int:
    """Closes the candidate's open matches (and pending hire requests), e.g. when they stop being available."""
    matches = Match.objects.select_for_update().filter(
        candidate=candidate, status__in=(*OPEN_STATUSES, S.HIRE_REQUESTED)
    )
    if keep is not None:
        matches = matches.exclude(pk=keep.pk)
    count = 0
    for match in matches:
        _move(match, "close", by=by, reason=reason)
        count += 1
    return count


def is_advisor_of(user, structure) -> bool:
    return RoleAssignment.objects.filter(user=user, role=Role.ADVISOR, structure=structure).exists()
