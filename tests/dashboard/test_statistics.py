"""The dashboards (SPEC §13, cnfs/dashboard/statistics_views.py): each role sees the figures of its scope, filtered
by period and territory; every table exports in CSV and XLSX; the page runs the same number of queries whatever the
volume. The data is written by the real services (hires, contracts and their tranches, trainings, reports); the
expected figures are what those services left behind, counted by hand."""

import csv
import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cnfs.accounts.roles import Role
from cnfs.statistics import maps
from cnfs.statistics.models import DepartementCentre
from cnfs.statistics.scope import DASHBOARD_ROLES
from tests.activity.factories import hired_advisor, make_report
from tests.api.test_public_api import puy_de_dome
from tests.factories import CommuneFactory, DepartementFactory, HubFactory, RegionFactory, UserFactory
from tests.permissions import body
from tests.recruitment.factories import activated_structure
from tests.teams.factories import member, named_team
from tests.training.factories import hired_training

pytestmark = pytest.mark.django_db

URL = reverse("dashboard:statistics")


def export_url(table, fmt):
    return reverse("dashboard:statistics_export", args=[table, fmt])


@pytest.fixture
def today(time_machine):
    time_machine.move_to("2026-06-15 10:00:00+02:00", tick=False)
    return date(2026, 6, 15)


def paris_structure(**kwargs):
    region = RegionFactory(code="11", name="Île-de-France")
    departement = DepartementFactory(code="75", name="Paris", region=region, latitude=48.86, longitude=2.35)
    commune = CommuneFactory(
        insee_code="75056", name="Paris", departement=departement, region=region, population=2100000,
        latitude=48.8566, longitude=2.3522,
    )  # fmt: skip
    return activated_structure(commune=commune, latitude=48.85, longitude=2.35, **kwargs)


@pytest.fixture
def world(today):
    """Allier (03): a structure with 2 posts, one advisor hired with a contract signed 01/06/2026 (tranches of
    10 000, 15 000 and 25 000 €) and a training (its provider assigned), 3 reports (9 people); Puy-de-Dôme (63,
    same région): an advisor on one of 3 posts, 1 report; Paris (75, another région): an advisor on one of 2 posts,
    1 report (4 people)."""
    training = hired_training(contract_start=date(2026, 6, 1))
    allier = training.match.structure.advisors.get()
    auvergne = hired_advisor(puy_de_dome(posts=3))
    paris = hired_advisor(paris_structure(posts=2))
    make_report(allier, date=date(2026, 3, 2), kind="collective", participants=7, title="Courriel")
    make_report(allier, date=date(2026, 5, 10))
    make_report(allier, date=date(2026, 6, 12))
    make_report(auvergne, date=date(2026, 6, 1))
    make_report(paris, date=date(2025, 1, 10), participants=4, kind="collective", title="Smartphone")
    return {"allier": allier, "auvergne": auvergne, "paris": paris, "training": training}


def page(client, user, **params):
    client.force_login(user)
    response = client.get(URL, params)
    assert response.status_code == 200, response.content.decode()[:2000]
    return response


def section(response, key):
    return next(s for s in response.context["sections"] if s.key == key)


def table(response, key):
    for s in response.context["sections"]:
        for t in s.tables:
            if t.key == key:
                return t
    raise KeyError(key)


def as_dict(figure_table, value=1) -> dict:
    return {row[0]: row[value] for row in figure_table.rows}


def prefect(departement="03"):
    return UserFactory(role=Role.PREFECTURE, role__departement=DepartementFactory(code=departement))


# --- permissions -------------------------------------------------------------------------------------------------


def test_every_dashboard_role_and_only_them_open_the_page(role_matrix):
    role_matrix.check(URL, set(DASHBOARD_ROLES))


def test_a_table_exports_to_the_roles_whose_dashboard_has_it(role_matrix):
    """Another role: 403; a role whose dashboard has no such table: 404."""
    has = {
        "activity_kinds": {Role.ANCT, Role.PREFECTURE, Role.HUB, Role.STRUCTURE, Role.COORDINATOR},
        "funding_tranches": {Role.ANCT, Role.PREFECTURE, Role.STRUCTURE, Role.BDT},
        "funnel": {Role.ANCT, Role.PREFECTURE, Role.HUB},
    }
    for key, roles in has.items():
        for fmt in ("csv", "xlsx"):
            expected = {
                role: 200 if role in roles else 404 if role in DASHBOARD_ROLES else 403 for role in Role
            }
            assert role_matrix.statuses(export_url(key, fmt)) == expected, (key, fmt)
    assert role_matrix.statuses(export_url("funnel", "pdf"))[Role.ANCT] == 404
    assert role_matrix.statuses(export_url("nothing", "csv"))[Role.ANCT] == 404


def test_another_territory_is_not_found(client, world):
    client.force_login(prefect("03"))
    assert client.get(URL, {"departement": "63"}).status_code == 404
    assert client.get(URL, {"region": "11"}).status_code == 404
    assert client.get(URL, {"departement": "ZZ"}).status_code == 404
    assert client.get(export_url("funnel", "csv"), {"departement": "75"}).status_code == 404
    assert client.get(URL, {"departement": "03"}).status_code == 200
    hub = HubFactory(departements=[DepartementFactory(code="63", name="Puy-de-Dôme")])
    client.force_login(UserFactory(role=Role.HUB, role__hub=hub))
    assert client.get(URL, {"departement": "03"}).status_code == 404
    assert client.get(URL, {"departement": "63"}).status_code == 200


def test_hostile_filters_answer_a_message_not_a_500(client, world):
    client.force_login(UserFactory(role=Role.ANCT))
    for params, message in (
        ({"since": "9999-12"}, "Saisissez une date entre"),
        ({"since": "2026-13"}, "Saisissez un mois au format AAAA-MM"),
        ({"since": "2026-06", "until": "2026-01"}, "Le mois de fin précède le mois de début"),
        ({"departement": "0\x003"}, "caractère nul"),
        ({"level": "commune"}, "Choisissez « Par département » ou « Par région »"),
    ):
        response = client.get(URL, params)
        assert response.status_code == 400, params
        assert message in response.content.decode(), params


# --- figures of each section -------------------------------------------------------------------------------------


def test_anct_sees_the_whole_country(client, world):
    response = page(client, UserFactory(role=Role.ANCT))
    funnel = as_dict(table(response, "funnel"))
    assert funnel["Candidatures transmises"] == 3
    assert funnel["Postes attribués"] == 7
    assert funnel["Recrutements"] == 3
    assert funnel["Conseillers en poste"] == 3
    assert funnel["Postes à pourvoir"] == 4
    assert dict(section(response, "recruitment").figures)["Objectif national de postes"] == 4000
    by_departement = {row[0]: row for row in table(response, "funnel_departements").rows}
    assert sorted(by_departement) == ["03", "63", "75"]
    assert by_departement["63"][2:] == [1, 0, 1, 0, 3, 1, 1, 2, 0]
    # Activity over the last twelve months (July 2025 to June 2026): Paris's report of January 2025 is left out.
    activity = dict(section(response, "activity").figures)
    assert activity["Accompagnements"] == 4
    assert activity["Personnes accompagnées"] == 10
    assert as_dict(table(response, "activity_kinds"))["Atelier collectif"] == 1
    assert as_dict(table(response, "activity_months")) == {"03/2026": 1, "05/2026": 1, "06/2026": 2}
    assert as_dict(table(response, "activity_departements")) == {"03": 3, "63": 1}
    # Funding: the Allier contract's tranches, scheduled by the service.
    tranches = {row[0]: row[1:] for row in table(response, "funding_tranches").rows}
    assert tranches["Tranche 1 (20 %)"] == [Decimal("10000.00"), Decimal("0.00"), Decimal("10000.00"), 1]
    assert tranches["Tranche 3 (50 %)"][0] == Decimal("25000.00")
    months = as_dict(table(response, "funding_months"))
    assert months["07/2026"] == Decimal("10000.00") and months["12/2026"] == Decimal("15000.00")
    assert sum(months.values()) == Decimal("25000.00")  # the last tranche falls in June 2027, past 12 months
    # Training: every hire's training, its provider's state.
    training = dict(section(response, "training").figures)
    assert training["Conseillers en formation ou à former"] == 3
    # The map: a row per département of France known to the data, with its figures.
    places = {row[0]: row for row in table(response, "map_departements").rows}
    assert places["03"][2:] == [2, 1, 3, Decimal("50000.00")]
    assert places["75"][2:] == [2, 1, 0, 0]
    content = response.content.decode()
    assert "<bar-chart" in content and "<line-chart" in content and 'id="dashboard-map-data"' in content


def test_a_prefecture_sees_its_departement_only(client, world):
    response = page(client, prefect("03"))
    funnel = as_dict(table(response, "funnel"))
    assert (funnel["Postes attribués"], funnel["Recrutements"], funnel["Postes à pourvoir"]) == (2, 1, 1)
    assert "Part de l'objectif atteinte" not in dict(section(response, "recruitment").figures)
    assert dict(section(response, "activity").figures)["Accompagnements"] == 3
    assert dict(section(response, "activity").figures)["Personnes accompagnées"] == 9
    assert [row[0] for row in table(response, "map_departements").rows] == ["03"]
    assert [row[0] for row in table(response, "funding_departements").rows] == ["03"]
    assert dict(section(response, "training").figures)["Conseillers en formation ou à former"] == 1


def test_a_regional_prefecture_filters_one_of_its_departements(client, world):
    auvergne = world["auvergne"].structure.departement.region
    user = UserFactory(role=Role.PREFECTURE, role__region=auvergne)
    response = page(client, user)
    assert as_dict(table(response, "funnel"))["Recrutements"] == 2
    response = page(client, user, departement="63")
    assert as_dict(table(response, "funnel"))["Recrutements"] == 1
    assert response.context["scope"].label == "Puy-de-Dôme (63)"


def test_anct_filters_by_region_and_period_and_maps_by_region(client, world):
    anct = UserFactory(role=Role.ANCT)
    response = page(client, anct, region="11", since="2025-01", until="2025-12")
    assert dict(section(response, "activity").figures)["Accompagnements"] == 1
    assert dict(section(response, "activity").figures)["Personnes accompagnées"] == 4
    assert as_dict(table(response, "funnel"))["Recrutements"] == 1
    response = page(client, anct, since="2026-05", until="2026-05")
    assert dict(section(response, "activity").figures)["Accompagnements"] == 1
    response = page(client, anct, level="region")
    regions = {row[0]: row for row in table(response, "map_region").rows}
    assert regions["84"][2:4] == [5, 2] and regions["11"][2:4] == [2, 1]


def test_a_hub_sees_its_departements_and_a_structure_its_advisors(client, world):
    hub = HubFactory(departements=[DepartementFactory(code="63", name="Puy-de-Dôme")])
    response = page(client, UserFactory(role=Role.HUB, role__hub=hub))
    assert [s.key for s in response.context["sections"]] == ["recruitment", "training", "activity", "map"]
    assert dict(section(response, "activity").figures)["Accompagnements"] == 1
    member = UserFactory(role=Role.STRUCTURE, role__structure=world["allier"].structure)
    response = page(client, member)
    assert [s.key for s in response.context["sections"]] == ["funding", "training", "activity"]
    assert dict(section(response, "activity").figures)["Accompagnements"] == 3
    assert dict(section(response, "funding").figures)["Subvention prévue (€)"] == Decimal("50000.00")
    assert dict(section(response, "training").figures)["Conseillers en formation ou à former"] == 1


def test_the_banque_des_territoires_sees_the_funding(client, world):
    response = page(client, UserFactory(role=Role.BDT))
    assert [s.key for s in response.context["sections"]] == ["funding", "map"]
    places = {row[0]: row for row in table(response, "map_departements").rows}
    assert places["03"][2:] == [Decimal("50000.00")]


def test_a_coordinator_sees_its_team(client, world):
    """The Paris advisor coordinates a team that the Puy-de-Dôme advisor joined (through the teams' services)."""
    coordinator = UserFactory(role=Role.COORDINATOR)
    response = page(client, coordinator)  # no team: nothing
    assert dict(section(response, "activity").figures)["Accompagnements"] == 0
    team = named_team(world["paris"])
    response = page(client, world["paris"].candidate.user)
    assert dict(section(response, "activity").figures)["Accompagnements"] == 0  # not the coordinator's own
    member(team, world["auvergne"])
    response = page(client, world["paris"].candidate.user)
    assert response.context["scope"].role == Role.COORDINATOR
    assert dict(section(response, "activity").figures)["Accompagnements"] == 1
    assert dict(section(response, "training").figures)["Conseillers en formation ou à former"] == 1


# --- exports ------------------------------------------------------------------------------------------------------


def test_every_table_exports_in_csv_and_xlsx_with_the_filters(client, world):
    client.force_login(prefect("03"))
    response = client.get(URL)
    keys = [t.key for s in response.context["sections"] for t in s.tables]
    assert len(keys) > 15
    for key in keys:
        for fmt in ("csv", "xlsx"):
            assert client.get(export_url(key, fmt)).status_code == 200, (key, fmt)
    response = client.get(export_url("activity_months", "csv"), {"since": "2026-05"})
    rows = list(csv.reader(io.StringIO(body(response).decode("utf-8-sig")), delimiter=";"))
    assert rows == [["Mois", "Accompagnements"], ["05/2026", "1"], ["06/2026", "1"]]
    response = client.get(export_url("funding_tranches", "xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(body(response))).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == ["Tranche", "Prévu (€)", "Versé (€)", "Reste à verser (€)", "Tranches"]
    assert values[1][0] == "Tranche 1 (20 %)" and float(values[1][1]) == 10000.0


# --- scale --------------------------------------------------------------------------------------------------------


def queries(client, user, **params) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL, params).status_code == 200
    return len(captured)


def test_the_page_runs_the_same_queries_whatever_the_volume(client, world, django_assert_max_num_queries):
    anct, prefecture = UserFactory(role=Role.ANCT), prefect("03")
    maps.compute_centres()  # once (the first page would)
    before = queries(client, anct), queries(client, prefecture)
    for advisor in (world["allier"], world["auvergne"]):
        for day in range(1, 6):
            make_report(advisor, date=date(2026, 4, day))
    hired_advisor(paris_structure(posts=2))
    hired_training(contract_start=date(2026, 6, 1))
    assert (queries(client, anct), queries(client, prefecture)) == before
    client.force_login(anct)
    with django_assert_max_num_queries(30):
        client.get(URL, {"region": "84", "level": "region"})


# --- map centres ----------------------------------------------------------------------------------------------------


def test_a_departement_is_drawn_at_the_centre_of_its_people(today):
    departement = DepartementFactory(code="42", name="Loire", latitude=45.0, longitude=4.0)
    CommuneFactory(
        insee_code="42001", name="A", departement=departement, population=1000, latitude=46.0, longitude=3.0
    )
    CommuneFactory(
        insee_code="42002", name="B", departement=departement, population=3000, latitude=47.0, longitude=4.0
    )
    CommuneFactory(
        insee_code="42003", name="C", departement=departement, population=0, latitude=10.0, longitude=10.0
    )
    place = maps.departement_places(["42"])["42"]
    assert (round(place["latitude"], 6), round(place["longitude"], 6), place["population"]) == (
        46.75,
        3.75,
        4000,
    )
    assert DepartementCentre.objects.filter(departement_id="42").exists()
    empty = DepartementFactory(code="43", name="Haute-Loire", latitude=45.1, longitude=3.9)
    assert maps.departement_places(["43"])["43"]["latitude"] == empty.latitude  # no commune: its own point
