"""The review screens offer what the workflow table allows the current role, and a transition the role may not take
answers 403."""

import dataclasses

import pytest
from django.urls import reverse

from cnfs.accounts.roles import Role
from cnfs.concertation import changes, workflow
from cnfs.concertation.models import ApplicationStatus
from cnfs.core.workflow import SYSTEM
from tests.factories import (
    CommuneFactory,
    DepartementFactory,
    PrefectOpinionFactory,
    StructureApplicationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
S = ApplicationStatus
ANCT_ONLY = {Role.ANCT}


@pytest.fixture
def application():
    return StructureApplicationFactory(submitted=True)


def test_permission_matrix_of_the_review_actions(role_matrix, application):
    original = StructureApplicationFactory(submitted=True)
    role_matrix.check(reverse("concertation:abandon", args=[application.pk]), ANCT_ONLY)
    # Bad input: the allowed role is sent back to the page (302 with a message), the others 403; nothing moves.
    role_matrix.check(
        reverse("concertation:duplicate", args=[application.pk]),
        ANCT_ONLY,
        method="post",
        data={"original": "999999"},
        ok=302,
    )
    role_matrix.check(
        reverse("concertation:decide_batch"), ANCT_ONLY, method="post", data={"outcome": "negative"}, ok=302
    )
    role_matrix.check(
        reverse("concertation:opinion", args=[application.pk]),
        {Role.PREFECTURE},
        method="post",
        data={"value": "favourable", "comment": "court"},
        ok=400,
    )
    role_matrix.check(
        reverse("concertation:decide", args=[application.pk]),
        ANCT_ONLY,
        method="post",
        data={"outcome": "negative"},
        ok=400,
    )
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    assert (application.duplicate_of, original.status) == (None, S.SUBMITTED)


def test_another_territory_is_not_found_for_the_prefecture(client):
    rhone = DepartementFactory(code="69", name="Rhône")
    lyon = StructureApplicationFactory(
        submitted=True, commune=CommuneFactory(insee_code="69123", departement=rhone)
    )
    client.force_login(UserFactory(role=Role.PREFECTURE))
    for name in ("detail", "opinion"):
        assert client.get(reverse(f"concertation:{name}", args=[lyon.pk])).status_code == 404
    response = client.post(
        reverse("concertation:opinion", args=[lyon.pk]),
        {"value": "favourable", "comment": "Très bon projet."},
    )
    assert response.status_code == 404


def test_the_detail_page_offers_each_role_what_the_table_allows(client, application):
    client.force_login(UserFactory(role=Role.PREFECTURE))
    page = client.get(reverse("concertation:detail", args=[application.pk])).content.decode()
    assert "Enregistrer l'avis" in page
    assert "Enregistrer la décision" not in page and "Classer comme abandonnée" not in page
    client.force_login(UserFactory(role=Role.ANCT))
    page = client.get(reverse("concertation:detail", args=[application.pk])).content.decode()
    assert "Enregistrer l'avis" not in page
    assert "Enregistrer la décision" in page and "Marquer comme doublon" in page
    assert "Classer comme abandonnée" in page
    # Once the opinion is given, the préfet has nothing left to do; once refused, ANCT neither.
    PrefectOpinionFactory(application=application)
    application.status = S.OPINION_GIVEN
    application.save()
    client.force_login(UserFactory(role=Role.PREFECTURE))
    page = client.get(reverse("concertation:detail", args=[application.pk])).content.decode()
    assert "Enregistrer l'avis" not in page
    workflow.decide(application, by=UserFactory(role=Role.ANCT), outcome="negative")
    client.force_login(UserFactory(role=Role.ANCT))
    page = client.get(reverse("concertation:detail", args=[application.pk])).content.decode()
    assert "Enregistrer la décision" not in page and "Classer comme abandonnée" not in page


def test_a_transition_the_role_may_not_take_answers_403(client, application, monkeypatch):
    """The view's role check and the table agree today; if the table is narrowed, the view follows it (403)."""
    table = workflow.WORKFLOW.transitions
    monkeypatch.setitem(table, "abandon", dataclasses.replace(table["abandon"], roles=frozenset({SYSTEM})))
    client.force_login(UserFactory(role=Role.ANCT))
    url = reverse("concertation:abandon", args=[application.pk])
    response = client.post(url, {"reason": "La structure ne répond plus depuis trois mois."})
    assert response.status_code == 403
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    page = client.get(reverse("concertation:detail", args=[application.pk])).content.decode()
    assert "Classer comme abandonnée" not in page


def test_a_change_transition_the_role_may_not_take_answers_403(client, monkeypatch):
    application = PrefectOpinionFactory().application
    workflow.decide(application, by=UserFactory(role=Role.ANCT), outcome="positive", posts=2)
    admin = UserFactory(role=Role.STRUCTURE)
    change = changes.request_change(
        application, by=admin, kind="return", posts=1, motive="budget", role=Role.STRUCTURE
    )
    table = changes.WORKFLOW.transitions
    monkeypatch.setitem(
        table, "refuse", dataclasses.replace(table["refuse"], roles=frozenset({Role.PREFECTURE}))
    )
    client.force_login(UserFactory(role=Role.ANCT))
    url = reverse("concertation:change_detail", args=[change.pk])
    assert client.post(url, {"accept": "no", "comment": ""}).status_code == 403
    change.refresh_from_db()
    assert change.status == "requested"


def test_free_text_stays_out_of_the_journal(application):
    comment = "Projet porté par le maire, très attendu des habitants."
    workflow.give_opinion(
        application, by=UserFactory(role=Role.PREFECTURE), value="favourable", comment=comment
    )
    workflow.decide(
        application, by=UserFactory(role=Role.ANCT), outcome="negative", comment="Budget épuisé ici."
    )
    from cnfs.journal.models import JournalEntry

    for entry in JournalEntry.objects.for_object(application):
        assert comment not in str(entry.after) and "Budget épuisé" not in str(entry.after)
    assert application.transitions.get(name="give_opinion").reason == comment
