"""A provider's agents are invited by ANCT through the accounts' invitation flow, scoped to their provider."""

import pytest
from django.urls import reverse

from cnfs.accounts import services as accounts
from cnfs.accounts.models import RoleAssignment
from cnfs.accounts.roles import Role
from cnfs.notifications.models import OutgoingEmail
from tests.factories import UserFactory
from tests.training.factories import hired_training, provider

pytestmark = pytest.mark.django_db


def test_anct_invites_a_provider_agent_who_then_sees_the_providers_advisors(client):
    training_provider = provider()
    training = hired_training(training_provider=training_provider)
    anct = UserFactory(role=Role.ANCT)
    client.force_login(anct)
    response = client.post(
        reverse("accounts:invite_agent"),
        {
            "email": "agent@formation.example",
            "first_name": "Yanis",
            "last_name": "Roche",
            "role": Role.TRAINING_PROVIDER,
            "training_provider": training_provider.pk,
        },
    )
    assert response.status_code == 302
    invitation = OutgoingEmail.objects.get(to="agent@formation.example")
    assert "invité" in invitation.subject
    token = "jeton-de-test"
    # the stored email holds no token link: accept through the service with a known token instead
    from cnfs.accounts.models import Invitation, hash_token

    Invitation.objects.filter(email="agent@formation.example").update(token_hash=hash_token(token))
    assignment = accounts.accept_invitation(
        token, account_data={"first_name": "Yanis", "last_name": "Roche", "password": "Mot-de-passe-2026!"}
    )
    assert (assignment.role, assignment.training_provider) == (Role.TRAINING_PROVIDER, training_provider)
    client.force_login(assignment.user)
    page = client.get(reverse("training:provider_advisors")).content.decode()
    assert training.match.candidate.user.full_name in page
    assert RoleAssignment.objects.filter(user=assignment.user).count() == 1
