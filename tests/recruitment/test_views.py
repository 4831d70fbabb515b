import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cnfs.accounts.roles import Role
from cnfs.candidates import cv
from cnfs.recruitment.models import InterviewEvaluation, Match, MatchInvitation, MatchStatus
from tests.recruitment.factories import (
    PDF_BYTES,
    CandidateFactory,
    MatchFactory,
    PixResultFactory,
    activate,
    activated_structure,
    structure_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def structure(users_by_role):
    """The structure of the structure user of the role matrix, activated at Moulins."""
    return activate(users_by_role[Role.STRUCTURE].role_assignments.get().structure)


@pytest.fixture
def candidate(structure):
    candidate = CandidateFactory()
    candidate.cv_name = cv.store(SimpleUploadedFile("cv.pdf", PDF_BYTES))
    candidate.save()
    return candidate


@pytest.fixture
def far_candidate(structure):
    """Lives in Lyon and accepts 5 km: does not match a structure at Moulins."""
    return CandidateFactory(latitude=45.76, longitude=4.83, max_distance=5)


@pytest.fixture
def as_structure(client, users_by_role, structure):
    client.force_login(users_by_role[Role.STRUCTURE])
    return client


def test_structure_pages_permission_matrix(role_matrix, candidate):
    role_matrix.check(reverse("recruitment:candidate_list"), {Role.STRUCTURE})
    role_matrix.check(reverse("recruitment:candidate_detail", args=[candidate.pk]), {Role.STRUCTURE})
    role_matrix.check(reverse("recruitment:evaluation", args=[candidate.pk]), {Role.STRUCTURE})
    role_matrix.check(reverse("recruitment:evaluation_docx", args=[candidate.pk]), {Role.STRUCTURE})
    role_matrix.check(reverse("recruitment:invite"), {Role.STRUCTURE})


def test_action_permission_matrix(role_matrix, candidate):
    url = reverse("recruitment:match_action", args=[candidate.pk, "not_retain"])
    role_matrix.check(url, {Role.STRUCTURE}, method="post", ok=302)


def test_cv_permission_matrix(role_matrix, users_by_role, candidate):
    # The candidate of the matrix is not this candidate: 404 for them, 200 for the structure it matches.
    CandidateFactory(user=users_by_role[Role.CANDIDATE])
    statuses = role_matrix.statuses(reverse("recruitment:candidate_cv", args=[candidate.pk]))
    assert statuses.pop(Role.STRUCTURE) == 200
    assert statuses.pop(Role.CANDIDATE) == 404
    assert set(statuses.values()) == {403}


def test_structure_gets_404_on_a_candidate_who_does_not_match_it(as_structure, far_candidate):
    for name in ("candidate_detail", "evaluation", "evaluation_docx", "candidate_cv"):
        assert as_structure.get(reverse(f"recruitment:{name}", args=[far_candidate.pk])).status_code == 404
    url = reverse("recruitment:match_action", args=[far_candidate.pk, "shortlist"])
    assert as_structure.post(url).status_code == 404
    assert not Match.objects.exists()


def test_structure_gets_404_on_structure_b_evaluation_grid(client, structure, candidate):
    other = activated_structure(
        latitude=48.85, longitude=2.35
    )  # Paris: the Moulins candidate does not match it
    match = MatchFactory(structure=structure, candidate=candidate, shortlisted=True)
    InterviewEvaluation.objects.create(match=match, scores={"motivation": 4})
    client.force_login(structure_user(other))
    assert client.get(reverse("recruitment:evaluation", args=[candidate.pk])).status_code == 404
    assert client.get(reverse("recruitment:evaluation_docx", args=[candidate.pk])).status_code == 404


def test_same_candidate_two_structures_evaluations_are_private(client, structure, candidate):
    """Both structures see the candidate; each sees only its own grid."""
    neighbour = activated_structure()
    MatchFactory(structure=structure, candidate=candidate, shortlisted=True)
    InterviewEvaluation.objects.create(
        match=Match.objects.get(structure=structure), comments={"motivation": "Commentaire privé de A"}
    )
    client.force_login(structure_user(neighbour))
    response = client.get(reverse("recruitment:evaluation", args=[candidate.pk]))
    assert response.status_code == 200
    assert "Commentaire privé de A" not in response.text


def test_cv_download_by_the_structure_is_an_attachment(as_structure, candidate):
    response = as_structure.get(reverse("recruitment:candidate_cv", args=[candidate.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_list_tabs_counts_and_default_sort_by_distance(as_structure, structure):
    near = CandidateFactory(latitude=46.57, longitude=3.33)
    farther = CandidateFactory(latitude=46.70, longitude=3.33)
    shortlisted = CandidateFactory(latitude=46.60, longitude=3.33)
    MatchFactory(structure=structure, candidate=shortlisted, shortlisted=True)
    response = as_structure.get(reverse("recruitment:candidate_list"))
    assert [c.pk for c in response.context["page"]] == [near.pk, farther.pk]
    counts = {key: count for key, _, count in response.context["tabs"]}
    assert counts == {
        "new": 2,
        "shortlisted": 1,
        "not_retained": 0,
        "hire_requested": 0,
        "hired": 0,
        "all": 3,
    }
    response = as_structure.get(reverse("recruitment:candidate_list") + "?onglet=shortlisted")
    assert [c.pk for c in response.context["page"]] == [shortlisted.pk]


def test_list_filters_and_search(as_structure, structure):
    structure.mission_start = timezone.localdate() + timedelta(days=10)
    structure.save()
    with_everything = CandidateFactory(
        user__last_name="Zéphyr",
        has_diploma=True,
        diploma_name="REMN",
        was_advisor=True,
        cv_name="x.pdf",
        pix_shared=True,
    )
    PixResultFactory(candidate=with_everything, level=3)
    hidden_pix = CandidateFactory(pix_shared=False)
    PixResultFactory(candidate=hidden_pix, level=3, candidate__pix_shared=False)
    later = CandidateFactory(available_from=timezone.localdate() + timedelta(days=5))
    url = reverse("recruitment:candidate_list")

    def pks(query):
        return {c.pk for c in as_structure.get(url + query).context["page"]}

    assert pks("?pix_level=3") == {with_everything.pk}
    assert pks("?has_cv=on&has_diploma=on&was_advisor=on") == {with_everything.pk}
    assert pks("?q=Zéphyr") == pks("?q=zéph") == {with_everything.pk}
    assert later.pk not in pks("?available_now=on")
    assert later.pk in pks("?sort=availability")
    far = CandidateFactory(latitude=46.9, longitude=3.33)
    assert far.pk not in pks("?distance=20") and far.pk in pks("")


def test_a_capped_badge_says_plus_de(as_structure, structure, monkeypatch):
    """On the other tabs, the pool's badges stop at the cap and say so; on "new", the count is exact."""
    from cnfs.recruitment import candidate_list, views

    monkeypatch.setattr(candidate_list, "COUNT_CAP", 2)
    monkeypatch.setattr(views, "COUNT_CAP", 2)
    for _ in range(3):
        CandidateFactory()
    html = as_structure.get(reverse("recruitment:candidate_list") + "?onglet=shortlisted").content.decode()
    assert "Nouvelles (plus de 2)" in html and "Toutes (plus de 2)" in html
    html = as_structure.get(reverse("recruitment:candidate_list")).content.decode()
    assert "Nouvelles (3)" in html and "3 candidature(s)" in html


def test_list_bad_filter_values_are_ignored(as_structure, candidate):
    response = as_structure.get(
        reverse("recruitment:candidate_list") + "?pix_level=9&distance=abc&onglet=nope&page=x"
    )
    assert response.status_code == 200
    assert response.context["tab"] == "new"


def test_list_has_a_constant_number_of_queries(as_structure, structure, django_assert_max_num_queries):
    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert as_structure.get(reverse("recruitment:candidate_list") + "?onglet=all").status_code == 200
        return len(queries)

    for _ in range(2):
        PixResultFactory(candidate=CandidateFactory())
    few = count()
    for index in range(8):
        candidate = CandidateFactory(cv_name="a.pdf")
        PixResultFactory(candidate=candidate)
        MatchFactory(structure=structure, candidate=candidate, shortlisted=index % 2 == 0)
    assert count() == few


def test_exports_csv_and_xlsx_of_the_current_view(as_structure, structure):
    import openpyxl

    CandidateFactory(user__last_name="Export")
    response = as_structure.get(reverse("recruitment:candidate_list") + "?export=csv")
    assert response["Content-Disposition"].startswith("attachment")
    text = response.getvalue().decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Nom;Prénom")
    assert "Export" in text
    response = as_structure.get(reverse("recruitment:candidate_list") + "?export=xlsx&onglet=shortlisted")
    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    assert sheet.max_row == 1  # only the header: nobody shortlisted


def test_not_activated_structure_sees_an_explanation(client, users_by_role):
    CandidateFactory()
    client.force_login(users_by_role[Role.STRUCTURE])
    response = client.get(reverse("recruitment:candidate_list"))
    assert "pas encore activée" in response.text
    assert not response.context["page"].object_list


def test_shortlist_then_request_hire_from_the_detail_page(
    as_structure, structure, candidate, django_capture_on_commit_callbacks
):
    detail = reverse("recruitment:candidate_detail", args=[candidate.pk])
    assert "Présélectionner" in as_structure.get(detail).text
    with django_capture_on_commit_callbacks(execute=True):
        as_structure.post(reverse("recruitment:match_action", args=[candidate.pk, "shortlist"]))
    assert Match.objects.get().status == MatchStatus.SHORTLISTED
    with django_capture_on_commit_callbacks(execute=True):
        response = as_structure.post(
            reverse("recruitment:match_action", args=[candidate.pk, "request_hire"]), follow=True
        )
    assert Match.objects.get().status == MatchStatus.HIRE_REQUESTED
    assert "votre dossier de subvention est ouvert" in response.text
    assert "Banque des Territoires" in response.text
    assert candidate.user.email in {m.to[0] for m in mail.outbox}
    # The candidate now sees the structure as interested.
    response = as_structure.get(reverse("recruitment:candidate_list") + "?onglet=hire_requested")
    assert [c.pk for c in response.context["page"]] == [candidate.pk]


def test_refused_request_hire_shows_the_reason(as_structure, structure, candidate):
    structure.posts.update(
        committee_date=timezone.localdate() - timedelta(days=70),
        deadline=timezone.localdate() - timedelta(days=1),
    )
    MatchFactory(structure=structure, candidate=candidate, shortlisted=True)
    response = as_structure.post(
        reverse("recruitment:match_action", args=[candidate.pk, "request_hire"]), follow=True
    )
    assert "délai de recrutement" in response.text
    assert Match.objects.get().status == MatchStatus.SHORTLISTED


def test_held_candidate_leaves_other_lists_as_not_available(as_structure, structure, candidate):
    MatchFactory(structure=structure, candidate=candidate, shortlisted=True)
    unseen = CandidateFactory()
    MatchFactory(candidate=candidate, status=MatchStatus.HIRE_REQUESTED)
    MatchFactory(candidate=unseen, status=MatchStatus.HIRE_REQUESTED)
    response = as_structure.get(reverse("recruitment:candidate_list") + "?onglet=all")
    assert [c.pk for c in response.context["page"]] == [candidate.pk]
    assert "Plus disponible" in response.text


def test_unknown_action_is_404(as_structure, candidate):
    assert (
        as_structure.post(reverse("recruitment:match_action", args=[candidate.pk, "hire"])).status_code == 404
    )


def test_evaluation_grid_and_docx(as_structure, structure, candidate):
    from docx import Document

    url = reverse("recruitment:evaluation", args=[candidate.pk])
    assert "N'organisez pas d'entretien avec un seul candidat" in as_structure.get(url).text
    data = {
        "interview_date": timezone.localdate().isoformat(),
        "score_motivation": "4",
        "score_relational": "3",
    }
    data["comment_motivation"] = "Très motivée"
    assert as_structure.post(url, data).status_code == 302
    evaluation = InterviewEvaluation.objects.get()
    assert evaluation.total == 7 and evaluation.comments == {"motivation": "Très motivée"}
    response = as_structure.get(reverse("recruitment:evaluation_docx", args=[candidate.pk]))
    assert response["Content-Disposition"].startswith("attachment")
    document = Document(io.BytesIO(response.content))
    cells = [cell.text for row in document.tables[0].rows for cell in row.cells]
    assert "Très motivée" in cells and "7 / 24" in cells


@pytest.mark.parametrize(
    "data, field",
    [
        ({"score_motivation": "5"}, "score_motivation"),
        ({"interview_date": "demain"}, "interview_date"),
        ({"comment_pedagogy": "x" * 1001}, "comment_pedagogy"),
    ],
)
def test_evaluation_bad_input(as_structure, candidate, data, field):
    response = as_structure.post(reverse("recruitment:evaluation", args=[candidate.pk]), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not InterviewEvaluation.objects.exists()


def test_invite_candidate_then_match_appears_when_they_register(
    as_structure, structure, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_structure.post(reverse("recruitment:invite"), {"email": "Identifie@Exemple.fr"})
    assert response.status_code == 302
    assert mail.outbox[-1].to == ["identifie@exemple.fr"]
    response = as_structure.post(reverse("recruitment:invite"), {"email": "identifie@exemple.fr"})
    assert "déjà invité" in " ".join(response.context["form"].errors["email"])
    response = as_structure.post(reverse("recruitment:invite"), {"email": "pas une adresse"})
    assert "email" in response.context["form"].errors
    # They register far away: the match row exists, as "new", but an invitation never widens what the structure
    # sees (tests/recruitment/test_invitations.py): they do not appear, as they do not match.
    invited = CandidateFactory(
        user__email="identifie@exemple.fr", latitude=43.3, longitude=5.4, max_distance=5
    )
    from cnfs.recruitment.invitations import attach_invitations

    attach_invitations(invited)
    assert MatchInvitation.objects.get().used_at is not None
    match = Match.objects.get(candidate=invited)
    assert match.invited and match.status == MatchStatus.NEW
    response = as_structure.get(reverse("recruitment:candidate_list"))
    assert invited.pk not in {c.pk for c in response.context["page"]}


def test_detail_offers_the_buttons_the_table_allows_with_the_guards_reason(
    as_structure, structure, candidate
):
    url = reverse("recruitment:candidate_detail", args=[candidate.pk])
    names = [a.name for a in as_structure.get(url).context["actions"]]
    assert names == ["shortlist", "not_retain"]  # "new": no match row yet, and no system or ANCT step
    MatchFactory(structure=structure, candidate=candidate, shortlisted=True)
    structure.posts.update(
        committee_date=timezone.localdate() - timedelta(days=70),
        deadline=timezone.localdate() - timedelta(days=1),
    )
    response = as_structure.get(url)
    assert "request_hire" not in [a.name for a in response.context["actions"]]
    assert any("délai de recrutement" in reason for reason in response.context["refusals"])


def test_a_step_the_table_forbids_to_the_role_answers_403(as_structure, candidate, monkeypatch):
    from dataclasses import replace

    from cnfs.recruitment import workflow

    transitions = dict(workflow.WORKFLOW.transitions)
    transitions["shortlist"] = replace(transitions["shortlist"], roles=frozenset({Role.ANCT}))
    monkeypatch.setattr(workflow.WORKFLOW, "transitions", transitions)
    response = as_structure.post(reverse("recruitment:match_action", args=[candidate.pk, "shortlist"]))
    assert response.status_code == 403
    assert not Match.objects.filter(status=MatchStatus.SHORTLISTED).exists()
