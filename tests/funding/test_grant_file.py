"""The grant file from the structure's side: opened and cancelled with the hire request, its pieces and what is
missing, uploads checked from their content, downloads as attachments only, transmission only when complete."""

import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from docx import Document

from cnfs.accounts.roles import Role
from cnfs.core import uploads
from cnfs.core.workflow import SYSTEM
from cnfs.funding import grant_files
from cnfs.funding.models import (
    DocumentKind,
    FileStatus,
    GrantFile,
    GrantFileDocument,
    GrantFileTransition,
)
from cnfs.journal.models import JournalEntry
from cnfs.recruitment import workflow
from cnfs.recruitment.models import MatchStatus
from cnfs.structures.models import JobPosting, PostStatus
from tests.factories import UserFactory
from tests.funding.files import IDENTITIES, JPEG_BYTES, PDF_BYTES, PNG_BYTES, complete, open_file, pdf
from tests.permissions import body
from tests.recruitment.factories import CandidateFactory, MatchFactory, activated_structure, structure_user

pytestmark = pytest.mark.django_db


def _detail(grant_file):
    return reverse("funding:file_detail", args=[grant_file.pk])


def _upload(client, grant_file, upload, kind=DocumentKind.SIRENE):
    return client.post(_detail(grant_file), {"section": kind.value, f"{kind.value}-document": upload})


# --- opening and cancelling ------------------------------------------------------------------------------------------


def test_valider_cette_candidature_opens_a_draft_file_logged_and_journaled():
    grant_file, user = open_file()
    match = grant_file.match
    assert grant_file.status == FileStatus.DRAFT
    assert (grant_file.structure, grant_file.post) == (match.structure, match.post)
    assert grant_file.job_posting == JobPosting.objects.get(structure=match.structure)
    log = GrantFileTransition.objects.get(grant_file=grant_file)
    assert (log.name, log.from_status, log.to_status, log.by) == ("open", "", FileStatus.DRAFT, user)
    entry = JournalEntry.objects.for_object(grant_file).get(action="grant_file.open")
    assert entry.actor == user and entry.role == SYSTEM
    assert entry.after["match"] == match.pk and entry.after["post"] == match.post_id


def test_a_cancelled_request_cancels_the_file_and_a_new_request_opens_a_new_one():
    grant_file, user = open_file()
    match = workflow.cancel_hire_request(grant_file.match, by=user, role=Role.STRUCTURE)
    grant_file.refresh_from_db()
    assert grant_file.status == FileStatus.CANCELLED
    assert GrantFileTransition.objects.filter(grant_file=grant_file, name="cancel").exists()
    assert JournalEntry.objects.for_object(grant_file).filter(action="grant_file.cancel").exists()
    workflow.request_hire(match, by=user, role=Role.STRUCTURE)
    files = GrantFile.objects.filter(match=match).order_by("pk")
    assert [f.status for f in files] == [FileStatus.CANCELLED, FileStatus.DRAFT]


def test_anct_stopping_the_hire_cancels_the_file(client):
    grant_file, _ = open_file()
    client.force_login(UserFactory(role=Role.ANCT))
    url = reverse("funding:stop_hire", args=[grant_file.match_id])
    client.post(url, {"reason": "court"})
    grant_file.refresh_from_db()
    assert grant_file.status == FileStatus.DRAFT  # a reason of 10 characters at least
    client.post(url, {"reason": "Le poste ne correspond pas au dispositif."})
    grant_file.refresh_from_db()
    assert grant_file.status == FileStatus.CANCELLED
    assert grant_file.match.status == MatchStatus.SHORTLISTED
    assert grant_file.post.status == PostStatus.FREE


# --- pieces and transmission -----------------------------------------------------------------------------------------


def test_the_page_lists_what_is_missing_and_refuses_to_transmit_an_incomplete_file(client):
    grant_file, user = open_file()
    client.force_login(user)
    response = client.get(_detail(grant_file))
    assert response.status_code == 200
    assert set(response.context["missing"]) == {
        DocumentKind.SIRENE.label,
        DocumentKind.DELIBERATION.label,
        "Nom, prénom et date de naissance du président ou de la présidente",
        "Nom, prénom et date de naissance du directeur général des services (DGS)",
        "Taille de tenue du conseiller",
    }
    assert "Transmettre le dossier</button>" not in response.text
    assert grant_file.job_posting.url in response.text  # linked, not uploaded again
    assert 'name="president_birth_date" min="1900-01-01"' in response.text  # a birth date has its own bounds
    response = client.post(reverse("funding:transmit", args=[grant_file.pk]), follow=True)
    assert "Le dossier est incomplet. Il manque : avis de situation au répertoire sirene" in response.text
    grant_file.refresh_from_db()
    assert (grant_file.status, grant_file.submission, grant_file.transmitted_at) == (
        FileStatus.DRAFT,
        0,
        None,
    )


def test_a_complete_file_is_transmitted_starts_the_clock_and_tells_the_bdt(
    client, django_capture_on_commit_callbacks, time_machine
):
    time_machine.move_to("2026-05-04 10:00:00+02:00", tick=False)
    bdt = UserFactory(role=Role.BDT)
    grant_file, user = open_file()
    complete(grant_file, user)
    client.force_login(user)
    assert "Transmettre le dossier</button>" in client.get(_detail(grant_file)).text
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("funding:transmit", args=[grant_file.pk]))
    grant_file.refresh_from_db()
    assert grant_file.status == FileStatus.TRANSMITTED
    assert grant_file.submission == 1
    assert str(grant_file.review_deadline) == "2026-05-19"  # + CNFS_CONFORMITY_REVIEW_DAYS (15)
    entry = JournalEntry.objects.for_object(grant_file).get(action="grant_file.transmit")
    assert entry.actor == user and entry.before == {"status": "draft"}
    assert entry.after["submission"] == 1 and entry.after["review_deadline"] == "2026-05-19"
    assert [m.to for m in mail.outbox] == [[bdt.email]]
    assert f"/banque-des-territoires/dossiers/{grant_file.pk}/" in mail.outbox[0].body
    assert IDENTITIES["president_last_name"] not in mail.outbox[0].body
    # A second click changes nothing and sends nothing.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("funding:transmit", args=[grant_file.pk]))
    grant_file.refresh_from_db()
    assert grant_file.submission == 1 and len(mail.outbox) == 1


def test_a_file_opened_before_the_job_posting_links_it_once_recorded(client):
    structure = activated_structure()
    user = structure_user(structure)
    candidate = CandidateFactory(latitude=structure.latitude, longitude=structure.longitude)
    match = MatchFactory(structure=structure, candidate=candidate, status=MatchStatus.SHORTLISTED)
    workflow.request_hire(match, by=user, role=Role.STRUCTURE)
    other = GrantFile.objects.get(match=match)
    assert other.job_posting is None
    assert "Offre d'emploi publiée (rattachée depuis « Offre d'emploi »)" in grant_files.missing(other)
    posting = JobPosting.objects.create(
        structure=structure,
        url="https://www.emploi-territorial.fr/offre/o031230000001",
        published_on="2026-01-05",
    )
    client.force_login(user)
    response = client.get(_detail(other))
    assert posting.url in response.text and "05/01/2026" in response.text
    other.refresh_from_db()
    assert other.job_posting == posting


# --- identities form -------------------------------------------------------------------------------------------------


def _identities(**changes):
    data = {key: str(value) for key, value in IDENTITIES.items()}
    return {"section": "identities", **data, **changes}


def test_identities_are_saved_and_journaled_by_field_name_only(client):
    grant_file, user = open_file()
    client.force_login(user)
    response = client.post(_detail(grant_file), _identities())
    assert response.status_code == 302
    grant_file.refresh_from_db()
    assert grant_file.president_last_name == "Durand" and str(grant_file.dgs_birth_date) == "1971-09-03"
    entry = JournalEntry.objects.for_object(grant_file).get(action="grant_file.identities_saved")
    assert "president_last_name" in entry.after["fields"]
    assert "Durand" not in str(entry.after) and "1962" not in str(entry.after)


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("president_last_name", "Du\x00rand", "caractère nul"),
        ("president_birth_date", "9999-12-31", "Saisissez une date de naissance entre"),
        ("dgs_birth_date", "1850-01-01", "Saisissez une date de naissance entre"),
        ("dgs_birth_date", "31/02/1970", "Saisissez une date valide"),
        ("outfit_size", "XXXXL", "Sélectionnez un choix valide"),
        ("dgs_first_name", "x" * 151, "raccourcissez-le"),
    ],
)
def test_bad_identities_are_refused_next_to_the_field_and_nothing_is_saved(client, field, value, message):
    grant_file, user = open_file()
    client.force_login(user)
    response = client.post(_detail(grant_file), _identities(**{field: value}))
    assert response.status_code == 200
    form = response.context["identities"]
    assert message in " ".join(form.errors[field])
    assert form.data["president_first_name"] == "Martine"  # the input is kept
    grant_file.refresh_from_db()
    assert grant_file.president_first_name == ""


# --- uploads ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, content, content_type",
    [("avis.pdf", PDF_BYTES, "application/pdf"), ("scan.jpg", JPEG_BYTES, "image/jpeg"), ("scan.png", PNG_BYTES, "image/png")],
)  # fmt: skip
def test_pdf_jpeg_and_png_are_stored_privately_under_a_random_name(
    client, settings, name, content, content_type
):
    grant_file, user = open_file()
    client.force_login(user)
    response = _upload(client, grant_file, SimpleUploadedFile(name, content, "application/octet-stream"))
    assert response.status_code == 302
    document = GrantFileDocument.objects.get(grant_file=grant_file)
    assert document.content_type == content_type and document.original_name == name
    assert name not in document.stored_name
    path = settings.PRIVATE_ROOT / "grant_files" / document.stored_name
    assert path.read_bytes() == content
    entry = JournalEntry.objects.for_object(grant_file).get(action="grant_file.document_uploaded")
    assert entry.after["kind"] == "sirene" and name not in str(entry.after)


BAD_UPLOADS = {
    "text renamed .pdf": ("avis.pdf", b"Ceci est un simple texte.\n", "n'est ni un PDF"),
    "HTML sent as a PDF": (
        "avis.pdf",
        b"<!DOCTYPE html><html><script>alert(1)</script></html>",
        "n'est ni un PDF",
    ),
    "PDF magic further in": ("avis.pdf", b"   %PDF-1.4", "n'est ni un PDF"),
    "empty": ("avis.pdf", b"", "Ce fichier est vide"),
}


@pytest.mark.parametrize("case", BAD_UPLOADS)
def test_a_file_that_is_not_a_pdf_jpeg_or_png_is_refused_whatever_its_name(client, settings, case):
    name, content, message = BAD_UPLOADS[case]
    grant_file, user = open_file()
    client.force_login(user)
    response = _upload(client, grant_file, SimpleUploadedFile(name, content, "application/pdf"))
    assert response.status_code == 200
    assert message in " ".join(response.context["upload_forms"][0][1].errors["document"])
    assert not GrantFileDocument.objects.exists()
    assert (
        not list((settings.PRIVATE_ROOT / "grant_files").glob("*"))
        if (settings.PRIVATE_ROOT / "grant_files").exists()
        else True
    )


@override_settings(CNFS_GRANT_FILE_MAX_BYTES=1024)
def test_a_file_over_the_maximum_is_refused_and_one_at_the_maximum_accepted(client):
    grant_file, user = open_file()
    client.force_login(user)
    response = _upload(client, grant_file, pdf(content=PDF_BYTES.ljust(1025, b" ")))
    assert response.status_code == 200
    assert "ne doit pas dépasser" in " ".join(response.context["upload_forms"][0][1].errors["document"])
    assert not GrantFileDocument.objects.exists()
    assert _upload(client, grant_file, pdf(content=PDF_BYTES.ljust(1024, b" "))).status_code == 302


def test_ten_megabytes_and_one_byte_is_refused(client):
    grant_file, user = open_file()
    client.force_login(user)
    content = PDF_BYTES.ljust(10 * 1024 * 1024 + 1, b" ")
    response = _upload(client, grant_file, pdf(content=content))
    errors = " ".join(response.context["upload_forms"][0][1].errors["document"])
    assert "pèse 10 Mo : un document ne doit pas dépasser 10 Mo" in errors
    assert not GrantFileDocument.objects.exists()


@pytest.mark.parametrize(
    "name, shown",
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\Windows\\win.ini.pdf", "win.ini.pdf"),
        ("/tmp/.hidden.pdf", "hidden.pdf"),
        ("avis\x00.pdf", "avis.pdf"),
        ("avis\x1b[31m.pdf", "avis[31m.pdf"),
    ],
)
def test_a_path_or_control_characters_in_the_file_name_are_harmless(client, settings, name, shown):
    grant_file, user = open_file()
    document = grant_files.upload_document(grant_file, DocumentKind.SIRENE, pdf(name), uploads.PDF, by=user)
    assert document.original_name == shown
    stored = settings.PRIVATE_ROOT / "grant_files" / document.stored_name
    assert stored.exists() and stored.parent == settings.PRIVATE_ROOT / "grant_files"
    assert [p.name for p in stored.parent.iterdir()] == [document.stored_name]


@pytest.mark.parametrize(
    "name, shown",
    [("..", "document"), ("", "document"), ("a/b/", "b"), ("x" * 300 + ".pdf", "x" * 196 + ".pdf")],
)
def test_clean_name_keeps_a_displayable_basename(name, shown):
    assert uploads.clean_name(name) == shown


def test_a_new_upload_replaces_the_previous_document_and_deletes_its_file_after_commit(
    settings, django_capture_on_commit_callbacks
):
    grant_file, user = open_file()
    first = grant_files.upload_document(grant_file, DocumentKind.SIRENE, pdf("v1.pdf"), uploads.PDF, by=user)
    old = settings.PRIVATE_ROOT / "grant_files" / first.stored_name
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        second = grant_files.upload_document(
            grant_file, DocumentKind.SIRENE, pdf("v2.pdf"), uploads.PDF, by=user
        )
    assert old.exists()  # not before the commit
    for callback in callbacks:
        callback()
    assert not old.exists()
    assert GrantFileDocument.objects.get(grant_file=grant_file).original_name == "v2.pdf"
    assert (settings.PRIVATE_ROOT / "grant_files" / second.stored_name).exists()


def test_nothing_can_be_uploaded_once_the_file_is_transmitted(client):
    grant_file, user = open_file()
    complete(grant_file, user)
    grant_files.transmit(grant_file, by=user, role=Role.STRUCTURE)
    with pytest.raises(grant_files.TransitionError):
        grant_files.upload_document(grant_file, DocumentKind.SIRENE, pdf(), uploads.PDF, by=user)
    client.force_login(user)
    response = client.get(_detail(grant_file))
    assert "Déposer" not in response.text and response.context["identities"] is None


# --- downloads and permissions ---------------------------------------------------------------------------------------


def _file_of(users_by_role):
    structure = users_by_role[Role.STRUCTURE].role_assignments.get().structure
    grant_file, user = open_file(structure, user=users_by_role[Role.STRUCTURE])
    grant_files.upload_document(grant_file, DocumentKind.SIRENE, pdf("avis.pdf"), uploads.PDF, by=user)
    return grant_file


def test_structure_pages_permission_matrix(role_matrix, users_by_role):
    grant_file = _file_of(users_by_role)
    role_matrix.check(reverse("funding:file_list"), {Role.STRUCTURE})
    role_matrix.check(_detail(grant_file), {Role.STRUCTURE})
    role_matrix.check(reverse("funding:deliberation_docx", args=[grant_file.pk]), {Role.STRUCTURE})
    role_matrix.check(
        reverse("funding:transmit", args=[grant_file.pk]), {Role.STRUCTURE}, method="post", ok=302
    )


def test_download_permission_matrix(role_matrix, users_by_role):
    grant_file = _file_of(users_by_role)
    url = reverse("funding:document", args=[grant_file.pk, "sirene"])
    role_matrix.check(url, {Role.STRUCTURE, Role.BDT, Role.ANCT})


def test_another_structure_s_file_is_a_404(client, users_by_role):
    other, _ = open_file()
    grant_files.upload_document(other, DocumentKind.SIRENE, pdf(), uploads.PDF, by=None)
    client.force_login(users_by_role[Role.STRUCTURE])
    for url in [
        _detail(other),
        reverse("funding:deliberation_docx", args=[other.pk]),
        reverse("funding:document", args=[other.pk, "sirene"]),
    ]:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("funding:transmit", args=[other.pk])).status_code == 404
    assert client.post(_detail(other), _identities()).status_code == 404
    other.refresh_from_db()
    assert other.president_last_name == ""


def test_a_document_is_only_ever_downloaded_as_an_attachment(client, users_by_role):
    grant_file = _file_of(users_by_role)
    client.force_login(users_by_role[Role.BDT])
    response = client.get(reverse("funding:document", args=[grant_file.pk, "sirene"]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="dossier-{grant_file.pk}-sirene.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert body(response) == PDF_BYTES
    assert client.get(reverse("funding:document", args=[grant_file.pk, "deliberation"])).status_code == 404
    assert client.get(reverse("funding:document", args=[grant_file.pk, "passwd"])).status_code == 404


# --- deliberation model ----------------------------------------------------------------------------------------------


def test_the_deliberation_model_is_filled_with_the_structure_s_data(client):
    grant_file, user = open_file(posts=3, name="Commune de Vichy", siret="21030310000017")
    client.force_login(user)
    response = client.get(reverse("funding:deliberation_docx", args=[grant_file.pk]))
    assert (
        response["Content-Disposition"] == 'attachment; filename="modele-deliberation-commune-de-vichy.docx"'
    )
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    structure = grant_file.structure
    assert "Structure : Commune de Vichy" in text
    assert "SIRET : 21030310000017" in text
    assert f"Commune : {structure.commune}" in text
    assert "3 postes de conseiller numérique" in text
    assert f"poste n° {grant_file.post_id}" in text
    assert "Accompagner les usagers individuellement" in text


def test_the_deliberation_model_survives_control_characters_in_the_name(client):
    grant_file, user = open_file(name="Commune\x0b de\x01 Vichy")
    client.force_login(user)
    response = client.get(reverse("funding:deliberation_docx", args=[grant_file.pk]))
    assert response.status_code == 200
    Document(io.BytesIO(response.content))


@pytest.mark.parametrize("name", ["../../etc/passwd.pdf", "avis\x00.pdf", "C:\\temp\\..\\avis.pdf"])
def test_a_hostile_file_name_through_the_form_is_harmless(client, settings, name):
    grant_file, user = open_file()
    client.force_login(user)
    response = _upload(client, grant_file, pdf(name))
    assert response.status_code == 302
    document = GrantFileDocument.objects.get(grant_file=grant_file)
    assert "/" not in document.original_name and "\\" not in document.original_name
    assert "\x00" not in document.original_name and document.original_name.endswith(".pdf")
    folder = settings.PRIVATE_ROOT / "grant_files"
    assert [p.name for p in folder.iterdir()] == [document.stored_name]
    assert not (settings.PRIVATE_ROOT.parent / "etc").exists()


def test_the_structure_file_list_costs_the_same_whatever_the_files(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    grant_file, user = open_file(posts=5)
    client.force_login(user)
    client.get(reverse("funding:file_list"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("funding:file_list"))
    for _ in range(3):
        open_file(grant_file.structure, user=user)
    with CaptureQueriesContext(connection) as four:
        response = client.get(reverse("funding:file_list"))
    assert len(response.context["rows"]) == 4
    assert len(four) == len(one)
    assert response.text.count("5 pièces manquantes") == 4
