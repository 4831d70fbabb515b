"""The "Données ouvertes" page and its dated CSV files (no login): every header is the file's data dictionary, the
structures and posts files carry the public API's fields, the monthly activity follows the reports the real service
wrote, nothing in any file names a person, and hostile query strings change nothing."""

import csv
import io
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cnfs.accounts.models import User
from cnfs.accounts.roles import Role
from cnfs.core.opendata import DICTIONARY_HEADER
from cnfs.public import opendata
from cnfs.structures.models import Structure
from tests.activity.factories import hired_advisor
from tests.permissions import body
from tests.privacy import found_in, phone_forms

PAGE = reverse("public:open_data")
DICTIONARY = reverse("public:open_data_dictionary")
FILES = {
    "structures": reverse("public:open_data_structures"),
    "postes": reverse("public:open_data_posts"),
    "lieux-de-mediation-numerique": reverse("activity:open_data_csv"),
    "activite-mensuelle-par-departement": reverse("public:open_data_monthly_activity"),
}


def read(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(body(response).decode("utf-8"))))


def header(response) -> list[str]:
    return body(response).decode("utf-8").split("\n", 1)[0].split(",")


def dictionary(client) -> dict[str, list[str]]:
    columns = {}
    for row in read(client.get(DICTIONARY)):
        columns.setdefault(row["fichier"], []).append(row["colonne"])
    return columns


def test_the_page_and_every_file_are_open_to_anonymous_visitors_and_every_role(role_matrix, programme):
    for url in [PAGE, DICTIONARY, *FILES.values()]:
        role_matrix.check(url, allowed=set(Role), public=True)


def test_every_file_is_dated_csv_and_its_header_is_its_data_dictionary(client, programme):
    columns = dictionary(client)
    assert set(columns) == set(FILES)
    page = client.get(PAGE).content.decode()
    for stem, url in FILES.items():
        response = client.get(url)
        assert response.status_code == 200 and response.streaming
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"] == f'attachment; filename="{stem}-2026-03-18.csv"'
        assert header(response) == columns[stem], stem
        assert f'href="{url}"' in page and f'download="{stem}-2026-03-18.csv"' in page
        for name in columns[stem]:
            assert f"<code>{name}</code>" in page
    response = client.get(DICTIONARY)
    assert response["Content-Disposition"] == 'attachment; filename="dictionnaire-des-donnees-2026-03-18.csv"'
    assert header(response) == list(DICTIONARY_HEADER)
    assert all(row["type"] and row["description"] and row["exemple"] for row in read(response))


def test_the_page_gives_the_licence_and_the_date_of_each_file(client, programme):
    page = re.sub(r"\s+", " ", client.get(PAGE).content.decode())
    assert "Licence Ouverte 2.0 (Etalab)" in page
    assert page.count("Mis à jour le 18/03/2026.") == 3  # structures, posts, places: changed today
    assert "Données arrêtées au 28/02/2026." in page  # the monthly activity: the last complete month


def test_structures_and_posts_files_carry_the_public_api_fields(client, programme):
    api_structures = json.loads(client.get("/api/v1/structures").content)["results"]
    rows = read(client.get(FILES["structures"]))
    assert [row["id"] for row in rows] == [str(item["id"]) for item in api_structures]
    assert list(rows[0]) == list(api_structures[0])
    first = api_structures[0]
    assert rows[0]["postes_attribues"] == str(first["postes_attribues"]) == "2"
    assert rows[0]["siret"] == first["siret"] and rows[0]["activee_le"] == first["activee_le"]
    api_posts = json.loads(client.get("/api/v1/postes").content)["results"]
    posts = read(client.get(FILES["postes"]))
    assert list(posts[0]) == list(api_posts[0])
    assert [(p["id"], p["statut"]) for p in posts] == [(str(p["id"]), p["statut"]) for p in api_posts]
    assert len(posts) == 6


def test_the_monthly_activity_file_stops_at_the_last_complete_month(client, programme):
    rows = read(client.get(FILES["activite-mensuelle-par-departement"]))
    assert rows == [
        {
            "departement": "03",
            "departement_nom": "Allier",
            "mois": "2026-01",
            "accompagnements": "1",
            "personnes_accompagnees": "1",
        },
        {
            "departement": "03",
            "departement_nom": "Allier",
            "mois": "2026-02",
            "accompagnements": "1",
            "personnes_accompagnees": "7",
        },
        {
            "departement": "63",
            "departement_nom": "Puy-de-Dôme",
            "mois": "2026-02",
            "accompagnements": "1",
            "personnes_accompagnees": "3",
        },
    ]  # March, the current month, comes once complete


def test_no_file_names_a_person(client, programme):
    Structure.objects.update(
        contact_first_name="Gwendoline",
        contact_last_name="Tartempion",
        contact_email="gwendoline.tartempion@exemple.fr",
        contact_phone="0612345678",
    )
    files = "\n".join(body(client.get(url)).decode() for url in [DICTIONARY, *FILES.values()]).lower()
    personal = ["Gwendoline", "Tartempion", "gwendoline.tartempion@exemple.fr", *phone_forms("0612345678")]
    for user in User.objects.all():
        personal += [user.email, user.first_name, user.last_name]
    assert len(personal) > 8
    assert found_in(files, [value for value in personal if len(value) > 3]) == []
    assert "prenom" not in files and "courriel," not in files.split("\n", 1)[0]


def test_a_free_text_never_opens_as_a_formula(client, programme):
    Structure.objects.filter(pk=programme["idle"].pk).update(usual_name='=HYPERLINK("http://exemple.fr")')
    rows = read(client.get(FILES["structures"]))
    assert '\'=HYPERLINK("http://exemple.fr")' in [row["nom"] for row in rows]


@pytest.mark.parametrize("query", ["?%00=%00", "?departement=" + "9" * 500, "?cursor=<x>", "?mois=9999-12"])
def test_hostile_query_strings_change_nothing(client, programme, query):
    for url in [PAGE, DICTIONARY, *FILES.values()]:
        response = client.get(url + query)
        assert response.status_code == 200, url
    assert len(read(client.get(FILES["structures"] + query))) == 3


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
        body(response)
    return len(context.captured_queries)


def test_a_constant_number_of_queries_whatever_the_rows(client, programme):
    urls = [PAGE, DICTIONARY, *FILES.values()]
    before = [_queries(client, url) for url in urls]
    for _ in range(3):
        hired_advisor()
    assert [_queries(client, url) for url in urls] == before


def test_each_file_is_described_once_for_the_page_and_the_dictionary():
    assert [item.stem for item in opendata.FILES] == list(FILES)
