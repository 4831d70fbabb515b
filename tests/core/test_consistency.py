"""`manage.py check_consistency`: every rule reports nothing after the real paths, and names the rows that break it."""

import pytest
from django.utils import timezone

from cnfs.accounts.roles import Role
from cnfs.core.consistency import run_checks
from cnfs.recruitment import workflow
from cnfs.recruitment.models import Advisor
from cnfs.structures.models import Post, PostStatus, Structure
from tests.factories import DepartementFactory
from tests.funding.factories import hired_match
from tests.recruitment.factories import CandidateFactory, MatchFactory, activated_structure, structure_user

pytestmark = pytest.mark.django_db


def violations() -> dict[str, list]:
    return {result.check.name: result.ids for result in run_checks() if result.ids}


@pytest.fixture
def hired():
    """A structure with 3 posts: one hire requested, one hire validated (through the workflow), one free."""
    structure = activated_structure(posts=3)
    member = structure_user(structure)
    requested = MatchFactory(structure=structure, candidate=CandidateFactory(), shortlisted=True)
    workflow.request_hire(requested, by=member)
    hired_match(structure)
    return structure


def test_the_real_paths_leave_no_violation(hired):
    assert violations() == {}


def test_a_structure_in_another_departement_than_its_commune(hired):
    Structure.objects.filter(pk=hired.pk).update(departement=DepartementFactory(code="99", name="Ailleurs"))
    assert violations() == {"structures.departement": [hired.pk]}


def test_an_activated_structure_without_coordinates(hired):
    Structure.objects.filter(pk=hired.pk).update(latitude=None)
    assert violations() == {"structures.activated_located": [hired.pk]}


def test_posts_that_no_decision_explains(hired):
    free = Post.objects.filter(structure=hired, status=PostStatus.FREE).get()
    free.delete()
    application = hired.applications.get()
    assert violations() == {"concertation.posts_granted": [application.pk]}


def test_a_post_whose_status_disagrees_with_its_match(hired):
    held = Post.objects.get(structure=hired, status=PostStatus.HIRE_REQUESTED)
    Post.objects.filter(pk=held.pk).update(status=PostStatus.FREE, status_changed_at=timezone.now())
    assert violations() == {"recruitment.post_status": [held.pk]}


def test_a_hire_without_its_advisor(hired):
    advisor = Advisor.objects.get()
    match_pk = advisor.match_id
    advisor.delete()
    assert violations() == {"recruitment.advisor": [match_pk]}


def test_an_advisor_on_another_post_than_their_match(hired):
    advisor = Advisor.objects.get()
    free = Post.objects.get(structure=hired, status=PostStatus.FREE)
    Advisor.objects.filter(pk=advisor.pk).update(post=free)
    assert violations() == {"recruitment.advisor_post": [advisor.pk]}


def test_each_post_keeps_its_occupancy_history(hired):
    """Granted, held by the hire request, occupied by the hire: every move of a post is logged with who and which
    match."""
    from cnfs.structures.models import PostTransition

    advisor = Advisor.objects.get()
    history = list(
        PostTransition.objects.filter(post=advisor.post).values_list("name", "from_status", "to_status")
    )
    assert history == [
        ("grant", "", PostStatus.FREE),
        ("hold", PostStatus.FREE, PostStatus.HIRE_REQUESTED),
        ("occupy", PostStatus.HIRE_REQUESTED, PostStatus.OCCUPIED),
    ]
    hold = PostTransition.objects.get(post=advisor.post, name="hold")
    assert hold.reason == f"mise en relation {advisor.match_id}"
    assert hold.by.role_assignments.filter(role=Role.STRUCTURE).exists()
    assert (
        PostTransition.objects.get(post=advisor.post, name="occupy")
        .by.role_assignments.filter(role=Role.BDT)
        .exists()
    )
