"""Open data of the places: the CSV validates against the national standard's table schema (frictionless), the JSON
carries the same rows, the data·inclusion mapping validates with the `data-inclusion-schema` models, and the files are
streamed, public, and list visible places only."""

import csv
import io
import json

import pytest
from django.urls import reverse

from cnfs.activity import standard
from tests.activity.factories import make_place
from tests.permissions import body

pytestmark = pytest.mark.django_db


@pytest.fixture
def places(advisor, other_advisor):
    every_value = {
        attribute: standard.enumeration(column) for column, attribute in standard.ENUMERATED_COLUMNS.items()
    }
    return [
        make_place(advisor, siret="21030190500011", **every_value),
        make_place(
            other_advisor,
            name='=HYPERLINK("http://exemple.fr")',  # a formula typed as a name
            rna="W031234567",
            opening_hours="Tu,Th 14:00-18:00; PH off",
            mobility=standard.ITINERANT,
            fees=["Gratuit sous condition"],
            audiences=["Seniors"],
            support_modes=["À distance"],
        ),
        make_place(advisor, name="Bureau interne", visible=False, services=[]),
    ]


def test_the_csv_validates_against_the_national_schema_with_frictionless(client, places, tmp_path):
    from frictionless import Resource, Schema

    response = client.get(reverse("activity:open_data_csv"))
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    path = tmp_path / "lieux.csv"
    path.write_bytes(body(response))
    schema = Schema.from_descriptor(json.loads(standard.SCHEMA_PATH.read_text()))
    report = Resource(path=path.name, basepath=str(tmp_path), schema=schema).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert len(rows) == 2  # the hidden place is not published
    first, second = rows
    assert list(first) == [f["name"] for f in standard.schema()["fields"]]
    assert first["pivot"] == "21030190500011" and second["pivot"] == "W031234567"
    assert first["services"] == "|".join(standard.enumeration("services"))
    assert first["horaires"] == "Mo-Fr 09:00-12:00,14:00-17:00"
    assert first["code_insee"] == "03190" and first["code_postal"] == "03000"
    assert second["nom"].startswith("'=")  # never a formula in a spreadsheet
    assert second["itinerance"] == "Itinérant"


def test_frictionless_would_catch_a_value_outside_the_standard(places, tmp_path):
    """The validation above can fail: the same file with one invented service is refused."""
    from frictionless import Resource, Schema

    from cnfs.activity.opendata import _csv_lines, exported_places

    text = "".join(_csv_lines(exported_places())).replace(
        "Aide aux démarches administratives", "Service inventé", 1
    )
    path = tmp_path / "faux.csv"
    path.write_text(text, encoding="utf-8")
    report = Resource(
        path=path.name,
        basepath=str(tmp_path),
        schema=Schema.from_descriptor(json.loads(standard.SCHEMA_PATH.read_text())),
    ).validate()
    assert not report.valid
    assert {error[1] for error in report.flatten(["rowNumber", "fieldName"])} == {"services"}


def test_the_json_has_the_same_rows(client, places):
    response = client.get(reverse("activity:open_data_json"))
    assert response.streaming and response["Access-Control-Allow-Origin"] == "*"
    data = json.loads(body(response))
    assert [row["id"] for row in data] == [
        f"conseiller-numerique--{places[0].pk}",
        f"conseiller-numerique--{places[1].pk}",
    ]
    assert data[1]["horaires"] == "Tu,Th 14:00-18:00; PH off"


def test_the_files_are_public_and_empty_files_are_still_valid(client):
    csv_response = client.get(reverse("activity:open_data_csv"))
    assert csv_response.status_code == 200
    assert body(csv_response).decode().startswith("id,pivot,nom,")
    assert json.loads(body(client.get(reverse("activity:open_data_json")))) == []
    assert client.get(reverse("activity:open_data")).status_code == 200


def test_the_data_inclusion_mapping_validates_with_the_data_inclusion_schema(client, places):
    from data_inclusion.schema.v1 import Service, Structure

    data = json.loads(body(client.get(reverse("activity:open_data_data_inclusion"))))
    assert len(data) == 2
    for item in data:
        structure = Structure.model_validate(item["structure"], context={"ignore_warnings": False})
        assert str(structure.reseaux_porteurs.pop()) == "conseillers-numeriques"
        assert item["services"]
        for service in item["services"]:
            validated = Service.model_validate(service, context={"ignore_warnings": False})
            assert validated.structure_id == structure.id
    full, itinerant = data
    assert len(full["services"]) == len(standard.SERVICES)
    assert {s["thematiques"][0] for s in full["services"]} >= {"numerique--acceder-a-des-services-en-ligne"}
    assert itinerant["services"][0]["frais"] == "gratuit"
    assert itinerant["services"][0]["frais_precisions"] == "Gratuit sous condition"
    assert itinerant["services"][0]["publics"] == ["seniors"]
    assert itinerant["services"][0]["modes_accueil"] == ["a-distance"]


def test_the_export_reads_the_places_in_chunks(places, django_assert_max_num_queries):
    from cnfs.activity.opendata import _csv_lines, exported_places

    with django_assert_max_num_queries(1):
        lines = list(_csv_lines(exported_places()))
    assert len(lines) == 3
