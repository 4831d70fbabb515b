"""Hostile input through the real pages: control characters, NUL bytes and out-of-range dates give a clear message,
never a 500 (on SQLite and on PostgreSQL, which refuses NUL in text)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from cnfs.accounts.roles import Role
from cnfs.candidates import cv
from cnfs.candidates.models import Candidate
from cnfs.concertation.models import CommitteeDecision, Wave
from cnfs.concertation.workflow import decide
from cnfs.recruitment.models import InterviewEvaluation
from cnfs.structures.models import JobPosting
from tests.factories import PrefectOpinionFactory, StructureApplicationFactory, UserFactory, grant
from tests.permissions import body
from tests.recruitment.factories import PDF_BYTES, CandidateFactory, MatchFactory, activate

pytestmark = pytest.mark.django_db


@pytest.fixture
def anct(client):
    client.force_login(UserFactory(role=Role.ANCT))
    return client


@pytest.fixture
def as_structure(client, users_by_role):
    structure = activate(users_by_role[Role.STRUCTURE].role_assignments.get().structure)
    client.force_login(users_by_role[Role.STRUCTURE])
    return client, structure


@pytest.mark.parametrize(
    "query", ["q=%00", "q=Moul%00ins", "commune=%00", "commune=03%0019", "sort=name%00", "page=1%00"]
)
def test_nul_bytes_in_the_application_filters_are_a_field_error(anct, query):
    StructureApplicationFactory(submitted=True)
    response = anct.get(reverse("concertation:list") + "?" + query)
    assert response.status_code in (200, 400)
    if "sort" not in query and "page" not in query:
        assert "caractère nul" in response.text
    assert anct.get(reverse("concertation:export", args=["csv"]) + "?" + query).status_code in (200, 400)


@pytest.mark.parametrize("query", ["q=%00", "q=Dup%00ont&distance=10", "sort=%00", "onglet=%00"])
def test_nul_bytes_in_the_candidate_search_are_not_a_500(as_structure, query):
    client, _ = as_structure
    CandidateFactory()
    response = client.get(reverse("recruitment:candidate_list") + "?" + query)
    assert response.status_code in (200, 400)
    assert client.get(reverse("recruitment:candidate_list") + "?export=xlsx&" + query).status_code in (
        200,
        400,
    )


@pytest.mark.parametrize(
    "cookie",
    [
        'sessionid="abcdefgh\\000ijklmnop"',  # a quoted cookie's octal escape: a NUL byte once parsed
        "sessionid=abcdefgh%00ijklmnop",
        "sessionid=ÉTÉÉTÉÉTÉÉTÉ",
        "sessionid=" + "a" * 5000,
        "sessionid=' OR 1=1 --",
    ],
)
def test_a_hostile_session_cookie_is_no_session_not_a_500(cookie):
    from django.test import Client

    client = Client(raise_request_exception=False, HTTP_COOKIE=cookie)
    response = client.get(reverse("dashboard:home"))
    assert response.status_code == 302 and "/compte/connexion/" in response["Location"]


def test_a_nul_byte_in_the_commune_search_is_a_400(client):
    response = client.get(reverse("territories:commune_search") + "?q=Mou%00lins")
    assert response.status_code == 400
    assert "caractère nul" in response.text
    assert client.get(reverse("territories:commune_search") + "?q=Mou%07lins").status_code == 200


def test_a_nul_byte_in_a_commune_field_is_an_error_next_to_it(client):
    candidate = CandidateFactory()
    client.force_login(candidate.user)
    response = client.post(
        reverse("candidates:edit_profile"),
        {
            "situations": ["job_seeker"],
            "commune": "Moulins\x00",
            "commune_insee": "03190\x00",
            "available_from": timezone.localdate().isoformat(),
            "max_distance": "20",
            "motivation": "Motivée",
        },
    )
    assert response.status_code in (200, 400)
    assert "caractère nul" in response.context["form"].errors["commune"][0]


def test_control_characters_stored_before_the_input_rules_do_not_break_the_xlsx_export(anct):
    application = StructureApplicationFactory(submitted=True, name="Mairie\x0b de\x1b Moulins")
    response = anct.get(reverse("concertation:export", args=["xlsx"]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(body(response))).active
    assert "Mairie de Moulins" in [cell.value for row in sheet.iter_rows() for cell in row]
    assert application.pk


def test_legacy_control_characters_do_not_break_the_structure_docx_nor_the_interview_grid(
    client, users_by_role
):
    structure = activate(users_by_role[Role.STRUCTURE].role_assignments.get().structure)
    structure.name = "Commune\x01 de Moulins"
    structure.save()
    client.force_login(users_by_role[Role.STRUCTURE])
    response = client.get(reverse("structures:job_description"))
    assert response.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(body(response))).paragraphs)
    assert "Commune de Moulins" in text
    candidate = CandidateFactory(user__last_name="Du\x02pont")
    candidate.cv_name = cv.store(SimpleUploadedFile("cv.pdf", PDF_BYTES))
    candidate.save()
    match = MatchFactory(structure=structure, candidate=candidate)
    InterviewEvaluation.objects.create(
        match=match, comments={"motivation": "Très\x0c motivée"}, interviewers="A\x03B"
    )
    response = client.get(reverse("recruitment:evaluation_docx", args=[candidate.pk]))
    assert response.status_code == 200
    document = Document(io.BytesIO(body(response)))
    assert "Très motivée" in [cell.text for row in document.tables[0].rows for cell in row.cells]


# Dates: one rule for every form (cnfs.core.forms.DATE_MIN / DATE_MAX).
FAR = ["9999-12-31", "0001-01-01"]
BOUNDS = "Saisissez une date entre le 01/01/2000 et le 31/12/2099."


@pytest.mark.parametrize("day", FAR)
def test_a_committee_date_out_of_bounds_is_refused_and_nothing_saved(anct, day):
    application = StructureApplicationFactory(submitted=True)
    response = anct.post(
        reverse("concertation:decide", args=[application.pk]),
        {"outcome": "positive", "posts": "2", "committee_date": day},
    )
    assert response.status_code == 400
    assert BOUNDS in response.text
    assert not CommitteeDecision.objects.exists()
    assert anct.get(reverse("concertation:detail", args=[application.pk])).status_code == 200


@pytest.mark.parametrize("day", FAR)
def test_a_wave_date_out_of_bounds_is_refused(anct, day):
    response = anct.post(
        reverse("concertation:waves"),
        {"name": "Vague 9", "opens_on": "2026-01-01", "closes_on": day, "target_posts": "100"},
    )
    assert response.status_code == 400
    assert BOUNDS in response.text
    assert not Wave.objects.exists()


@pytest.mark.parametrize("day", FAR)
def test_an_interview_date_out_of_bounds_is_refused(as_structure, day):
    client, _ = as_structure
    candidate = CandidateFactory()
    response = client.post(
        reverse("recruitment:evaluation", args=[candidate.pk]),
        {"interview_date": day, "score_motivation": "4"},
    )
    assert response.status_code in (200, 400)
    assert BOUNDS in response.text
    assert not InterviewEvaluation.objects.exists()


@pytest.mark.parametrize("day", FAR)
def test_a_job_posting_date_out_of_bounds_is_refused(client, day, django_capture_on_commit_callbacks):
    application = StructureApplicationFactory(submitted=True)
    PrefectOpinionFactory(application=application)
    decide(application, by=UserFactory(role=Role.ANCT), outcome="positive", posts=2)
    admin = UserFactory()
    admin.save()
    grant(admin, Role.STRUCTURE, structure=application.structure, is_admin=True)
    client.force_login(admin)
    response = client.post(
        reverse("structures:job_posting"),
        {"url": "https://www.emploi-territorial.fr/offre/o123", "published_on": day},
    )
    assert response.status_code == 400
    assert BOUNDS in response.text
    assert not JobPosting.objects.exists()
    assert client.get(reverse("structures:home")).status_code == 200


def test_an_availability_date_in_9999_is_refused(client):
    candidate = CandidateFactory()
    client.force_login(candidate.user)
    data = {
        "situations": ["job_seeker"],
        "commune": "",
        "commune_insee": candidate.commune_id,
        "available_from": "9999-12-31",
        "max_distance": "20",
        "motivation": "Motivée",
    }
    response = client.post(reverse("candidates:edit_profile"), data)
    assert response.status_code in (200, 400)
    assert BOUNDS in response.text
    assert Candidate.objects.get(pk=candidate.pk).available_from != timezone.datetime(9999, 12, 31).date()
