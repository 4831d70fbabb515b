"""An invitation never widens what a structure sees, and its answer never says whether the email has an account."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cnfs.accounts.roles import Role
from cnfs.candidates import cv
from cnfs.candidates.models import UnavailableReason
from cnfs.recruitment.models import Match, MatchStatus
from tests.recruitment.factories import (
    PDF_BYTES,
    CandidateFactory,
    MatchFactory,
    activate,
)

pytestmark = pytest.mark.django_db
INVITE = reverse("recruitment:invite")
CANDIDATE_URLS = ("candidate_detail", "evaluation", "evaluation_docx", "candidate_cv")


@pytest.fixture
def structure(users_by_role):
    return activate(users_by_role[Role.STRUCTURE].role_assignments.get().structure)


@pytest.fixture
def as_structure(client, users_by_role, structure):
    client.force_login(users_by_role[Role.STRUCTURE])
    return client


def with_cv(candidate):
    candidate.cv_name = cv.store(SimpleUploadedFile("cv.pdf", PDF_BYTES))
    candidate.save()
    return candidate


def hired_elsewhere():
    candidate = with_cv(CandidateFactory(user__email="recrute@exemple.fr"))
    MatchFactory(candidate=candidate, status=MatchStatus.HIRED)
    candidate.is_available = False
    candidate.unavailable_reason = UnavailableReason.HIRED_ADVISOR
    candidate.save()
    return candidate


def held_elsewhere():
    candidate = with_cv(CandidateFactory(user__email="retenu@exemple.fr"))
    MatchFactory(candidate=candidate, hire_requested=True)
    return candidate


def out_of_range():
    # Lives in Marseille and accepts 5 km: does not match a structure at Moulins.
    return with_cv(
        CandidateFactory(user__email="loin@exemple.fr", latitude=43.3, longitude=5.4, max_distance=5)
    )


def assert_invisible(client, candidate):
    for name in CANDIDATE_URLS:
        response = client.get(reverse(f"recruitment:{name}", args=[candidate.pk]))
        assert response.status_code == 404, name
    response = client.post(reverse("recruitment:match_action", args=[candidate.pk, "shortlist"]))
    assert response.status_code == 404
    for tab in ("new", "all"):
        page = client.get(reverse("recruitment:candidate_list"), {"onglet": tab})
        assert candidate.pk not in {row.pk for row in page.context["page"]}
        assert candidate.user.last_name not in page.text
    export = client.get(reverse("recruitment:candidate_list"), {"onglet": "all", "export": "csv"})
    assert (
        candidate.user.last_name
        not in b"".join(export.streaming_content if export.streaming else [export.content]).decode()
    )


@pytest.mark.parametrize("make", [hired_elsewhere, held_elsewhere, out_of_range])
def test_inviting_an_existing_candidate_the_structure_may_not_see_shows_nothing_of_them(
    as_structure, make, django_capture_on_commit_callbacks
):
    candidate = make()
    assert_invisible(as_structure, candidate)
    with django_capture_on_commit_callbacks(execute=True):
        response = as_structure.post(INVITE, {"email": candidate.user.email.upper()})
    assert response.status_code == 302
    assert_invisible(as_structure, candidate)


def test_a_candidate_who_registers_after_an_invitation_is_seen_only_if_they_match(
    as_structure, structure, django_capture_on_commit_callbacks
):
    from cnfs.recruitment.invitations import attach_invitations

    with django_capture_on_commit_callbacks(execute=True):
        as_structure.post(INVITE, {"email": "loin@exemple.fr"})
        as_structure.post(INVITE, {"email": "proche@exemple.fr"})
    far = out_of_range()
    near = with_cv(CandidateFactory(user__email="proche@exemple.fr"))
    attach_invitations(far)
    attach_invitations(near)
    assert set(Match.objects.filter(invited=True).values_list("candidate", flat=True)) == {far.pk, near.pk}
    assert_invisible(as_structure, far)
    for name in CANDIDATE_URLS:
        assert as_structure.get(reverse(f"recruitment:{name}", args=[near.pk])).status_code == 200, name


def test_a_match_the_structure_acted_on_keeps_the_candidate_visible_after_they_move_away(
    as_structure, structure
):
    candidate = with_cv(CandidateFactory())
    MatchFactory(structure=structure, candidate=candidate, shortlisted=True, invited=True)
    candidate.latitude, candidate.longitude, candidate.max_distance = 43.3, 5.4, 5
    candidate.save()
    assert as_structure.get(reverse("recruitment:candidate_detail", args=[candidate.pk])).status_code == 200


def _page_shape(response) -> str:
    text = response.text
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
    text = re.sub(r'nonce="[^"]+"', "", text)
    return text.replace("inconnu@exemple.fr", "EMAIL").replace("loin@exemple.fr", "EMAIL")


def test_the_answer_is_the_same_whether_the_email_has_an_account_or_not(
    as_structure, django_capture_on_commit_callbacks
):
    known = out_of_range()
    with django_capture_on_commit_callbacks(execute=True):
        unknown_answer = as_structure.post(INVITE, {"email": "inconnu@exemple.fr"}, follow=True)
        known_answer = as_structure.post(INVITE, {"email": known.user.email}, follow=True)
    assert unknown_answer.redirect_chain == known_answer.redirect_chain
    assert unknown_answer.status_code == known_answer.status_code == 200
    assert [str(m) for m in unknown_answer.context["messages"]] == [
        str(m).replace("loin@", "inconnu@") for m in known_answer.context["messages"]
    ]
    assert _page_shape(unknown_answer) == _page_shape(known_answer)
