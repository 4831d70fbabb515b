"""/api/v1/lieux: the places the public map shows, in the national standard's columns, as the open-data file."""

import json

import pytest
from django.urls import reverse

from tests.activity.factories import hired_advisor, make_place
from tests.permissions import body

pytestmark = pytest.mark.django_db


def test_places_are_the_open_data_rows_page_by_page(client):
    advisor = hired_advisor()
    shown = [make_place(advisor, name=f"Lieu {n}", address=f"{n} rue de Paris") for n in range(3)]
    make_place(advisor, name="Bureau interne", visible=False, services=[])
    rows, url = [], "/api/v1/lieux?limit=2"
    while url:
        response = client.get(url)
        assert response.status_code == 200
        page = json.loads(response.content)
        rows += page["results"]
        url = page["next"]
    assert [row["id"] for row in rows] == [f"conseiller-numerique--{p.pk}" for p in shown]
    file_rows = json.loads(body(client.get(reverse("activity:open_data_json"))))
    assert [{k: str(v) for k, v in row.items()} for row in rows] == [
        {k: str(v) for k, v in row.items()} for row in file_rows
    ]


def test_places_filter_by_territory(client):
    from tests.factories import DepartementFactory

    make_place(hired_advisor())
    DepartementFactory(code="63", name="Puy-de-Dôme")
    assert len(json.loads(client.get("/api/v1/lieux?departement=03").content)["results"]) == 1
    assert json.loads(client.get("/api/v1/lieux?departement=63").content)["results"] == []
    response = client.get("/api/v1/lieux?departement=99")
    assert response.status_code == 404 and response["Content-Type"] == "application/problem+json"
