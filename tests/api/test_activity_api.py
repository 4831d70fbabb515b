"""/api/v1/activite/comptes-rendus: activity reports behind a token with the "activity" scope, within its
départements, with nothing that could name someone (no notes, no workshop title, no advisor)."""

import json

import pytest

from cnfs.accounts.roles import Role
from cnfs.api import tokens
from cnfs.api.models import ApiScope
from tests.activity.factories import hired_advisor, make_report
from tests.api.test_public_api import puy_de_dome
from tests.factories import DepartementFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/activite/comptes-rendus"


def key_for(scopes, departements=()):
    _, key = tokens.issue(
        partner="Observatoire", scopes=scopes, departements=departements, by=UserFactory(role=Role.ANCT)
    )
    return {"Authorization": f"Bearer {key}"}


def test_reports_are_anonymous_and_scoped_to_the_token(client):
    allier = hired_advisor()
    auvergne = hired_advisor(puy_de_dome(posts=2))
    mine = make_report(allier, notes="Mme Dupont, 12 rue des Lilas", themes=["email", "procedures"])
    make_report(auvergne)
    headers = key_for([ApiScope.ACTIVITY], [DepartementFactory()])
    response = client.get(URL, headers=headers)
    assert response.status_code == 200
    (row,) = json.loads(response.content)["results"]
    assert row["id"] == mine.pk and row["departement"] == "03" and row["participants"] == 1
    assert set(row["thematiques"]) == {"email", "procedures"}
    text = response.content.decode()
    assert "Dupont" not in text and "Lilas" not in text
    assert not {"notes", "titre", "conseiller", "advisor"} & set(row)
    assert client.get(f"{URL}?departement=63", headers=headers).status_code == 404


def test_reports_need_the_activity_scope_and_a_period_in_order(client):
    hired_advisor()
    assert client.get(URL).status_code == 401
    assert client.get(URL, headers=key_for([ApiScope.FUNNEL])).status_code == 403
    headers = key_for([ApiScope.ACTIVITY])
    response = client.get(f"{URL}?depuis=2026-05-01&jusqu_a=2026-01-01", headers=headers)
    assert response.status_code == 400 and "précéder" in json.loads(response.content)["detail"]
    assert client.get(f"{URL}?depuis=20260101", headers=headers).status_code == 400
    assert client.get(f"{URL}?depuis=9999-12-31", headers=headers).status_code == 200
