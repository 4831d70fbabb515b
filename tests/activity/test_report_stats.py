"""The statistics of activity reports (cnfs/activity/stats.py) against figures counted by hand over reports written
by the real service; the advisor's statistics page (charts and the same tables, period filter, XLSX)."""

import datetime
import io

import pytest
import time_machine
from django.urls import reverse

from cnfs.activity import stats
from cnfs.activity.models import ActivityReport
from tests.activity.factories import make_place, make_report, moulins
from tests.permissions import body

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime.datetime(2026, 3, 18, 10, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def reports(advisor, other_advisor):
    place = make_place(advisor)
    commune = moulins()
    make_report(  # 1: individual, at the place, 30 min, email + procedures/housing, a woman over 60, redirected
        advisor, date=datetime.date(2026, 1, 5), place_kind="place", place=place, themes=["email"],
        sub_themes=["housing"], age_over_60=1, gender_female=1, situation_retired=1, redirected_to="caf",
        aidants_connect=True, autonomy="partly",
    )  # fmt: skip
    make_report(  # 2: workshop of 10, remote, 120 min, security + email; 4 already accompanied
        advisor, date=datetime.date(2026, 2, 10), kind="collective", participants=10, title="Sécurité",
        duration_minutes=120, themes=["security", "email"], already_accompanied=4, age_35_60=6, age_over_60=4,
        gender_female=5, gender_male=5, situation_employed=6, situation_retired=4,
    )  # fmt: skip
    make_report(  # 3: information for 3, at home, 15 min, leisure (a national theme), 2 pass numériques
        advisor, date=datetime.date(2026, 2, 20), kind="information", participants=3, place_kind="home",
        commune=commune, duration_minutes=15, themes=["leisure"], pass_numerique=2, gender_male=1,
        situation_job_seeker=2, age_18_35=2,
    )  # fmt: skip
    make_report(  # 4: individual, other place, 61 min, job, redirected to France Travail
        advisor, date=datetime.date(2026, 3, 2), place_kind="other", commune=commune, duration_minutes=61,
        themes=["job"], redirected_to="france_travail", already_accompanied=1,
    )  # fmt: skip
    make_report(other_advisor, participants=50, kind="collective", themes=["email"])  # not theirs
    return ActivityReport.objects.by(advisor)


def rows(result, key):
    return dict(result.table(key).rows)


def test_the_figures_are_those_counted_by_hand(reports, django_assert_num_queries):
    with django_assert_num_queries(2):
        result = stats.compute(reports)
    assert (result.reports, result.participants, result.new_people, result.duration_minutes) == (
        4,
        15,
        10,
        226,
    )
    assert rows(result, "kinds") == {
        "Accompagnement individuel": 2,
        "Atelier collectif": 1,
        "Information ponctuelle": 1,
    }
    assert rows(result, "kind_participants")["Atelier collectif"] == 10
    themes = rows(result, "themes")
    assert themes["Envoyer, recevoir, gérer ses courriels"] == 2
    assert themes["Rendre autonome pour réaliser des démarches administratives en ligne"] == 1
    assert themes["Loisirs et créations numériques"] == 1
    assert themes["Sécurité numérique"] == 1 and themes["Santé en ligne"] == 0
    assert rows(result, "sub_themes")["Logement"] == 1
    assert rows(result, "places") == {
        "Dans un de mes lieux d'activité": 1,
        "Au domicile de la personne": 1,
        "À distance": 1,
        "Autre lieu": 1,
    }
    assert list(rows(result, "durations").values()) == [2, 0, 2, 0]  # 30, 15 | - | 120, 61 | -
    assert rows(result, "ages") == {
        "Moins de 12 ans": 0,
        "12 à 17 ans": 0,
        "18 à 34 ans": 2,
        "35 à 59 ans": 6,
        "60 ans et plus": 5,
    }
    assert list(rows(result, "genders").values()) == [6, 6, 0]
    assert rows(result, "situations")["Retraité"] == 5
    redirections = rows(result, "redirections")
    assert redirections["Caf, CPAM, caisse de retraite"] == 1
    assert redirections["France Travail, mission locale"] == 1
    assert sum(redirections.values()) == 2
    assert list(rows(result, "programmes").values()) == [1, 2]
    assert rows(result, "months") == {"01/2026": 1, "02/2026": 2, "03/2026": 1}


def test_a_period_narrows_the_figures(reports):
    result = stats.compute(
        reports.filter(date__gte=datetime.date(2026, 2, 1), date__lte=datetime.date(2026, 2, 28))
    )
    assert (result.reports, result.participants) == (2, 13)


def test_the_page_shows_charts_and_the_same_tables(client, advisor, reports, django_assert_max_num_queries):
    client.force_login(advisor.candidate.user)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("activity:my_stats"), {"start": "2026-02-01"})
    assert response.status_code == 200
    text = response.text
    assert 'id="stat-reports">3<' in text and 'id="stat-participants">14<' in text
    assert "<bar-chart" in text and "<line-chart" in text
    assert "vendor/dsfr-chart/BarChart/BarChart.js" in text
    assert "<caption>Thématiques : les chiffres du graphique</caption>" in text
    xlsx = client.get(reverse("activity:my_stats_export"), {"start": "2026-02-01"})
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(body(xlsx))).active
    values = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert values["Accompagnements"] == 3 and values["Personnes accompagnées"] == 14


def test_the_queries_do_not_grow_with_the_reports(client, advisor, reports, django_assert_max_num_queries):
    for _ in range(30):
        make_report(advisor)
    client.force_login(advisor.candidate.user)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("activity:my_stats")).status_code == 200
