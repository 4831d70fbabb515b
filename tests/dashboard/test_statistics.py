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


def test_smoke(client, world):
    response = page(client, UserFactory(role=Role.ANCT))
    print(as_dict(table(response, "funnel")))
