"""Refused, abandoned, cancelled and duplicate applications leave the default lists (SPEC §3); "toutes" shows them."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cnfs.accounts.roles import Role
from cnfs.concertation import workflow
from cnfs.concertation.models import DecisionOutcome
from tests.factories import PrefectOpinionFactory, StructureApplicationFactory, UserFactory
from tests.permissions import body

pytestmark = pytest.mark.django_db

CLOSED_NAMES = {"Mairie refusée", "Mairie abandonnée", "Mairie annulée", "Mairie en doublon"}


@pytest.fixture
def applications():
    anct = UserFactory(role=Role.ANCT)
    live = StructureApplicationFactory(submitted=True, name="Mairie en cours")
    refused = StructureApplicationFactory(submitted=True, name="Mairie refusée")
    PrefectOpinionFactory(application=refused)
    workflow.decide(refused, by=anct, outcome=DecisionOutcome.NEGATIVE)
    abandoned = StructureApplicationFactory(submitted=True, name="Mairie abandonnée")
    workflow.abandon(abandoned, by=anct, reason="Plus de nouvelles depuis trois mois.")
    cancelled = StructureApplicationFactory(submitted=True, name="Mairie annulée")
    workflow.cancel(cancelled, by=None)
    duplicate = StructureApplicationFactory(submitted=True, name="Mairie en doublon")
    workflow.mark_duplicate(duplicate, by=anct, duplicate_of=live)
    return live


def names(response):
    html = response.content.decode()
    return {name for name in CLOSED_NAMES | {"Mairie en cours"} if f">{name}<" in html}


@pytest.mark.parametrize("role", [Role.PREFECTURE, Role.ANCT])
def test_closed_applications_leave_the_default_list(client, applications, role):
    client.force_login(UserFactory(role=role))
    response = client.get(reverse("concertation:list"))
    assert names(response) == {"Mairie en cours"}
    assert "1 candidature" in response.content.decode()
    assert '<option value="" selected>En cours (par défaut)</option>' in response.content.decode()
    assert "sont masqués" in response.content.decode()


@pytest.mark.parametrize("role", [Role.PREFECTURE, Role.ANCT])
def test_the_toutes_filter_still_shows_them(client, applications, role):
    client.force_login(UserFactory(role=role))
    response = client.get(reverse("concertation:list"), {"status": "toutes"})
    assert names(response) == CLOSED_NAMES | {"Mairie en cours"}
    assert "sont masqués" not in response.content.decode()
    refused_only = client.get(reverse("concertation:list"), {"status": "refused"})
    assert names(refused_only) == {"Mairie refusée"}


@pytest.mark.parametrize("role", [Role.PREFECTURE, Role.ANCT])
def test_exports_follow_the_same_filter(client, applications, role):
    client.force_login(UserFactory(role=role))

    def csv_names(params):
        response = client.get(reverse("concertation:export", args=["csv"]), params)
        rows = list(csv.reader(io.StringIO(body(response).decode("utf-8-sig")), delimiter=";"))
        return {row[1] for row in rows[1:]}

    assert csv_names({}) == {"Mairie en cours"}
    assert csv_names({"status": "toutes"}) == CLOSED_NAMES | {"Mairie en cours"}
    sheet = load_workbook(io.BytesIO(body(client.get(reverse("concertation:export", args=["xlsx"]))))).active
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["Mairie en cours"]


def test_an_invalid_filter_keeps_the_default(client, applications):
    client.force_login(UserFactory(role=Role.ANCT))
    response = client.get(reverse("concertation:list"), {"status": "nimporte", "wave": "x"})
    assert names(response) == {"Mairie en cours"}
