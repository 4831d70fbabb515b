"""Post change requests as data: the structure asks, the préfet gives an opinion on additions, ANCT decides."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from cnfs.core.workflow import Transition, TransitionError, Workflow
from cnfs.journal.services import record
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
)

C = ChangeStatus


@dataclass(frozen=True)
class ChangeTransition(Transition):
    """A transition that also depends on the kind of request (addition or return of posts)."""

    kinds: frozenset = frozenset({ChangeKind.ADDITION, ChangeKind.RETURN})

    def allows(self, change) -> bool:
        return super().allows(change) and change.kind in self.kinds


WORKFLOW = Workflow(
    [
        ChangeTransition(
            "give_opinion",
            frozenset({C.REQUESTED}),
            C.OPINION_GIVEN,
            "Avis du préfet",
            frozenset({ChangeKind.ADDITION}),
        ),
        # An addition waits for the préfet's opinion; a return is decided directly.
        ChangeTransition(
            "accept", frozenset({C.OPINION_GIVEN}), C.ACCEPTED, "Accepter", frozenset({ChangeKind.ADDITION})
        ),
        ChangeTransition(
            "accept_return", frozenset({C.REQUESTED}), C.ACCEPTED, "Accepter", frozenset({ChangeKind.RETURN})
        ),
        ChangeTransition("refuse", frozenset({C.REQUESTED, C.OPINION_GIVEN}), C.REFUSED, "Refuser"),
    ],
    refused=lambda change, transition: (
        f"Action « {transition.label} » impossible sur une demande au statut « {C(change.status).label} »."
    ),
    journal_prefix="post_change",
)
CHANGE_TRANSITIONS = WORKFLOW.transitions


def request_change(application, *, by, kind, posts, motive, comment="") -> PostChangeRequest:
    with transaction.atomic():
        application = type(application).objects.select_for_update().get(pk=application.pk)
        if application.status != ApplicationStatus.ACTIVATED:
            raise TransitionError("Seule une structure activée peut demander une modification de ses postes.")
        if not 1 <= posts <= conf.max_posts_per_decision():
            raise TransitionError(f"Indiquez un nombre de postes entre 1 et {conf.max_posts_per_decision()}.")
        if kind == ChangeKind.RETURN:
            _check_return(application.structure, posts)
        try:
            with transaction.atomic():
                change = PostChangeRequest.objects.create(
                    application=application,
                    kind=kind,
                    posts=posts,
                    motive=motive,
                    comment=comment,
                    requested_by=by,
                )
        except IntegrityError as error:
            raise TransitionError("Une demande est déjà en cours : attendez sa décision.") from error
        record(
            "post_change.requested",
            change,
            by=by,
            before=None,
            after={"kind": kind, "posts": posts, "motive": motive, "status": change.status},
        )
    return change


def _check_return(structure, posts):
    check_return(structure, posts)  # locks the structure's posts; only free posts can be given back


def give_change_opinion(change, *, by, value, comment) -> PostChangeRequest:
    with transaction.atomic():
        WORKFLOW.lock(change)
        transition = WORKFLOW.check(change, "give_opinion")
        comment = (comment or "").strip()
        if not 10 <= len(comment) <= 1000:
            raise TransitionError("Le commentaire doit compter entre 10 et 1 000 caractères.")
        change.opinion, change.opinion_comment = value, comment
        change.opinion_by, change.opinion_at = by, timezone.now()
        WORKFLOW.move(
            change,
            transition,
            by=by,
            details={"opinion": value, "comment": comment},
            fields=("opinion", "opinion_comment", "opinion_by", "opinion_at"),
        )
    return change


def accept_change(change, *, by, committee_date=None, comment="") -> CommitteeDecision:
    """A new committee decision with the posts added (positive) or given back (negative number)."""
    with transaction.atomic():
        WORKFLOW.lock(change)
        transition = WORKFLOW.check(
            change, "accept" if change.kind == ChangeKind.ADDITION else "accept_return"
        )
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
        if change.kind == ChangeKind.ADDITION:
            grant_posts(decision, by=by)
        else:
            retire_posts(decision, by=by)
        change.decided_by, change.decided_at, change.decision_comment = by, timezone.now(), comment
        WORKFLOW.move(
            change,
            transition,
            by=by,
            details={"decision": decision.pk, "posts": decision.posts, "comment": comment},
            fields=("decided_by", "decided_at", "decision_comment"),
        )
        notify.change_decided(change)
    return decision


def refuse_change(change, *, by, comment="") -> PostChangeRequest:
    with transaction.atomic():
        WORKFLOW.lock(change)
        transition = WORKFLOW.check(change, "refuse")
        change.decided_by, change.decided_at, change.decision_comment = by, timezone.now(), comment
        WORKFLOW.move(
            change,
            transition,
            by=by,
            details={"comment": comment},
            fields=("decided_by", "decided_at", "decision_comment"),
        )
        notify.change_decided(change)
    return change
