from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cnfs.accounts.models import User
from cnfs.accounts.roles import Role
from cnfs.candidates import cv
from cnfs.candidates.models import Candidate, PixResult
from cnfs.core.workflow import SYSTEM
from cnfs.journal.models import JournalEntry
from cnfs.recruitment.models import InterviewEvaluation, MatchStatus
from tests.factories import UserFactory
from tests.recruitment.factories import PDF_BYTES, CandidateFactory, MatchFactory, PixResultFactory

pytestmark = pytest.mark.django_db
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100


@pytest.fixture
def candidate():
    return CandidateFactory()


@pytest.fixture
def logged(client, candidate):
    client.force_login(candidate.user)
    return client


CANDIDATE_PAGES = ["space", "edit_profile", "withdraw", "delete_account", "structures"]


@pytest.mark.parametrize("name", CANDIDATE_PAGES)
def test_candidate_pages_are_for_candidates_only(role_matrix, users_by_role, name):
    CandidateFactory(user=users_by_role[Role.CANDIDATE])
    role_matrix.check(reverse(f"candidates:{name}"), {Role.CANDIDATE})


def test_pix_import_is_for_anct_only(role_matrix):
    role_matrix.check(reverse("candidates:import_pix"), {Role.ANCT})


def test_space_shows_profile_and_interested_structures(logged, candidate):
    match = MatchFactory(candidate=candidate, shortlisted=True)
    MatchFactory(
        candidate=candidate, status=MatchStatus.NOT_RETAINED
    )  # not shown: a refusal is not "interest"
    response = logged.get(reverse("candidates:space"))
    assert response.status_code == 200
    assert list(response.context["interested"]) == [match]
    assert str(match.structure) in response.text


def test_edit_profile_relocates_and_journals(logged, candidate):
    from tests.recruitment.test_matching import guadeloupe

    guadeloupe()
    response = logged.post(
        reverse("candidates:edit_profile"),
        {
            "situations": ["is_employed"],
            "commune": "Basse-Terre",
            "commune_insee": "97105",
            "available_from": (timezone.localdate() + timedelta(days=10)).isoformat(),
            "max_distance": "100",
            "motivation": "Nouvelle motivation.",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    candidate.refresh_from_db()
    assert (candidate.territory, candidate.latitude, candidate.max_distance) == ("971", 15.998, 100)
    assert candidate.is_employed and not candidate.is_job_seeker
    entry = JournalEntry.objects.for_object(candidate).get(action="candidate.profile_updated")
    assert entry.before["max_distance"] == 40 and entry.after["max_distance"] == 100


def test_edit_profile_keeps_a_past_availability_date_unchanged(logged, candidate):
    candidate.available_from = timezone.localdate() - timedelta(days=30)
    candidate.save()
    response = logged.post(
        reverse("candidates:edit_profile"),
        {
            "situations": ["is_job_seeker"],
            "commune": "Moulins",
            "commune_insee": "03190",
            "available_from": candidate.available_from.isoformat(),
            "max_distance": "40",
            "motivation": "Toujours motivé.",
        },
    )
    assert response.status_code == 302


def test_upload_replace_and_download_cv(logged, candidate):
    response = logged.post(reverse("candidates:upload_cv"), {"cv": SimpleUploadedFile("a.pdf", PDF_BYTES)})
    assert response.status_code == 302
    candidate.refresh_from_db()
    first = candidate.cv_name
    assert cv.path_of(first).exists()
    assert str(cv.path_of(first)).startswith(str(cv.cv_root()))
    logged.post(reverse("candidates:upload_cv"), {"cv": SimpleUploadedFile("b.pdf", PDF_BYTES + b"v2")})
    candidate.refresh_from_db()
    assert candidate.cv_name != first
    response = logged.get(reverse("recruitment:candidate_cv", args=[candidate.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PDF_BYTES + b"v2"


def test_cv_upload_refuses_png_and_big_files(logged, candidate, settings):
    response = logged.post(reverse("candidates:upload_cv"), {"cv": SimpleUploadedFile("cv.pdf", PNG_BYTES)})
    assert response.status_code == 400
    assert "n'est pas un PDF" in " ".join(response.context["cv_form"].errors["cv"])
    settings.CNFS_CV_MAX_BYTES = 1000
    response = logged.post(
        reverse("candidates:upload_cv"), {"cv": SimpleUploadedFile("cv.pdf", PDF_BYTES + b"0" * 2000)}
    )
    assert response.status_code == 400
    candidate.refresh_from_db()
    assert not candidate.has_cv


def test_cv_url_guessed_by_another_candidate_is_404(client, candidate):
    candidate.cv_name = cv.store(SimpleUploadedFile("a.pdf", PDF_BYTES))
    candidate.save()
    other = CandidateFactory()
    client.force_login(other.user)
    assert client.get(reverse("recruitment:candidate_cv", args=[candidate.pk])).status_code == 404


def test_pix_sharing(logged, candidate):
    PixResultFactory(candidate=candidate)
    logged.post(reverse("candidates:pix_sharing"), {"shared": "on"})
    candidate.refresh_from_db()
    assert candidate.pix_shared and candidate.shared_pix().level == 2
    logged.post(reverse("candidates:pix_sharing"), {})
    candidate.refresh_from_db()
    assert not candidate.pix_shared and candidate.shared_pix() is None


def test_withdraw_with_motive_closes_open_matches(logged, candidate):
    match = MatchFactory(candidate=candidate, shortlisted=True)
    response = logged.post(reverse("candidates:withdraw"), {"reason": "found_job"})
    assert response.status_code == 302
    candidate.refresh_from_db()
    match.refresh_from_db()
    assert not candidate.is_available and candidate.unavailable_reason == "found_job"
    assert match.status == MatchStatus.CLOSED
    assert not Candidate.objects.visible().filter(pk=candidate.pk).exists()


@pytest.mark.parametrize(
    "data, field", [({}, "reason"), ({"reason": "bored"}, "reason"), ({"reason": "other"}, "comment")]
)
def test_withdraw_bad_input(logged, candidate, data, field):
    response = logged.post(reverse("candidates:withdraw"), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    candidate.refresh_from_db()
    assert candidate.is_available


def test_available_again(logged, candidate):
    logged.post(reverse("candidates:withdraw"), {"reason": "found_job"})
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    logged.post(reverse("candidates:available_again"), {"available_from": past})
    candidate.refresh_from_db()
    assert not candidate.is_available
    logged.post(reverse("candidates:available_again"), {"available_from": timezone.localdate().isoformat()})
    candidate.refresh_from_db()
    assert candidate.is_available and candidate.unavailable_reason == ""


def test_delete_account_erases_personal_data_and_keeps_anonymous_ids(
    logged, candidate, django_capture_on_commit_callbacks
):
    candidate.cv_name = cv.store(SimpleUploadedFile("a.pdf", PDF_BYTES))
    candidate.diploma_name = "Titre professionnel REMN"
    candidate.save()
    PixResultFactory(candidate=candidate)
    match = MatchFactory(candidate=candidate, shortlisted=True)
    InterviewEvaluation.objects.create(
        match=match, scores={"motivation": 4}, comments={"motivation": "Très bien"}
    )
    user_id, email, path = candidate.user_id, candidate.user.email, cv.path_of(candidate.cv_name)
    response = logged.post(reverse("candidates:delete_account"), {})
    assert "confirm" in response.context["form"].errors
    with django_capture_on_commit_callbacks(execute=True):
        response = logged.post(reverse("candidates:delete_account"), {"confirm": "on"})
    assert response.status_code == 302
    candidate.refresh_from_db()
    match.refresh_from_db()
    assert not User.objects.filter(pk=user_id).exists()
    assert (
        candidate.user is None
        and candidate.erased_at
        and candidate.motivation == ""
        and candidate.diploma_name == ""
    )
    assert not path.exists()
    assert not PixResult.objects.exists() and not InterviewEvaluation.objects.exists()
    assert match.status == MatchStatus.CLOSED
    entries = JournalEntry.objects.filter(action__in=["candidate.erased", "account.deleted"])
    assert entries.count() == 2
    for entry in entries:
        assert email not in str(entry.before) + str(entry.after)
    # Logged out.
    assert logged.get(reverse("candidates:space")).status_code == 302


def test_hired_advisor_cannot_delete_their_account(logged, candidate):
    MatchFactory(candidate=candidate, status=MatchStatus.HIRED)
    logged.post(reverse("candidates:delete_account"), {"confirm": "on"})
    candidate.refresh_from_db()
    assert candidate.user is not None and candidate.erased_at is None


def test_a_candidate_role_without_profile_gets_404(client):
    user = UserFactory(role=Role.CANDIDATE)
    client.force_login(user)
    assert client.get(reverse("candidates:space")).status_code == 404


def test_available_again_with_a_past_date_shows_the_error_next_to_the_field(logged, candidate):
    logged.post(reverse("candidates:withdraw"), {"reason": "found_job"})
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = logged.post(reverse("candidates:available_again"), {"available_from": past})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_available_from-error"' in html
    assert f'value="{past}"' in html


def test_a_hired_advisor_is_not_offered_available_again_and_is_refused(logged, candidate):
    from cnfs.recruitment import workflow

    match = MatchFactory(candidate=candidate, shortlisted=True)
    actor = UserFactory(role=Role.STRUCTURE, role__structure=match.structure)
    workflow.request_hire(match, by=actor)
    workflow.hire(match, by=UserFactory(role=Role.ANCT), role=SYSTEM)
    # The advisor keeps their candidate role: they switch to it to open the candidate space.
    as_candidate = candidate.user.role_assignments.get(role=Role.CANDIDATE)
    logged.post(reverse("accounts:switch_role"), {"assignment": as_candidate.pk})
    response = logged.get(reverse("candidates:space"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Je suis de nouveau disponible" not in html
    assert "votre candidature n&#x27;est plus proposée aux structures" in html
    today = timezone.localdate().isoformat()
    response = logged.post(reverse("candidates:available_again"), {"available_from": today})
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert not candidate.is_available
