import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cnfs.accounts.roles import Role
from cnfs.candidates.models import PixResult
from cnfs.candidates.pix import import_pix
from tests.factories import UserFactory
from tests.recruitment.factories import CandidateFactory, PixResultFactory

pytestmark = pytest.mark.django_db
HEADER = "email;palier;competence_professionnelle;production_ressources;citoyennete_numerique;date\n"


@pytest.fixture
def anct(client):
    user = UserFactory(role=Role.ANCT)
    client.force_login(user)
    return user


def upload(client, text: str):
    file = SimpleUploadedFile("pix.csv", text.encode(), "text/csv")
    return client.post(reverse("candidates:import_pix"), {"file": file})


def test_import_matches_rows_by_email_whatever_the_case_and_reports_unknown(client, anct):
    first = CandidateFactory(user__email="lea@exemple.fr")
    second = CandidateFactory()
    PixResultFactory(candidate=second, level=1)
    text = (
        HEADER
        + f"LEA@Exemple.fr;3;80,5;60;70;2026-01-15\n{second.user.email};2;50;50;50;15/01/2026\ninconnu@exemple.fr;1;10;10;10;2026-01-15\n"
    )
    response = upload(client, text)
    assert response.status_code == 200
    report = response.context["report"]
    assert (report.imported, report.updated, report.unmatched) == (1, 1, [(4, "inconnu@exemple.fr")])
    assert "inconnu@exemple.fr" in response.text
    first.refresh_from_db()
    assert first.pix.level == 3 and float(first.pix.professional_use) == 80.5
    assert PixResult.objects.get(candidate=second).level == 2


def test_wrong_header_imports_nothing(client, anct):
    CandidateFactory(user__email="lea@exemple.fr")
    response = upload(client, "mail,level\nlea@exemple.fr,3\n")
    assert response.status_code == 400
    assert "L'en-tête du fichier" in response.context["report"].error
    assert not PixResult.objects.exists()


@pytest.mark.parametrize(
    "row, message",
    [
        ("lea@exemple.fr;4;10;10;10;2026-01-15", "palier"),
        ("lea@exemple.fr;2;120;10;10;2026-01-15", "competence_professionnelle"),
        ("lea@exemple.fr;2;10;abc;10;2026-01-15", "production_ressources"),
        ("lea@exemple.fr;2;10;10;10;hier", "date"),
        ("lea@exemple.fr;2;10;10", "colonnes"),
        ("pas-une-adresse;2;10;10;10;2026-01-15", "adresse"),
    ],
)
def test_one_invalid_row_and_nothing_is_imported(client, anct, row, message):
    CandidateFactory(user__email="lea@exemple.fr")
    other = CandidateFactory()
    response = upload(client, HEADER + f"{other.user.email};1;10;10;10;2026-01-15\n{row}\n")
    assert response.status_code == 400
    ((line, text),) = response.context["report"].invalid
    assert line == 3 and message in text.lower()
    assert not PixResult.objects.exists()


def test_duplicate_email_in_file_is_invalid():
    candidate = CandidateFactory()
    email = candidate.user.email
    report = import_pix(
        (HEADER + f"{email};1;1;1;1;2026-01-01\n{email};2;1;1;1;2026-01-01\n").encode(), by=None
    )
    assert not report.ok and "déjà présente ligne 2" in report.invalid[0][1]
    assert not PixResult.objects.exists()


def test_not_utf8_is_refused():
    report = import_pix((HEADER + "lé@exemple.fr;1;1;1;1;2026-01-01\n").encode("latin-1"), by=None)
    assert "UTF-8" in report.error


def test_form_requires_a_file(client, anct):
    response = client.post(reverse("candidates:import_pix"), {})
    assert "file" in response.context["form"].errors


def test_a_field_beyond_the_csv_size_limit_gets_an_error_report(client, anct):
    import csv

    huge = "x" * (csv.field_size_limit() + 10)
    response = upload(client, HEADER + f'"{huge}";1;10;10;10;2026-01-15\n')
    assert response.status_code == 400
    assert "n'a pas pu être lu comme un CSV" in response.context["report"].error
    assert not PixResult.objects.exists()


@pytest.mark.parametrize(
    "content, message",
    [
        (b"PK\x03\x04\x14\x00\x00\x00\x08\x00", "pas un fichier texte"),  # an XLSX (ZIP) file
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "UTF-8"),
        ("email;palier\nléa@exemple.fr;3\n".encode("latin-1"), "UTF-8"),
    ],
)
def test_a_binary_or_undecodable_file_gets_an_error_report(client, anct, content, message):
    file = SimpleUploadedFile("pix.csv", content, "text/csv")
    response = client.post(reverse("candidates:import_pix"), {"file": file})
    assert response.status_code == 400
    assert message in response.context["report"].error


def test_control_characters_and_nul_in_a_row_are_reported_not_queried(client, anct):
    CandidateFactory(user__email="lea@exemple.fr")
    response = upload(client, HEADER + "lea@exemple.fr\x01;3;10;10;10;2026-01-15\n")
    assert response.status_code == 400
    assert response.context["report"].invalid == [
        (2, "Caractères de contrôle dans la ligne : elle n'a pas été lue.")
    ]
    assert not PixResult.objects.exists()


def test_a_test_date_in_year_one_is_refused(client, anct):
    CandidateFactory(user__email="lea@exemple.fr")
    response = upload(client, HEADER + "lea@exemple.fr;3;10;10;10;0001-01-01\n")
    assert response.status_code == 400
    assert "trop ancienne" in response.context["report"].invalid[0][1]
