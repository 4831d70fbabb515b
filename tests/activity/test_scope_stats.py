"""The activity of the advisors in a role's scope ("Activité des conseillers"): ANCT everything, a préfecture and a
hub their départements, a structure its advisors — the advisor's statistics computation over the scoped reports."""

import pytest
from django.urls import reverse

from cnfs.accounts.roles import Role
from tests.activity.factories import hired_advisor, make_report
from tests.api.test_public_api import puy_de_dome
from tests.factories import HubFactory, UserFactory
from tests.permissions import body

pytestmark = pytest.mark.django_db

URL = reverse("activity:scope_stats")


@pytest.fixture
def two_departements():
    allier, auvergne = hired_advisor(), hired_advisor(puy_de_dome(posts=2))
    for _ in range(2):
        make_report(allier)
    make_report(auvergne, participants=1)
    return allier, auvergne


def reports_seen(client, user) -> int:
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 200
    return response.context["stats"].reports


def test_only_scoped_roles_see_the_activity(role_matrix):
    scoped = {
        Role.ANCT,
        Role.PREFECTURE,
        Role.HUB,
        Role.STRUCTURE,
        Role.COORDINATOR,
    }  # a coordinator: their team
    role_matrix.check(URL, scoped)
    role_matrix.check(reverse("activity:scope_stats_export"), scoped)


def test_each_role_sees_the_reports_of_its_scope(client, two_departements):
    allier, auvergne = two_departements
    assert reports_seen(client, UserFactory(role=Role.ANCT)) == 3
    prefect = UserFactory(role=Role.PREFECTURE, role__departement=allier.structure.departement)
    assert reports_seen(client, prefect) == 2
    hub = HubFactory(departements=[auvergne.structure.departement])
    assert reports_seen(client, UserFactory(role=Role.HUB, role__hub=hub)) == 1
    member = UserFactory(role=Role.STRUCTURE, role__structure=auvergne.structure)
    assert reports_seen(client, member) == 1
    other = UserFactory(role=Role.STRUCTURE)  # a structure without advisors
    assert reports_seen(client, other) == 0


def test_the_period_filters_and_the_export(client, two_departements):
    client.force_login(UserFactory(role=Role.ANCT))
    response = client.get(URL, {"start": "2000-01-01", "end": "2000-12-31"})
    assert response.context["stats"].reports == 0
    response = client.get(URL, {"start": "2026-12-31", "end": "2026-01-01"})
    assert "précède son début" in response.content.decode()
    xlsx = client.get(reverse("activity:scope_stats_export"))
    assert xlsx.status_code == 200 and body(xlsx)[:2] == b"PK"
