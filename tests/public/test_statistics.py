"""The public statistics page (no login): national figures, the trend of the last complete months, the table and the
map by département — the figures the real services left behind, in a constant number of queries, cached."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cnfs.accounts.roles import Role
from cnfs.statistics import maps, public
from tests.activity.factories import hired_advisor, make_place, make_report

URL = reverse("public:statistics")


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def figure(page: str, name: str) -> str:
    return re.search(rf'id="figure-{name}">([^<]*)<', page).group(1)


def test_open_to_anonymous_visitors_and_every_role(role_matrix, programme):
    role_matrix.check(URL, allowed=set(Role), public=True)


def test_the_national_figures_are_those_the_services_left_behind(client, programme):
    page = text(client.get(URL))
    assert figure(page, "posts_granted") == "6"  # three structures, two posts each
    assert "sur un objectif de 4 000 (0 %)" in page  # thousands spaced
    assert figure(page, "advisors_in_post") == "2"
    assert figure(page, "structures") == "3"
    assert figure(page, "places") == "1"  # the hidden place is not on the map
    assert figure(page, "reports") == "4"
    assert figure(page, "participants") == "12"


def test_the_table_by_departement_and_the_map_points(client, programme):
    response = client.get(URL)
    page = text(response)
    allier = re.search(r"<th scope=\"row\">Allier \(03\)</th>(.*?)</tr>", page).group(1)
    assert re.findall(r"<td>(\d+)</td>", allier) == ["4", "1", "2", "1", "2", "8"]
    auvergne = re.search(r"<th scope=\"row\">Puy-de-Dôme \(63\)</th>(.*?)</tr>", page).group(1)
    assert re.findall(r"<td>(\d+)</td>", auvergne) == ["2", "1", "1", "0", "2", "4"]
    centre = maps.departement_places(["63"])["63"]  # the dashboards' département centre, one for every map
    assert (
        f'data-departement-lat="{centre["latitude"]:.6f}" data-departement-lon="{centre["longitude"]:.6f}"'
        in page
    )
    assert "&quot;advisors_in_post&quot;: 1" in page
    assert 'role="region"' in page and "statistics-map.js" in page


def test_the_trend_covers_the_last_twelve_complete_months(client, programme):
    figures = client.get(URL).context["figures"]
    months = [row["month"] for row in figures.months]
    assert months[0] == datetime.date(2025, 3, 1) and months[-1] == datetime.date(2026, 2, 1)
    assert len(months) == 12
    by_month = {row["month"]: row for row in figures.months}
    assert by_month[datetime.date(2026, 1, 1)]["reports"] == 1
    assert by_month[datetime.date(2026, 2, 1)]["participants"] == 10
    assert by_month[datetime.date(2026, 2, 1)]["hires"] == 0
    assert sum(row["posts_granted"] for row in figures.months) == 0  # granted this month (March)
    page = text(client.get(URL))
    assert '<th scope="row">02/2026</th> <td>2</td> <td>10</td>' in page
    assert page.count("<line-chart") == 2


def test_every_chart_has_its_table(client, programme):
    page = client.get(URL).content.decode()
    assert page.count("<line-chart") == 2
    assert page.count("les chiffres du graphique</caption>") == 2


def _queries(client) -> int:
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as context:
        assert client.get(URL).status_code == 200
    return len(context.captured_queries)


def test_a_constant_number_of_queries_then_none_from_the_cache(client, programme):
    few = _queries(client)
    for index in range(3):
        advisor = hired_advisor()
        make_place(advisor, name=f"Lieu {index}")
        make_report(advisor, date=datetime.date(2026, 2, 10))
    assert _queries(client) == few
    with CaptureQueriesContext(connection) as context:
        client.get(URL)
    assert len(context.captured_queries) == 0  # anonymous, cached: nothing asked of the database


def test_the_cache_keeps_the_figures_for_the_day(programme, django_assert_num_queries):
    first = public.national()
    with django_assert_num_queries(0):
        assert public.national().totals == first.totals


@pytest.mark.parametrize(
    "query",
    ["?map-figure=%00", "?x=" + "9" * 400, "?departement=<script>", "?depuis=9999-12-31", "?%ff=%fe"],
)
def test_hostile_query_strings_never_break_the_page(client, programme, query):
    response = client.get(URL + query)
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("</header>")[1].replace(
        '<script type="module"', ""
    ).replace("<script src", "").replace("<script nomodule", "")


def test_an_empty_programme_shows_zeros(client, db, frozen):
    page = text(client.get(URL))
    assert figure(page, "posts_granted") == "0" and figure(page, "reports") == "0"


def test_linked_from_the_header_and_the_footer(client, db):
    page = client.get(reverse("public:home")).content.decode()
    assert page.count(f'href="{URL}"') == 2


def test_fourteen_queries_compute_every_public_figure(programme, django_assert_num_queries):
    """Départements and their centres 2, funnel 6, presence 2, monthly activity 1, monthly recruitment 3 (README)."""
    with django_assert_num_queries(14):
        public.compute()
