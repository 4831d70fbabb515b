"""The match workflow as data: one transition table on the common engine (`cnfs.core.workflow`), each transition
with the roles that may take it and its guards (each returns the French reason it refuses).

`WORKFLOW.run(match, name, by=…)` locks, checks status, role and guards, applies the effect, moves, logs and journals
in one transaction; the functions below add what each step does besides (the post it holds, the advisor it creates,
the emails). Views ask `WORKFLOW.actions(match, by=…)` which buttons to show; `TransitionForbidden` is a 403.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from cnfs.accounts.roles import Role
from cnfs.accounts.services import grant_role
from cnfs.candidates.models import Candidate, UnavailableReason
from cnfs.core.workflow import SYSTEM, Transition, TransitionError, TransitionForbidden, Workflow
from cnfs.journal.services import record
from cnfs.structures.models import Post, PostStatus, Structure
from cnfs.structures.services import set_post_status

from . import notify, signals
from .models import (
    HOLDING_STATUSES,
    OPEN_STATUSES,
    Advisor,
    AdvisorStatus,
    Match,
    MatchStatus,
    MatchTransition,
)

__all__ = ["Transition", "TransitionError", "TransitionForbidden"]

S = MatchStatus
HELD_ELSEWHERE = "Ce candidat est déjà en cours de recrutement ou recruté par une autre structure."


# --- guards: each returns None, or the French reason it refuses ---------------------------------------------------


def structure_activated(match, attempt):
    if not match.structure.activated:
        return "Votre structure n'est pas encore activée : vous pourrez recruter une fois l'activation faite par l'ANCT."
    return None


def free_post_before_deadline(match, attempt):
    """ "Valider cette candidature" holds a free post whose recruitment deadline has not passed."""
    posts = Post.objects.filter(structure=match.structure_id)
    if posts.open_for_hire().exists():
        return None
    free = posts.free().order_by("-deadline").first()
    if free is not None:
        return (
            f"Le délai de recrutement de vos postes libres est dépassé (date limite : {free.deadline:%d/%m/%Y}). "
            "Contactez l'ANCT, qui peut le prolonger."
        )
    granted = posts.granted().count()
    return (
        f"Tous vos postes sont pourvus ou en cours de recrutement ({granted} sur {granted}). "
        "Demandez un poste supplémentaire pour recruter ce candidat."
    )


def held_post_before_deadline(match, attempt):
    """The hire (and every step after the request) happens on the held post, before its deadline."""
    post = match.post
    if post is None or post.status != PostStatus.HIRE_REQUESTED:
        return "Aucun poste n'est tenu par cette demande de recrutement."
    if post.expired:
        return (
            f"Le délai de recrutement de ce poste est dépassé (date limite : {post.deadline:%d/%m/%Y}). "
            "L'ANCT peut le prolonger avant la décision de conformité."
        )
    return None


def candidate_available(match, attempt):
    candidate = match.candidate
    if candidate.erased_at is not None or not candidate.is_available:
        return "Ce candidat n'est plus disponible."
    return None


def not_held_elsewhere(match, attempt):
    others = Match.objects.filter(candidate=match.candidate_id, status__in=HOLDING_STATUSES)
    if match.pk:
        others = others.exclude(pk=match.pk)
    return HELD_ELSEWHERE if others.exists() else None


def reason_given(match, attempt):
    return None if (attempt["reason"] or "").strip() else "Indiquez le motif du refus."


def no_other_open_match(match, attempt):
    others = Match.objects.live().filter(structure=match.structure_id, candidate=match.candidate_id)
    return "Une autre mise en relation est déjà ouverte." if others.exclude(pk=match.pk).exists() else None


STRUCTURE = {Role.STRUCTURE}
ANCT = {Role.ANCT}

WORKFLOW = Workflow(
    [
        Transition("shortlist", {S.NEW, S.NOT_RETAINED}, S.SHORTLISTED, "Présélectionner", roles=STRUCTURE),
        Transition("not_retain", {S.NEW, S.SHORTLISTED}, S.NOT_RETAINED, "Ne pas retenir", roles=STRUCTURE),
        Transition(
            "reset", {S.SHORTLISTED, S.NOT_RETAINED}, S.NEW, "Remettre en « nouvelle »", roles=STRUCTURE
        ),
        Transition(
            "request_hire",
            {S.SHORTLISTED},
            S.HIRE_REQUESTED,
            "Valider cette candidature",
            roles=STRUCTURE,
            guards=(structure_activated, free_post_before_deadline, candidate_available, not_held_elsewhere),
        ),
        Transition(
            "cancel_hire_request", {S.HIRE_REQUESTED}, S.SHORTLISTED, "Annuler la demande", roles=STRUCTURE
        ),
        Transition(
            "refuse_hire",
            {S.HIRE_REQUESTED},
            S.SHORTLISTED,
            "Arrêter ce recrutement",
            roles=ANCT,
            guards=(reason_given,),
        ),
        Transition(
            "hire",
            {S.HIRE_REQUESTED},
            S.HIRED,
            "Finaliser le recrutement",
            # Only the platform completes the hire: when the Banque des Territoires finds the grant file conform
            # (funding). ANCT follows the hires in progress and can stop one ("refuse_hire").
            roles={SYSTEM},
            # Held by this very match: the unique constraint (one holding match per candidate) already says no other
            # structure holds the candidate.
            guards=(structure_activated, held_post_before_deadline, candidate_available),
        ),
        Transition(
            "request_termination",
            {S.HIRED},
            S.TERMINATION_REQUESTED,
            "Demander la rupture",
            roles=STRUCTURE,
        ),
        Transition(
            "refuse_termination",
            {S.TERMINATION_REQUESTED},
            S.HIRED,
            "Refuser la rupture",
            roles=ANCT,
            guards=(reason_given,),
        ),
        Transition("terminate", {S.TERMINATION_REQUESTED}, S.TERMINATED, "Rompre le contrat", roles=ANCT),
        Transition(
            "close",
            {S.NEW, S.SHORTLISTED, S.NOT_RETAINED, S.HIRE_REQUESTED},
            S.CLOSED,
            "Clore (candidat plus disponible)",
            roles={SYSTEM},
        ),
        Transition(
            "reopen",
            {S.CLOSED},
            S.NEW,
            "Rouvrir (candidat de nouveau disponible)",
            roles={SYSTEM},
            guards=(candidate_available, no_other_open_match),
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
STRUCTURE_ACTIONS = frozenset(t.name for t in TRANSITIONS.values() if Role.STRUCTURE in t.roles)


def _lock_match(match: Match) -> Match:
    return (
        Match.objects.select_for_update(of=("self",))
        .select_related("candidate__user", "structure", "post")
        .get(pk=match.pk)
    )


def _lock_all(match: Match) -> Match:
    """Structure, then candidate, then the match: every step that decides on a post or a person locks in this order."""
    Structure.objects.select_for_update().get(pk=match.structure_id)
    Candidate.objects.select_for_update().get(pk=match.candidate_id)
    return _lock_match(match)


def _release_post(match: Match, attempt=None):
    """The held post goes back to free (a request cancelled, refused or closed; a contract ended)."""
    if match.status == S.HIRE_REQUESTED:
        signals.hire_request_ended.send(sender=Match, match=match, by=attempt.by if attempt else None)
    if match.post_id and match.post.status != PostStatus.RETIRED:
        set_post_status(match.post, PostStatus.FREE, by=attempt.by if attempt else None, match=match)
    return {"post": match.post_id}


def open_match(structure, candidate, *, by=None, invited: bool = False) -> Match:
    """The open match of (structure, candidate), created in "new" when the structure first acts on a candidate."""
    match = Match.objects.live().filter(structure=structure, candidate=candidate).first()
    if match is not None:
        return match
    try:
        with transaction.atomic():
            match = Match.objects.create(structure=structure, candidate=candidate, invited=invited)
    except IntegrityError:  # the same click twice: the other request created it
        return Match.objects.live().get(structure=structure, candidate=candidate)
    WORKFLOW.log(match, "open", from_status="", to_status=match.status, by=by)
    record("match.opened", match, by=by, after={"status": match.status, "invited": invited})
    return match


def _simple(name):
    def apply(match: Match, *, by, reason: str = "", role=None) -> Match:
        return WORKFLOW.run(match, name, by=by, reason=reason, role=role, lock=_lock_match)

    apply.__name__ = name
    apply.__doc__ = f"Transition « {TRANSITIONS[name].label} »."
    return apply


shortlist = _simple("shortlist")
not_retain = _simple("not_retain")
reset = _simple("reset")
request_termination = _simple("request_termination")
refuse_termination = _simple("refuse_termination")


def shortlist_with_email(match: Match, *, by) -> Match:
    match = shortlist(match, by=by)
    notify.shortlisted(match)
    return match


def request_hire(match: Match, *, by, role=None) -> Match:
    """ "Valider cette candidature": locks the structure, the candidate and the match, then holds the first free post
    before its deadline. The partial unique constraints (one holding match per candidate, one per post) back the
    guards across structures and concurrent clicks."""

    def hold_post(match, attempt):
        post = (
            Post.objects.select_for_update()
            .filter(structure=match.structure_id)
            .open_for_hire()
            .order_by("deadline", "pk")
            .first()
        )
        if post is None:  # the guard saw one; only a concurrent request can have taken it
            raise TransitionError(free_post_before_deadline(match, attempt) or "Aucun poste libre.")
        match.post = set_post_status(post, PostStatus.HIRE_REQUESTED, by=attempt.by, match=match)
        return {"post": post.pk}

    try:
        with transaction.atomic():
            match = WORKFLOW.run(
                match, "request_hire", by=by, role=role, lock=_lock_all, effect=hold_post, fields=("post",)
            )
            signals.hire_requested.send(sender=Match, match=match, by=by)
            notify.hire_requested(match)
    except IntegrityError as error:
        raise TransitionError(HELD_ELSEWHERE) from error
    return match


def cancel_hire_request(match: Match, *, by, reason: str = "", role=None) -> Match:
    return WORKFLOW.run(
        match, "cancel_hire_request", by=by, reason=reason, role=role, lock=_lock_all, effect=_release_post
    )


def refuse_hire(match: Match, *, by, reason: str, role=None) -> Match:
    """ANCT stops the hire request ("Arrêter ce recrutement", with a reason): the match goes back to shortlisted, the
    post is free again and the grant file is cancelled (funding reacts to hire_request_ended)."""
    with transaction.atomic():
        match = WORKFLOW.run(
            match, "refuse_hire", by=by, reason=reason, role=role, lock=_lock_all, effect=_release_post
        )
        notify.hire_refused(match, reason)
    return match


def hire(match: Match, *, by, role=None) -> Match:
    """The hire is validated: the post is occupied, the person becomes an advisor (one Advisor record per person,
    moved to this post on a re-hire; same account, ADVISOR role), is no longer available, and their other matches
    are closed."""

    def complete(match, attempt):
        set_post_status(match.post, PostStatus.OCCUPIED, by=attempt.by, match=match)
        now = timezone.now()
        advisor, created = Advisor.objects.update_or_create(
            candidate=match.candidate,
            defaults={
                "structure": match.structure,
                "post": match.post,
                "match": match,
                "status": AdvisorStatus.ACTIVE,
                "hired_at": now,
                "terminated_at": None,
            },
        )
        record(
            "advisor.hired",
            advisor,
            by=by,
            after={
                "match": match.pk,
                "post": match.post_id,
                "structure": match.structure_id,
                "rehire": not created,
            },
        )
        candidate = match.candidate
        before = {"is_available": candidate.is_available}
        candidate.is_available = False
        candidate.unavailable_reason = UnavailableReason.HIRED_ADVISOR
        candidate.unavailable_since = now
        candidate.save(
            update_fields=["is_available", "unavailable_reason", "unavailable_since", "updated_at"]
        )
        record("candidate.hired", candidate, by=by, before=before, after={"is_available": False})
        return {"post": match.post_id, "advisor": advisor.pk}

    with transaction.atomic():
        match = WORKFLOW.run(match, "hire", by=by, role=role, lock=_lock_all, effect=complete)
        close_other_matches(
            match.candidate, keep=match, by=by, reason="Candidat recruté par une autre structure"
        )
        if match.candidate.user_id:
            grant_role(match.candidate.user, by=by, role=Role.ADVISOR, structure=match.structure)
        notify.hired(match)
    return match


def terminate(match: Match, *, by, reason: str = "", role=None) -> Match:
    """The contract ends: the advisor is terminated (they may be hired again), the post is free again."""

    def end(match, attempt):
        Advisor.objects.filter(match=match, status=AdvisorStatus.ACTIVE).update(
            status=AdvisorStatus.TERMINATED, terminated_at=timezone.now()
        )
        return _release_post(match)

    return WORKFLOW.run(match, "terminate", by=by, reason=reason, role=role, lock=_lock_all, effect=end)


def close_other_matches(candidate, *, keep=None, by=None, reason: str = "") -> int:
    """Closes the candidate's open matches (and pending hire requests, whose post is freed), e.g. when they stop
    being available. The platform closes them (SYSTEM), on behalf of `by`."""
    matches = Match.objects.filter(candidate=candidate, status__in=(*OPEN_STATUSES, S.HIRE_REQUESTED))
    if keep is not None:
        matches = matches.exclude(pk=keep.pk)
    count = 0
    for match in matches.order_by("pk"):
        WORKFLOW.run(
            match, "close", by=by, role=SYSTEM, reason=reason, lock=_lock_match, effect=_release_post
        )
        count += 1
    return count


def reopen_closed_matches(candidate, *, by=None) -> int:
    """Re-engagement: the candidate is available again, their closed matches become new again (one open match per
    structure at most)."""
    count = 0
    closed = Match.objects.filter(candidate=candidate, status=S.CLOSED).order_by("structure_id", "-pk")
    seen = set()
    for match in closed:
        if match.structure_id in seen:
            continue
        seen.add(match.structure_id)
        if "reopen" in WORKFLOW.action_names(match, by=by, role=SYSTEM):  # e.g. not if a new match is open
            WORKFLOW.run(match, "reopen", by=by, role=SYSTEM, lock=_lock_match)
            count += 1
    return count
