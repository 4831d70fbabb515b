import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cnfs.accounts import services
from cnfs.accounts.models import Invitation, RoleAssignment, User
from cnfs.accounts.roles import Role
from cnfs.journal.models import JournalEntry
from tests.factories import DepartementFactory, InvitationFactory, UserFactory

NEW_PASSWORD = "Nouveau-Compte-2026!"


def token_from_last_email():
    return re.search(r"/compte/invitation/([^/\s]+)/", mail.outbox[-1].body).group(1)


@pytest.fixture
def invited(db, django_capture_on_commit_callbacks):
    anct = UserFactory(role=Role.ANCT)
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invite(
            email="Agent.Pref@Allier.gouv.fr", by=anct, role=Role.PREFECTURE, departement=DepartementFactory()
        )
    return invitation, token_from_last_email()


def account_form(**overrides):
    return {
        "first_name": "Marie",
        "last_name": "Lambert",
        "phone": "0470000000",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        **overrides,
    }


def test_invitation_email_carries_a_link_valid_seven_days_and_only_the_hash_is_stored(invited):
    invitation, token = invited
    assert mail.outbox[-1].to == ["agent.pref@allier.gouv.fr"]
    assert "valable 7 jours" in mail.outbox[-1].body
    assert token not in invitation.token_hash
    assert (invitation.expires_at - invitation.created_at).days == 7


def test_accepting_creates_the_account_with_its_role_and_logs_in(client, invited):
    invitation, token = invited
    url = reverse("accounts:invitation", args=[token])
    assert client.get(url).status_code == 200
    response = client.post(url, account_form())
    assert response.status_code == 302
    user = User.objects.get(email="agent.pref@allier.gouv.fr")
    assert user.email_confirmed
    assignment = RoleAssignment.objects.get(user=user)
    assert (assignment.role, assignment.departement_id) == (Role.PREFECTURE, "03")
    # Logged in, but an agent enrols a second factor before reaching any page.
    response = client.get(reverse("dashboard:home"))
    assert response["Location"].startswith(reverse("accounts:second_factor_setup"))
    actions = set(JournalEntry.objects.values_list("action", flat=True))
    assert {"invitation.sent", "account.created", "role.granted", "invitation.accepted"} <= actions


def test_an_invitation_is_single_use(client, invited):
    _, token = invited
    url = reverse("accounts:invitation", args=[token])
    client.post(url, account_form())
    client.logout()
    again = client.get(url)
    assert again.status_code == 410
    assert "déjà été utilisée" in again.content.decode()
    with pytest.raises(services.InvitationError):
        services.accept_invitation(
            token, account_data={"first_name": "X", "last_name": "Y", "password": NEW_PASSWORD}
        )


def test_an_expired_invitation_is_refused(client, invited, time_machine):
    _, token = invited
    time_machine.move_to(timezone.now() + timedelta(days=7, minutes=1))
    response = client.get(reverse("accounts:invitation", args=[token]))
    assert response.status_code == 410
    assert "a expiré" in response.content.decode()


def test_an_unknown_token_is_a_404(client, db):
    assert client.get(reverse("accounts:invitation", args=["nimporte-quoi"])).status_code == 404


def test_bad_input_keeps_what_was_typed_and_creates_nothing(client, invited):
    _, token = invited
    url = reverse("accounts:invitation", args=[token])
    response = client.post(url, account_form(password1="court", password2="court", first_name="Marie"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "au moins 12 caractères" in body
    assert 'value="Marie"' in body
    assert 'aria-invalid="true"' in body
    mismatch = client.post(url, account_form(password2="Autre-Chose-2026!"))
    assert "ne sont pas identiques" in mismatch.content.decode()
    assert not User.objects.filter(email="agent.pref@allier.gouv.fr").exists()
    assert Invitation.objects.get().accepted_at is None


def test_an_existing_account_accepts_by_logging_in_and_gains_the_role(client, db):
    user = UserFactory(email="deja@exemple.fr", role=Role.CANDIDATE)
    InvitationFactory(email="deja@exemple.fr", role=Role.BDT, token="jeton-existant-0001-abcdefghijkl")
    url = reverse("accounts:invitation", args=["jeton-existant-0001-abcdefghijkl"])
    assert "Se connecter pour accepter" in client.get(url).content.decode()
    client.force_login(user)
    assert client.post(url).status_code == 302
    assert set(user.role_assignments.values_list("role", flat=True)) == {Role.CANDIDATE, Role.BDT}


def test_an_invitation_cannot_be_taken_by_another_account(client, db):
    InvitationFactory(email="destinataire@exemple.fr", role=Role.BDT, token="jeton-autre-0001-abcdefghijklmn")
    UserFactory(email="destinataire@exemple.fr")
    intruder = UserFactory(email="intrus@exemple.fr")
    with pytest.raises(services.InvitationError):
        services.accept_invitation("jeton-autre-0001-abcdefghijklmn", user=intruder)
    assert not intruder.role_assignments.exists()


def test_anct_invites_an_agent_from_the_form(client, db, django_capture_on_commit_callbacks):
    client.force_login(UserFactory(role=Role.ANCT))
    DepartementFactory()
    url = reverse("accounts:invite_agent")
    missing = client.post(url, {"email": "x@exemple.fr", "role": Role.PREFECTURE})
    assert "Choisissez le département" in missing.content.decode()
    assert not Invitation.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        ok = client.post(url, {"email": "x@exemple.fr", "role": Role.PREFECTURE, "departement": "03"})
    assert ok.status_code == 302
    assert Invitation.objects.get().departement_id == "03"
    assert mail.outbox[-1].to == ["x@exemple.fr"]


def test_invitation_pages_permissions(role_matrix):
    role_matrix.check(reverse("accounts:invitations"), {Role.ANCT})
    role_matrix.check(reverse("accounts:invite_agent"), {Role.ANCT})


def test_password_of_invited_account_is_usable_for_login(client, invited):
    _, token = invited
    client.post(reverse("accounts:invitation", args=[token]), account_form())
    client.logout()
    response = client.post(
        reverse("accounts:login"), {"username": "agent.pref@allier.gouv.fr", "password": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:home")


@pytest.mark.django_db
def test_invitation_list_runs_a_constant_number_of_queries(client):
    anct = UserFactory(role=Role.ANCT)
    client.force_login(anct)
    InvitationFactory.create_batch(3, invited_by=anct)
    client.get(reverse("accounts:invitations"))  # warm the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("accounts:invitations"))
    InvitationFactory.create_batch(
        30, invited_by=anct, role=Role.PREFECTURE, departement=DepartementFactory()
    )
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("accounts:invitations"))
    assert len(many) == len(few)
