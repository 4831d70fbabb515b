"""« Conseillers du territoire »: a hub sees the advisors of its départements, a préfecture those of its département
or région — their structure, commune, places and reports of the last 30 days — filtered by département, exported as
CSV and XLSX from the same query; another territory's advisors never appear."""

import datetime
import html

import pytest
import time_machine
from django.urls import reverse

from cnfs.accounts.roles import Role
from tests.activity.factories import hired_advisor, make_place, make_report
from tests.api.test_public_api import puy_de_dome
from tests.factories import HubFactory, UserFactory
from tests.permissions import body

pytestmark = pytest.mark.django_db

URL = reverse("activity:scope_advisors")


def test_only_hubs_and_prefectures_see_the_territorys_advisors(role_matrix):
    for url in (URL, reverse("activity:scope_advisors_csv"), reverse("activity:scope_advisors_xlsx")):
        role_matrix.check(url, {Role.HUB, Role.PREFECTURE})


@pytest.fixture
def territory():
    allier, auvergne = hired_advisor(), hired_advisor(puy_de_dome(posts=2))
    hub = HubFactory(departements=[allier.structure.departement, auvergne.structure.departement])
    return allier, auvergne, UserFactory(role=Role.HUB, role__hub=hub)


def shown(response):
    return {advisor.pk: figures for advisor, figures in response.context["rows"]}


@time_machine.travel(datetime.datetime(2026, 6, 30, 12, tzinfo=datetime.UTC), tick=False)
def test_each_advisor_with_places_and_the_reports_of_the_last_30_days(client, territory):
    allier, auvergne, hub = territory
    make_place(allier)
    make_report(allier, date=datetime.date(2026, 6, 1))  # the 30th day back: counted
    make_report(
        allier, date=datetime.date(2026, 5, 31)
    )  # the 31st: not counted, but the last report before it
    make_report(auvergne, date=datetime.date(2026, 6, 30))
    client.force_login(hub)
    response = client.get(URL)
    figures = shown(response)
    assert set(figures) == {allier.pk, auvergne.pk}
    assert figures[allier.pk].recent_reports == 1 and figures[allier.pk].last_report == datetime.date(
        2026, 6, 1
    )
    assert figures[auvergne.pk].recent_reports == 1
    assert "Médiathèque de Moulins" in response.content.decode()
    # Filtered by département, and the export follows the filter.
    code = auvergne.structure.departement_id
    assert set(shown(client.get(URL, {"departement": code}))) == {auvergne.pk}
    csv = body(client.get(reverse("activity:scope_advisors_csv"), {"departement": code})).decode("utf-8-sig")
    lines = csv.strip().splitlines()
    assert (
        len(lines) == 2 and auvergne.candidate.user.full_name in lines[1] and lines[1].endswith("2026-06-30")
    )
    xlsx = client.get(reverse("activity:scope_advisors_xlsx"))
    assert xlsx.status_code == 200 and body(xlsx)[:2] == b"PK"


def test_a_hub_or_a_prefecture_sees_its_departements_only(client, territory):
    allier, auvergne, _ = territory
    hub = UserFactory(role=Role.HUB, role__hub=HubFactory(departements=[auvergne.structure.departement]))
    client.force_login(hub)
    assert set(shown(client.get(URL))) == {auvergne.pk}
    # Another territory's département in the filter: a message next to the field, never its advisors.
    response = client.get(URL, {"departement": allier.structure.departement_id})
    assert "Choisissez l'un des départements de votre territoire." in html.unescape(response.content.decode())
    assert allier.pk not in shown(response)
    csv = body(
        client.get(reverse("activity:scope_advisors_csv"), {"departement": allier.structure.departement_id})
    )
    assert allier.candidate.user.full_name not in csv.decode("utf-8-sig")
    prefect = UserFactory(role=Role.PREFECTURE, role__departement=allier.structure.departement)
    client.force_login(prefect)
    assert set(shown(client.get(URL))) == {allier.pk}


@pytest.mark.parametrize("value", ["\x00", "9999-12-31", "1" * 500, "<script>"])
def test_hostile_filters_answer_a_message_not_an_error(client, territory, value):
    client.force_login(territory[2])
    response = client.get(URL, {"departement": value, "page": value})
    assert response.status_code == 200
    assert client.get(reverse("activity:scope_advisors_csv"), {"departement": value}).status_code == 200


def test_the_list_reads_a_constant_number_of_queries(client, territory):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    allier, _, hub = territory
    make_place(allier)
    make_report(allier)
    client.force_login(hub)

    def queries():
        with CaptureQueriesContext(connection) as context:
            assert client.get(URL).status_code == 200
        return len(context.captured_queries)

    before = queries()
    colleague = hired_advisor(allier.structure)
    make_place(colleague, name="Maison France Services")
    make_report(colleague)
    assert len(shown(client.get(URL))) == 3
    assert queries() == before
