from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from cnfs.accounts.models import RoleAssignment
from cnfs.accounts.roles import Role
from cnfs.core.workflow import SYSTEM
from cnfs.journal.models import JournalEntry
from cnfs.recruitment import workflow
from cnfs.recruitment.models import Match, MatchStatus, MatchTransition
from cnfs.structures.models import PostStatus, Structure
from tests.concurrency import race
from tests.factories import UserFactory
from tests.recruitment.factories import CandidateFactory, MatchFactory, activated_structure

pytestmark = pytest.mark.django_db


@pytest.fixture
def actor():
    """Acts for the structures (the match steps of the structure's side)."""
    user = UserFactory(role=Role.STRUCTURE)
    user.save()
    return user


@pytest.fixture
def anct():
    return UserFactory(role=Role.ANCT)


def test_transition_table_is_explicit():
    assert {t.name for t in workflow.allowed_transitions(MatchStatus.NEW)} == {
        "shortlist",
        "not_retain",
        "close",
    }
    assert {t.name for t in workflow.allowed_transitions(MatchStatus.SHORTLISTED)} == {
        "not_retain",
        "reset",
        "request_hire",
        "close",
    }
    assert {t.name for t in workflow.allowed_transitions(MatchStatus.HIRE_REQUESTED)} == {
        "cancel_hire_request",
        "refuse_hire",
        "hire",
        "close",
    }
    assert workflow.allowed_transitions(MatchStatus.TERMINATED) == []
    assert [t.name for t in workflow.allowed_transitions(MatchStatus.CLOSED)] == ["reopen"]


def test_each_transition_declares_who_may_take_it():
    roles = {name: set(t.roles) for name, t in workflow.TRANSITIONS.items()}
    for name in ("shortlist", "not_retain", "reset", "request_hire", "cancel_hire_request"):
        assert roles[name] == {Role.STRUCTURE}, name
    assert roles["refuse_hire"] == roles["terminate"] == roles["refuse_termination"] == {Role.ANCT}
    # The conformity decision of the Banque des Territoires completes the hire (funding), not an ANCT click.
    assert roles["hire"] == {SYSTEM}
    assert roles["request_termination"] == {Role.STRUCTURE}
    assert roles["close"] == roles["reopen"] == {SYSTEM}


def test_a_role_the_table_does_not_allow_is_forbidden(actor, anct):
    match = MatchFactory(shortlisted=True)
    with pytest.raises(workflow.TransitionForbidden):
        workflow.request_hire(match, by=anct)
    match = MatchFactory(hire_requested=True)
    with pytest.raises(workflow.TransitionForbidden):
        workflow.hire(match, by=actor)
    with pytest.raises(workflow.TransitionForbidden):
        workflow.hire(match, by=anct, role=Role.ANCT)
    with pytest.raises(workflow.TransitionForbidden):
        workflow.refuse_hire(match, by=actor, reason="Pas moi")
    match.refresh_from_db()
    assert match.status == MatchStatus.HIRE_REQUESTED
    assert not MatchTransition.objects.filter(match=match).exists()


def test_shortlist_logs_journals_and_mails_the_candidate(actor, django_capture_on_commit_callbacks):
    match = MatchFactory()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.shortlist_with_email(match, by=actor)
    match.refresh_from_db()
    assert match.status == MatchStatus.SHORTLISTED
    log = MatchTransition.objects.get(match=match, name="shortlist")
    assert (log.from_status, log.to_status, log.by) == (MatchStatus.NEW, MatchStatus.SHORTLISTED, actor)
    assert JournalEntry.objects.for_object(match).filter(action="match.shortlist", actor=actor).exists()
    assert [m.to for m in mail.outbox] == [[match.candidate.user.email]]


def test_illegal_transition_raises(actor, anct):
    match = MatchFactory()
    with pytest.raises(workflow.TransitionError):
        workflow.request_hire(match, by=actor)
    with pytest.raises(workflow.TransitionError):
        workflow.hire(match, by=anct, role=SYSTEM)
    match.refresh_from_db()
    assert match.status == MatchStatus.NEW


def test_request_hire_success_tells_candidate_anct_and_prefecture(
    actor, django_capture_on_commit_callbacks, settings
):
    match = MatchFactory(shortlisted=True)
    prefect = UserFactory(role=Role.PREFECTURE)  # scoped to the Allier, the structure's département
    with django_capture_on_commit_callbacks(execute=True):
        workflow.request_hire(match, by=actor)
    match.refresh_from_db()
    assert match.status == MatchStatus.HIRE_REQUESTED
    recipients = {m.to[0] for m in mail.outbox}
    assert recipients == {match.candidate.user.email, prefect.email, settings.CNFS_ANCT_MAILBOX}
    to_anct = next(m for m in mail.outbox if m.to == [settings.CNFS_ANCT_MAILBOX])
    assert "/recrutement/en-cours/" in to_anct.body and "Valider cette candidature" in to_anct.body


@pytest.mark.parametrize(
    "setup, message",
    [
        ("not_activated", "n'est pas encore activée"),
        ("no_post", "Tous vos postes sont pourvus"),
        ("deadline", "délai de recrutement"),
        ("unavailable", "n'est plus disponible"),
        ("held", "autre structure"),
    ],
)
def test_request_hire_refused_with_a_clear_reason(actor, setup, message):
    structure = activated_structure(posts=1)
    match = MatchFactory(structure=structure, shortlisted=True)
    if setup == "not_activated":
        Structure.objects.filter(pk=structure.pk).update(activated_at=None)
    elif setup == "no_post":
        MatchFactory(structure=structure, status=MatchStatus.HIRED)
    elif setup == "deadline":
        structure.posts.update(
            committee_date=timezone.localdate() - timedelta(days=70),
            deadline=timezone.localdate() - timedelta(days=1),
        )
    elif setup == "unavailable":
        match.candidate.is_available = False
        match.candidate.unavailable_reason = "found_job"
        match.candidate.save()
    elif setup == "held":
        MatchFactory(candidate=match.candidate, status=MatchStatus.HIRE_REQUESTED)
    with pytest.raises(workflow.TransitionError, match=message):
        workflow.request_hire(match, by=actor)
    match.refresh_from_db()
    assert match.status == MatchStatus.SHORTLISTED


def test_database_refuses_two_holding_matches_for_one_candidate():
    candidate = CandidateFactory()
    MatchFactory(candidate=candidate, status=MatchStatus.HIRE_REQUESTED)
    with pytest.raises(IntegrityError), transaction.atomic():
        MatchFactory(candidate=candidate, status=MatchStatus.HIRED)


def test_hire_makes_an_advisor_and_closes_other_matches(anct, django_capture_on_commit_callbacks):
    match = MatchFactory(hire_requested=True)
    other = MatchFactory(candidate=match.candidate, shortlisted=True)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.hire(match, by=anct, role=SYSTEM)
    match.refresh_from_db()
    other.refresh_from_db()
    candidate = match.candidate
    candidate.refresh_from_db()
    assert match.status == MatchStatus.HIRED
    assert other.status == MatchStatus.CLOSED
    assert not candidate.is_available and candidate.unavailable_reason == "hired_advisor"
    assert RoleAssignment.objects.filter(
        user=candidate.user, role=Role.ADVISOR, structure=match.structure
    ).exists()
    # Same account: the candidate role is kept, the advisor role added.
    assert RoleAssignment.objects.filter(user=candidate.user, role=Role.CANDIDATE).exists()


def test_refuse_hire_needs_a_reason_and_returns_to_shortlist(anct):
    match = MatchFactory(hire_requested=True)
    with pytest.raises(workflow.TransitionError, match="motif"):
        workflow.refuse_hire(match, by=anct, reason=" ")
    workflow.refuse_hire(match, by=anct, reason="Le contrat proposé ne respecte pas le cadre.")
    match.refresh_from_db()
    assert match.status == MatchStatus.SHORTLISTED
    assert match.post.status == PostStatus.FREE  # the post held by the request is free again


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_structures_validating_the_same_candidate_exactly_one_wins():
    candidate = CandidateFactory()
    actor = UserFactory(role=Role.STRUCTURE)
    first = MatchFactory(candidate=candidate, shortlisted=True)
    second = MatchFactory(candidate=candidate, shortlisted=True)
    results = race(
        *[lambda: workflow.request_hire(first, by=actor), lambda: workflow.request_hire(second, by=actor)]
    )
    successes = [r for r in results if isinstance(r, Match)]
    failures = [r for r in results if isinstance(r, workflow.TransitionError)]
    assert len(successes) == 1 and len(failures) == 1, results
    assert Match.objects.filter(candidate=candidate, status=MatchStatus.HIRE_REQUESTED).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_structure_clicking_twice_with_one_free_post_exactly_one_wins():
    structure = activated_structure(posts=1)
    actor = UserFactory(role=Role.STRUCTURE)
    first = MatchFactory(structure=structure, shortlisted=True)
    second = MatchFactory(structure=structure, shortlisted=True)
    results = race(
        *[lambda: workflow.request_hire(first, by=actor), lambda: workflow.request_hire(second, by=actor)]
    )
    assert sum(isinstance(r, Match) for r in results) == 1, results
    assert sum(isinstance(r, workflow.TransitionError) for r in results) == 1, results
    assert Match.objects.filter(structure=structure, status=MatchStatus.HIRE_REQUESTED).count() == 1
