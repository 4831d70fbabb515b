"""Post change requests on the workflow engine: roles and guards per transition, the request's creation as a step,
and a transition log shown in the request's history."""

import pytest
from django.urls import reverse

from cnfs.accounts.roles import Role
from cnfs.concertation import changes, workflow
from cnfs.concertation.models import ChangeStatus, PostChangeTransition
from cnfs.core.workflow import TransitionError, TransitionForbidden
from cnfs.journal.models import JournalEntry
from tests.factories import PrefectOpinionFactory, StructureApplicationFactory, UserFactory, grant

pytestmark = pytest.mark.django_db
C = ChangeStatus
COMMENT = "Besoin confirmé par les maires des communes voisines."


@pytest.fixture
def activated():
    application = PrefectOpinionFactory().application
    workflow.decide(application, by=UserFactory(role=Role.ANCT), outcome="positive", posts=2)
    application.refresh_from_db()
    admin = UserFactory()
    grant(admin, Role.STRUCTURE, structure=application.structure, is_admin=True)
    return application, admin


@pytest.fixture
def people():
    return UserFactory(role=Role.PREFECTURE), UserFactory(role=Role.ANCT)


def test_the_request_is_a_creation_step_and_every_step_is_logged_and_journaled(activated, people):
    application, admin = activated
    prefect, anct = people
    change = changes.request_change(
        application,
        by=admin,
        kind="addition",
        posts=1,
        motive="more_demand",
        comment="Trois communes de plus.",
    )
    changes.give_change_opinion(change, by=prefect, value="favourable", comment=COMMENT)
    changes.accept_change(change, by=anct, comment="Accordé en comité.")
    logs = [(t.name, t.from_status, t.to_status, t.by) for t in change.transitions.all()]
    assert logs == [
        ("request", "", C.REQUESTED, admin),
        ("give_opinion", C.REQUESTED, C.OPINION_GIVEN, prefect),
        ("accept", C.OPINION_GIVEN, C.ACCEPTED, anct),
    ]
    entries = JournalEntry.objects.for_object(change).order_by("pk")
    assert [e.action for e in entries] == [
        "post_change.request",
        "post_change.give_opinion",
        "post_change.accept",
    ]
    assert entries[0].after == {
        "status": C.REQUESTED,
        "kind": "addition",
        "posts": 1,
        "grounds": "more_demand",
    }
    for entry in entries:  # free text stays on the rows, out of the journal
        assert COMMENT not in str(entry.after) and "Trois communes" not in str(entry.after)


def test_the_history_is_shown_on_the_request_page(client, activated, people):
    application, admin = activated
    prefect, _ = people
    change = changes.request_change(application, by=admin, kind="addition", posts=1, motive="more_demand")
    changes.give_change_opinion(change, by=prefect, value="favourable", comment=COMMENT)
    client.force_login(UserFactory(role=Role.ANCT))
    page = client.get(reverse("concertation:change_detail", args=[change.pk])).content.decode()
    assert "Historique" in page
    assert ": Demandée" in page and ": Avis du préfet donné" in page


@pytest.mark.parametrize(
    ("step", "allowed"),
    [("give_opinion", Role.PREFECTURE), ("accept", Role.ANCT), ("refuse", Role.ANCT)],
)
def test_each_step_is_taken_by_its_role_only(activated, step, allowed):
    application, admin = activated
    change = changes.request_change(application, by=admin, kind="addition", posts=1, motive="more_demand")
    if step != "give_opinion":
        changes.give_change_opinion(
            change, by=UserFactory(role=Role.PREFECTURE), value="favourable", comment=COMMENT
        )
    call = {
        "give_opinion": lambda u: changes.give_change_opinion(
            change, by=u, value="favourable", comment=COMMENT
        ),
        "accept": lambda u: changes.accept_change(change, by=u),
        "refuse": lambda u: changes.refuse_change(change, by=u),
    }[step]
    for role in Role:
        if role == allowed:
            continue
        with pytest.raises(TransitionForbidden):
            call(UserFactory(role=role))
    call(UserFactory(role=allowed))


def test_only_the_structure_requests_a_change(activated):
    application, _ = activated
    with pytest.raises(TransitionForbidden):
        changes.request_change(
            application, by=UserFactory(role=Role.ANCT), kind="addition", posts=1, motive="more_demand"
        )
    assert not PostChangeTransition.objects.exists()


def test_guards_give_their_french_reasons(activated, people):
    application, admin = activated
    prefect, anct = people
    with pytest.raises(TransitionError, match="entre 1 et 30"):
        changes.request_change(application, by=admin, kind="addition", posts=31, motive="more_demand")
    pending = StructureApplicationFactory(submitted=True)
    with pytest.raises(TransitionError, match="Seule une structure activée"):
        changes.request_change(pending, by=admin, kind="addition", posts=1, motive="more_demand")
    addition = changes.request_change(application, by=admin, kind="addition", posts=1, motive="more_demand")
    with pytest.raises(TransitionError, match="attend l'avis du préfet"):
        changes.refuse_change(addition, by=anct)
    with pytest.raises(TransitionError, match="10 et 1 000"):
        changes.give_change_opinion(addition, by=prefect, value="favourable", comment="Court")
    changes.give_change_opinion(addition, by=prefect, value="unfavourable", comment=COMMENT)
    changes.refuse_change(addition, by=anct)
    giving_back = changes.request_change(application, by=admin, kind="return", posts=1, motive="budget")
    with pytest.raises(TransitionError, match="sans avis du préfet"):
        changes.give_change_opinion(giving_back, by=prefect, value="favourable", comment=COMMENT)
    assert changes.WORKFLOW.action_names(giving_back, by=prefect, role=Role.PREFECTURE) == set()
    assert changes.WORKFLOW.action_names(giving_back, by=anct, role=Role.ANCT) == {"accept_return", "refuse"}


def test_the_request_page_offers_each_role_what_the_table_allows(client, activated, people):
    application, admin = activated
    prefect, anct = people
    change = changes.request_change(application, by=admin, kind="addition", posts=1, motive="more_demand")
    url = reverse("concertation:change_detail", args=[change.pk])
    client.force_login(anct)
    assert 'name="accept"' not in client.get(url).content.decode()  # waits for the préfet
    response = client.post(url, {"accept": "no"})
    assert response.status_code == 302  # nothing to do: sent back with a message
    change.refresh_from_db()
    assert change.status == C.REQUESTED
    client.force_login(prefect)
    assert 'name="value"' in client.get(url).content.decode()


def test_a_request_of_another_territory_is_not_found(client):
    from tests.factories import CommuneFactory, DepartementFactory

    rhone = DepartementFactory(code="69", name="Rhône")
    application = PrefectOpinionFactory(
        application__commune=CommuneFactory(insee_code="69123", departement=rhone)
    ).application
    workflow.decide(application, by=UserFactory(role=Role.ANCT), outcome="positive", posts=2)
    application.refresh_from_db()
    admin = UserFactory()
    grant(admin, Role.STRUCTURE, structure=application.structure, is_admin=True)
    change = changes.request_change(application, by=admin, kind="addition", posts=1, motive="more_demand")
    url = reverse("concertation:change_detail", args=[change.pk])
    client.force_login(UserFactory(role=Role.PREFECTURE))  # Allier
    assert client.get(url).status_code == 404
    assert client.post(url, {"value": "favourable", "comment": COMMENT}).status_code == 404
    client.force_login(UserFactory(role=Role.ANCT))
    assert client.get(url).status_code == 200
