"""List pages read a fixed number of queries whatever the number of advisors or sessions (no N+1)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cnfs.accounts.roles import Role
from cnfs.training import sessions
from tests.factories import UserFactory
from tests.recruitment.factories import structure_user
from tests.training.factories import hired_training, positioned, provider, provider_agent, session

pytestmark = pytest.mark.django_db
P = Role.TRAINING_PROVIDER


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_list_pages_do_not_grow_with_the_rows(client):
    training_provider = provider()
    agent = provider_agent(training_provider)
    anct = UserFactory(role=Role.ANCT)
    first = positioned(hired_training(training_provider=training_provider, posts=5), agent)
    the_session = session(training_provider, agent, start=timezone.localdate() + timedelta(days=20))
    sessions.register(first, the_session, by=agent, role=P)
    owner = structure_user(first.structure)
    pages = [
        (agent, reverse("training:provider_advisors") + "?etat=in_training"),
        (agent, reverse("training:sessions")),
        (owner, reverse("training:structure_plan")),
        (anct, reverse("training:national")),
    ]
    before = []
    for user, url in pages:
        client.force_login(user)
        before.append(_queries(client, url))
    for _ in range(3):  # three more advisors of the same structure in training, and a second session
        training = positioned(
            hired_training(structure=first.structure, training_provider=training_provider), agent
        )
        sessions.register(training, the_session, by=agent, role=P)
    session(training_provider, agent, start=timezone.localdate() + timedelta(days=30))
    after = []
    for user, url in pages:
        client.force_login(user)
        after.append(_queries(client, url))
    assert after == before
