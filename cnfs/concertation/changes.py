"""Post change requests as data: the structure asks, the préfet gives an opinion on additions, ANCT decides.

Same shape as the application workflow: one table that says who may take each transition and on which guards (each
returns the French reason it refuses), the request's creation declared as a step, one thin function per transition,
and a transition log (`PostChangeTransition`) shown in the request's history. Input guards pass while their input is
not given (see `workflow.given`).
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from cnfs.accounts.roles import Role
from cnfs.core.workflow import INITIAL, Transition, TransitionError, Workflow
from cnfs.structures.services import check_return, grant_posts, retire_posts

from . import conf, notify
from .models import (
    ApplicationStatus,
    ChangeKind,
    ChangeStatus,
    CommitteeDecision,
    DecisionKind,
    DecisionOutcome,
    PostChangeRequest,
    PostChangeTransition,
)
from .workflow import comment_10_1000

C = ChangeStatus


# --- guards ----------------------------------------------------------------------------------------------------------


def structure_activated(change, attempt):
    if change.application.status != ApplicationStatus.ACTIVATED:
        return "Seule une structure activée peut demander une modification de ses postes."
    return None


def posts_1_to_max(change, attempt):
    maximum = conf.max_posts_per_decision()
    if not 1 <= (change.posts or 0) <= maximum:
        return f"Indiquez un nombre de postes entre 1 et {maximum}."
    return None


def no_open_request(change, attempt):
    if PostChangeRequest.objects.filter(
        application=change.application, status__in=[C.REQUESTED, C.OPINION_GIVEN]
    ).exists():
        return "Une demande est déjà en cours : attendez sa décision."
    return None


def return_leaves_occupied_posts(change, attempt):
    """A return never takes an occupied post (the rule lives in `_check_return`, also called when accepting)."""
    if change.kind != ChangeKind.RETURN:
        return None
    try:
        _check_return(change.application.structure, change.posts)
    except TransitionError as error:
        return str(error)
    return None


def addition_only(change, attempt):
    return (
        None if change.kind == ChangeKind.ADDITION else "Un retrait de postes est décidé sans avis du préfet."
    )


def return_only(change, attempt):
    return None if change.kind == ChangeKind.RETURN else "Un ajout de postes attend l'avis du préfet."


def addition_has_opinion(change, attempt):
    if change.kind == ChangeKind.ADDITION and change.status == C.REQUESTED:
        return "Un ajout de postes attend l'avis du préfet avant la décision."
    return None


WORKFLOW = Workflow(
    [
        Transition(
            "request",
            {INITIAL},
            C.REQUESTED,
            "Demander une modification de postes",
            roles={Role.STRUCTURE},
            guards=(structure_activated, posts_1_to_max, no_open_request, return_leaves_occupied_posts),
        ),
        Transition(
            "give_opinion",
            {C.REQUESTED},
            C.OPINION_GIVEN,
            "Avis du préfet",
            roles={Role.PREFECTURE},
            guards=(addition_only, comment_10_1000),
        ),
        Transition(
            "accept", {C.OPINION_GIVEN}, C.ACCEPTED, "Accepter", roles={Role.ANCT}, guards=(addition_only,)
        ),
        Transition(
            "accept_return",
            {C.REQUESTED},
            C.ACCEPTED,
            "Accepter",
            roles={Role.ANCT},
            guards=(return_only, return_leaves_occupied_posts),
        ),
        Transition(
            "refuse",
            {C.REQUESTED, C.OPINION_GIVEN},
            C.REFUSED,
            "Refuser",
            roles={Role.ANCT},
            guards=(addition_has_opinion,),
        ),
    ],
    refused=lambda change, transition: (
        f"Action « {transition.label} » impossible sur une demande au statut « {C(change.status).label} »."
    ),
    journal_prefix="post_change",
    log_model=PostChangeTransition,
    log_field="change",
)
CHANGE_TRANSITIONS = WORKFLOW.transitions


def request_change(application, *, by, kind, posts, motive, comment="", role=None) -> PostChangeRequest:
    change = PostChangeRequest(
        application=application, kind=kind, posts=posts, motive=motive, comment=comment, requested_by=by
    )
    try:
        with transaction.atomic():
            # One request at a time per application: lock it, the unique constraint backs the guard.
            type(application).objects.select_for_update().get(pk=application.pk)
            change.application.refresh_from_db()
            WORKFLOW.create(
                change, "request", by=by, role=role, details={"kind": kind, "posts": posts, "grounds": motive}
            )
            notify.change_requested(change)
    except IntegrityError as error:
        raise TransitionError("Une demande est déjà en cours : attendez sa décision.") from error
    return change


def _check_return(structure, posts):
    check_return(structure, posts)  # locks the structure's posts; only free posts can be given back


def give_change_opinion(change, *, by, value, comment, role=None) -> PostChangeRequest:
    comment = (comment or "").strip()

    def effect(change, attempt):
        change.opinion, change.opinion_comment = value, comment
        change.opinion_by, change.opinion_at = by, timezone.now()
        return {"opinion": value}

    return WORKFLOW.run(
        change,
        "give_opinion",
        by=by,
        role=role,
        reason=comment,
        comment=comment,
        effect=effect,
        fields=("opinion", "opinion_comment", "opinion_by", "opinion_at"),
    )


def accept_change(change, *, by, committee_date=None, comment="", role=None) -> CommitteeDecision:
    """A new committee decision with the posts added (positive) or given back (negative number)."""
    created = {}

    def effect(change, attempt):
        if change.kind == ChangeKind.RETURN:
            _check_return(change.application.structure, change.posts)
        decision = CommitteeDecision.objects.create(
            application=change.application,
            kind=DecisionKind.ADDITION if change.kind == ChangeKind.ADDITION else DecisionKind.RETURN,
            outcome=DecisionOutcome.POSITIVE,
            posts=change.signed_posts,
            committee_date=committee_date or timezone.localdate(),
            comment=comment,
            change_request=change,
            by=by,
        )
        created["decision"] = decision
        if change.kind == ChangeKind.ADDITION:
            grant_posts(decision, by=by)
        else:
            retire_posts(decision, by=by)
        change.decided_by, change.decided_at, change.decision_comment = by, timezone.now(), comment
        return {"decision": decision.pk, "posts": decision.posts}

    with transaction.atomic():
        name = "accept" if change.kind == ChangeKind.ADDITION else "accept_return"
        WORKFLOW.run(
            change,
            name,
            by=by,
            role=role,
            reason=comment,
            effect=effect,
            fields=("decided_by", "decided_at", "decision_comment"),
        )
        notify.change_decided(change)
    return created["decision"]


def refuse_change(change, *, by, comment="", role=None) -> PostChangeRequest:
    def effect(change, attempt):
        change.decided_by, change.decided_at, change.decision_comment = by, timezone.now(), comment

    with transaction.atomic():
        WORKFLOW.run(
            change,
            "refuse",
            by=by,
            role=role,
            reason=comment,
            effect=effect,
            fields=("decided_by", "decided_at", "decision_comment"),
        )
        notify.change_decided(change)
    return change


__all__ = ["TransitionError"]
