"""The "Couverture territoriale" page, its map data and exports: who may see them, which territory, which figures."""

import csv
import io
import re

import pytest
from django.urls import reverse

from cnfs.accounts.roles import Role
from cnfs.coverage import services
from cnfs.exports import services as background
from cnfs.exports.models import BackgroundExport, ExportStatus
from cnfs.statistics import coverage as indicators
from tests.api.test_public_api import puy_de_dome
from tests.factories import DepartementFactory, RegionFactory, UserFactory, grant
from tests.permissions import body

from .conftest import place_in

pytestmark = pytest.mark.django_db

OVERVIEW = reverse("coverage:overview")
MAP = reverse("coverage:map_data")


def export_url(table, fmt="csv"):
    return reverse("coverage:export", args=[table, fmt])


@pytest.fixture
def covered(territory, advisor):
    """One visible place at Origine, the distances computed."""
    place = place_in(advisor, territory["origine"])
    services.rebuild()
    return place


def csv_rows(response) -> list[list[str]]:
    text = body(response).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_anct_and_prefectures_only(role_matrix, covered):
    allowed = {Role.ANCT, Role.PREFECTURE}
    role_matrix.check(OVERVIEW, allowed)
    role_matrix.check(MAP, allowed)
    role_matrix.check(export_url("departements"), allowed)
    role_matrix.check(export_url("epci", "xlsx"), allowed)
    role_matrix.check(export_url("communes") + "?departement=03", allowed)


def test_a_prefecture_asking_for_another_territory_gets_a_404(client, covered):
    DepartementFactory(code="63", name="Puy-de-Dôme")
    RegionFactory(code="93", name="Provence-Alpes-Côte d'Azur")
    client.force_login(UserFactory(role=Role.PREFECTURE))  # the Allier (03)
    for url in (OVERVIEW, MAP, export_url("departements"), export_url("communes")):
        assert client.get(url, {"departement": "63"}).status_code == 404, url
        assert client.get(url, {"departement": "99"}).status_code == 404, url
        assert client.get(url, {"region": "93"}).status_code == 404, url
        assert client.get(url, {"region": "84"}).status_code == 404, url  # its région is wider than its scope
        assert client.get(url, {"departement": "03"}).status_code == 200, url


def test_the_figures_of_a_hand_made_territory(covered, territory):
    """Allier: 29,000 inhabitants (Origine 1,000, Proche 2,000, Loin 3,000, Perdue 4,000, Moulins 19,000), 2 posts
    granted and 1 advisor in post (the structure in Moulins, CC of none), 1 visible place (Origine, CC du Sud);
    white zone: Loin (30 km), Perdue (60 km), Moulins (~63 km)."""
    (allier,) = indicators.by_departement({"03"})
    assert allier.values == {
        "population": 29000,
        "posts_granted": 2,
        "advisors_in_post": 1,
        "places": 1,
        "white_zone_communes": 3,
        "white_zone_population": 26000,
    }
    assert allier.figures == [("posts_granted", 2, 0.69), ("advisors_in_post", 1, 0.34), ("places", 1, 0.34)]
    assert allier.white_zone_share == 89.7
    northern, south = indicators.by_epci({"03"})  # by name
    assert (south.name, south.values["population"], south.values["places"]) == ("CC du Sud", 3000, 1)
    assert south.per_10000("places") == 3.33 and south.values["white_zone_communes"] == 0
    assert (northern.name, northern.values["white_zone_population"], northern.values["places"]) == (
        "CC du Nord",
        7000,
        0,
    )
    listed = [row.commune_id for row in indicators.white_zone_communes({"03"})]
    assert listed == ["03190", "03004", "03003"]  # most populated first


def test_the_page_shows_the_scope_of_the_prefecture_only(client, covered):
    puy_de_dome()  # a structure elsewhere, with posts
    client.force_login(UserFactory(role=Role.PREFECTURE))
    response = client.get(OVERVIEW)
    assert response.status_code == 200
    assert [row.code for row in response.context["departement_rows"]] == ["03"]
    assert [row.name for row in response.context["epci_rows"]] == ["CC du Nord", "CC du Sud"]
    text = " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).replace("\xa0", " ").split())
    assert "3 communes en zone blanche , 26 000 habitants (89,7 % de la population)" in text
    assert [row.commune_id for row in response.context["page"]] == ["03190", "03004", "03003"]
    ascending = client.get(OVERVIEW, {"ordering": "population_asc"})
    assert [row.commune_id for row in ascending.context["page"]] == ["03003", "03004", "03190"]
    data = client.get(MAP).json()
    assert [c["insee"] for c in data["communes"]] == ["03190", "03004", "03003"]
    assert data["communes"][2]["distance_km"] == 30.0 and data["threshold_km"] == 20


def test_anct_sees_the_country_and_filters_by_region(client, covered):
    puy_de_dome()
    client.force_login(UserFactory(role=Role.ANCT))
    national = client.get(OVERVIEW)
    assert [row.code for row in national.context["departement_rows"]] == ["03", "63"]
    assert national.context["epci_rows"] is None  # nationally: the export only
    assert "Exporter la liste nationale (CSV)" in national.content.decode()
    by_region = client.get(OVERVIEW, {"region": "84"})
    assert [row.code for row in by_region.context["departement_rows"]] == ["03", "63"]
    allier = client.get(OVERVIEW, {"departement": "03", "region": "84"})
    assert [row.code for row in allier.context["departement_rows"]] == ["03"]
    assert client.get(OVERVIEW, {"region": "00"}).status_code == 404


def test_the_exports_hold_the_tables(client, covered):
    client.force_login(UserFactory(role=Role.PREFECTURE))
    header, allier = csv_rows(client.get(export_url("departements")))
    assert header[:4] == ["Code", "Département", "Population", "Postes attribués"]
    assert allier == ["03", "Allier", "29000", "2", "0.69", "1", "0.34", "1", "0.34", "3", "26000", "89.7"]
    rows = csv_rows(client.get(export_url("epci")))
    assert [row[:3] for row in rows[1:]] == [
        ["200000002", "CC du Nord", "03"],
        ["200000001", "CC du Sud", "03"],
    ]
    rows = csv_rows(client.get(export_url("communes"), {"departement": "03"}))
    assert rows[0] == indicators.WHITE_ZONE_HEADER
    assert rows[1:] == [
        ["03190", "Moulins", "03", "", "19000", rows[1][5]],
        ["03004", "Perdue", "03", "CC du Nord", "4000", "60.0"],
        ["03003", "Loin", "03", "CC du Nord", "3000", "30.0"],
    ]
    xlsx = client.get(export_url("departements", "xlsx"))
    assert xlsx.status_code == 200 and body(xlsx)[:2] == b"PK"
    assert client.get(export_url("nope")).status_code == 404
    assert client.get(export_url("departements", "pdf")).status_code == 404


def test_the_national_white_zone_list_is_a_background_export(
    client, covered, django_capture_on_commit_callbacks
):
    anct = UserFactory(role=Role.ANCT)
    client.force_login(anct)
    assert client.get(export_url("communes")).status_code == 404  # not streamed nationally
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("exports:start"), {"kind": "white_zones", "format": "csv"})
    export = BackgroundExport.objects.get()
    assert response.status_code == 302 and export.status == ExportStatus.DONE and export.rows_total == 3
    text = background.file_path(export).read_text(encoding="utf-8-sig")
    assert text.splitlines()[1].split(";")[:2] == ["03190", "Moulins"]


def test_a_prefecture_background_export_stays_in_its_territory(covered, django_capture_on_commit_callbacks):
    other = DepartementFactory(code="63", name="Puy-de-Dôme")
    prefect = UserFactory(role=Role.PREFECTURE)
    assignment = prefect.role_assignments.get()
    export, _ = background.request_export(
        "white_zones", "csv", {"departement": other.code}, user=prefect, assignment=assignment
    )
    background.build(export.pk)
    export.refresh_from_db()
    assert export.rows_total == 0
    assignment = grant(UserFactory(), Role.PREFECTURE, departement=other)
    export, _ = background.request_export(
        "white_zones", "csv", {}, user=assignment.user, assignment=assignment
    )
    background.build(export.pk)
    export.refresh_from_db()
    assert export.rows_total == 0  # the Puy-de-Dôme has no commune in a white zone here


def test_hostile_parameters_get_a_clear_answer(client, covered):
    client.force_login(UserFactory(role=Role.ANCT))
    assert client.get(OVERVIEW, {"departement": "0\x003"}).status_code == 404
    assert client.get(OVERVIEW, {"region": "8" * 500}).status_code == 404
    response = client.get(OVERVIEW, {"ordering": "'; DROP TABLE", "page": "99999999999999999999"})
    assert response.status_code == 200 and response.context["page"].number == 1
    assert (
        client.get(export_url("communes", "csv"), {"departement": "03", "ordering": "\x00"}).status_code
        == 200
    )
