"""Posts held by "Valider cette candidature", occupied by the hire, their deadlines; Advisor records; re-engagement."""

import pytest
from django.db import IntegrityError, transaction

from cnfs.accounts.models import RoleAssignment
from cnfs.accounts.roles import Role
from cnfs.candidates import services as candidate_services
from cnfs.concertation.workflow import decide
from cnfs.core.workflow import SYSTEM
from cnfs.journal.models import JournalEntry
from cnfs.recruitment import workflow
from cnfs.recruitment.models import Advisor, AdvisorStatus, Match, MatchStatus, MatchTransition
from cnfs.structures.models import Post, PostStatus, Structure
from tests.concurrency import race
from tests.factories import PrefectOpinionFactory, UserFactory, grant
from tests.recruitment.factories import CandidateFactory, MatchFactory, activated_structure

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    return UserFactory(role=Role.STRUCTURE)


@pytest.fixture
def anct():
    return UserFactory(role=Role.ANCT)


def test_request_hire_holds_a_free_post_and_each_step_moves_it(member, anct):
    structure = activated_structure(posts=1)
    match = MatchFactory(structure=structure, shortlisted=True)
    workflow.request_hire(match, by=member)
    post = Post.objects.get(structure=structure)
    match.refresh_from_db()
    assert match.post == post and post.status == PostStatus.HIRE_REQUESTED
    assert JournalEntry.objects.get(action="match.request_hire").after["post"] == post.pk
    workflow.cancel_hire_request(match, by=member)
    post.refresh_from_db()
    assert post.status == PostStatus.FREE
    workflow.request_hire(match, by=member)
    workflow.hire(match, by=anct, role=SYSTEM)
    post.refresh_from_db()
    assert post.status == PostStatus.OCCUPIED


def test_the_database_refuses_two_holds_on_one_post_and_a_hold_without_post():
    structure = activated_structure(posts=1)
    held = MatchFactory(structure=structure, hire_requested=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        MatchFactory(structure=structure, status=MatchStatus.HIRED, post=held.post)
    with pytest.raises(IntegrityError), transaction.atomic():
        Match.objects.filter(pk=held.pk).update(post=None)


def test_request_hire_on_the_deadline_day_but_not_the_day_after(member, time_machine):
    time_machine.move_to("2026-01-31 10:00:00+01:00", tick=False)
    structure = activated_structure(
        posts=2
    )  # committee on 31/01: deadline 31/03 (2 months, end of month kept)
    assert set(Post.objects.values_list("deadline", flat=True)) == {Post.objects.first().deadline}
    assert str(Post.objects.first().deadline) == "2026-03-31"
    first = MatchFactory(structure=structure, shortlisted=True)
    second = MatchFactory(structure=structure, shortlisted=True)
    time_machine.move_to("2026-03-31 23:00:00+02:00", tick=False)
    workflow.request_hire(first, by=member)
    time_machine.move_to("2026-04-01 00:30:00+02:00", tick=False)
    with pytest.raises(
        workflow.TransitionError, match="délai de recrutement de vos postes libres est dépassé"
    ):
        workflow.request_hire(second, by=member)
    assert Match.objects.get(pk=second.pk).status == MatchStatus.SHORTLISTED


def test_the_hire_is_refused_after_the_posts_deadline_not_only_the_request(member, anct, time_machine):
    time_machine.move_to("2026-01-10 10:00:00+01:00", tick=False)
    structure = activated_structure(posts=2)
    late = MatchFactory(structure=structure, shortlisted=True)
    on_time = MatchFactory(structure=structure, shortlisted=True)
    workflow.request_hire(late, by=member)
    workflow.request_hire(on_time, by=member)
    time_machine.move_to("2026-03-10 18:00:00+01:00", tick=False)  # the deadline day
    workflow.hire(on_time, by=anct, role=SYSTEM)
    time_machine.move_to("2026-03-11 09:00:00+01:00", tick=False)  # the day after
    with pytest.raises(workflow.TransitionError, match="délai de recrutement de ce poste est dépassé"):
        workflow.hire(late, by=anct, role=SYSTEM)
    late.refresh_from_db()
    assert late.status == MatchStatus.HIRE_REQUESTED and late.post.status == PostStatus.HIRE_REQUESTED
    assert not Advisor.objects.filter(candidate=late.candidate).exists()


def test_an_extended_deadline_lets_the_hire_through(member, anct, time_machine):
    from datetime import date

    from cnfs.structures.services import extend_deadline

    time_machine.move_to("2026-01-10 10:00:00+01:00", tick=False)
    match = MatchFactory(structure=activated_structure(posts=1), shortlisted=True)
    workflow.request_hire(match, by=member)
    time_machine.move_to("2026-03-11 09:00:00+01:00", tick=False)
    with pytest.raises(workflow.TransitionError):
        workflow.hire(match, by=anct, role=SYSTEM)
    match.refresh_from_db()
    extend_deadline(match.post, by=anct, deadline=date(2026, 3, 31), reason="Jury reporté")
    workflow.hire(match, by=anct, role=SYSTEM)
    assert Match.objects.get(pk=match.pk).status == MatchStatus.HIRED


def test_hire_creates_one_advisor_per_person_on_the_post(member, anct):
    match = MatchFactory(hire_requested=True)
    workflow.hire(match, by=anct, role=SYSTEM)
    advisor = Advisor.objects.get()
    assert (advisor.candidate, advisor.structure, advisor.post, advisor.match) == (
        match.candidate,
        match.structure,
        match.post,
        match,
    )
    assert advisor.status == AdvisorStatus.ACTIVE and advisor.hired_at is not None
    assert RoleAssignment.objects.filter(user=match.candidate.user, role=Role.ADVISOR).exists()
    assert JournalEntry.objects.get(action="advisor.hired").after["rehire"] is False
    with pytest.raises(IntegrityError), transaction.atomic():
        Advisor.objects.create(
            candidate=match.candidate, structure=match.structure, post=match.post, match=match
        )


def test_a_terminated_advisor_can_be_hired_again_on_a_new_match(member, anct):
    match = MatchFactory(hire_requested=True)
    structure, candidate = match.structure, match.candidate
    workflow.hire(match, by=anct, role=SYSTEM)
    workflow.request_termination(match, by=member)
    workflow.terminate(match, by=anct)
    advisor = Advisor.objects.get()
    assert advisor.status == AdvisorStatus.TERMINATED
    match.refresh_from_db()
    assert match.post.status == PostStatus.FREE
    candidate_services.make_available(candidate, available_from=match.created_at.date(), by=candidate.user)
    again = workflow.open_match(structure, candidate, by=member)
    assert again.pk != match.pk  # one open match per structure and candidate, not one ever
    workflow.shortlist(again, by=member)
    workflow.request_hire(again, by=member)
    workflow.hire(again, by=anct, role=SYSTEM)
    advisor.refresh_from_db()
    assert Advisor.objects.count() == 1
    assert (advisor.status, advisor.match, advisor.terminated_at) == (AdvisorStatus.ACTIVE, again, None)


def test_one_open_match_per_structure_and_candidate_is_a_database_rule():
    match = MatchFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Match.objects.create(structure=match.structure, candidate=match.candidate)
    Match.objects.filter(pk=match.pk).update(status=MatchStatus.CLOSED)
    Match.objects.create(structure=match.structure, candidate=match.candidate)


def test_a_closed_match_reopens_when_the_candidate_is_available_again(member):
    match = MatchFactory(shortlisted=True)
    candidate = match.candidate
    candidate_services.withdraw(candidate, reason="found_job", by=candidate.user)
    match.refresh_from_db()
    assert match.status == MatchStatus.CLOSED
    candidate_services.make_available(candidate, available_from=match.created_at.date(), by=candidate.user)
    match.refresh_from_db()
    assert match.status == MatchStatus.NEW
    log = MatchTransition.objects.filter(match=match).last()
    assert (log.name, log.from_status, log.to_status) == ("reopen", MatchStatus.CLOSED, MatchStatus.NEW)
    assert JournalEntry.objects.get(action="match.reopen").role == "system"


def test_candidates_announce_availability_without_importing_recruitment():
    import ast
    import inspect

    source = inspect.getsource(candidate_services.make_available)
    imported = [
        node.module
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom) and node.module
    ]
    assert not [module for module in imported if "recruitment" in module]


def test_reopen_is_for_the_platform_only(member):
    match = MatchFactory(status=MatchStatus.CLOSED)
    with pytest.raises(workflow.TransitionForbidden):
        workflow.WORKFLOW.run(match, "reopen", by=member)


def test_positive_decision_creates_posts_with_their_deadline_and_activates_the_structure(time_machine):
    time_machine.move_to("2026-12-31 10:00:00+01:00", tick=False)
    application = PrefectOpinionFactory(application__latitude=45.1, application__longitude=5.2).application
    anct = UserFactory(role=Role.ANCT)
    decision = decide(application, by=anct, outcome="positive", posts=3)
    structure = Structure.objects.get()
    posts = list(Post.objects.filter(structure=structure))
    assert len(posts) == 3 and {p.granted_by for p in posts} == {decision}
    assert {str(p.deadline) for p in posts} == {"2027-02-28"}
    assert (structure.latitude, structure.longitude) == (45.1, 5.2)
    assert structure.departement_id == application.departement_id
    assert structure.contact_email == application.contact_email
    assert structure.mission_start == application.start_date
    assert structure.activated_at is not None
    assert JournalEntry.objects.filter(action="structure.activated", object_id=str(structure.pk)).exists()


def test_matching_reads_the_structures_location_not_the_application():
    from cnfs.recruitment.matching import matching_candidates

    structure = activated_structure(latitude=46.5646, longitude=3.3326)
    near = CandidateFactory(max_distance=5)
    structure.applications.update(latitude=43.3, longitude=-1.0)  # history only
    assert list(matching_candidates(Structure.objects.get(pk=structure.pk))) == [near]


def test_a_return_never_retires_an_occupied_or_held_post(member, anct):
    from cnfs.concertation import changes

    structure = activated_structure(posts=2)
    admin = UserFactory()
    admin.save()
    grant(admin, Role.STRUCTURE, structure=structure, is_admin=True)
    application = structure.applications.get()
    held = MatchFactory(structure=structure, hire_requested=True)
    change = changes.request_change(application, by=admin, kind="return", posts=1, motive="budget")
    decision = changes.accept_change(change, by=anct)
    held.post.refresh_from_db()
    assert held.post.status == PostStatus.HIRE_REQUESTED
    retired = Post.objects.get(status=PostStatus.RETIRED)
    assert retired.retired_by == decision and retired != held.post
    assert Post.objects.granted().filter(structure=structure).count() == 1
    with pytest.raises(workflow.TransitionError, match="0 poste\\(s\\) libre\\(s\\) seulement"):
        changes.request_change(application, by=admin, kind="return", posts=1, motive="budget")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_n_plus_one_concurrent_requests_on_n_posts_exactly_n_succeed():
    posts = 3
    structure = activated_structure(posts=posts)
    member = UserFactory(role=Role.STRUCTURE)
    matches = [MatchFactory(structure=structure, shortlisted=True) for _ in range(posts + 1)]
    results = race(*[lambda m=m: workflow.request_hire(m, by=member) for m in matches])
    successes = [r for r in results if isinstance(r, Match)]
    failures = [r for r in results if isinstance(r, workflow.TransitionError)]
    assert len(successes) == posts and len(failures) == 1, results
    assert Post.objects.filter(structure=structure, status=PostStatus.HIRE_REQUESTED).count() == posts
    assert (
        len(set(Match.objects.filter(status=MatchStatus.HIRE_REQUESTED).values_list("post", flat=True)))
        == posts
    )


def test_an_active_advisor_cannot_declare_themself_available_again(anct):
    match = MatchFactory(hire_requested=True)
    workflow.hire(match, by=anct, role=SYSTEM)
    with pytest.raises(candidate_services.CandidateError, match="recruté"):
        candidate_services.make_available(
            match.candidate, available_from=match.created_at.date(), by=match.candidate.user
        )


def test_reopening_skips_a_pair_that_already_has_an_open_match(member):
    match = MatchFactory(shortlisted=True)
    candidate = match.candidate
    candidate_services.withdraw(candidate, reason="found_job", by=candidate.user)
    Match.objects.create(structure=match.structure, candidate=candidate)  # a new match opened meanwhile
    candidate_services.make_available(candidate, available_from=match.created_at.date(), by=candidate.user)
    match.refresh_from_db()
    assert match.status == MatchStatus.CLOSED
    assert Match.objects.live().filter(structure=match.structure, candidate=candidate).count() == 1
