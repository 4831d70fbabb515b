from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cnfs.accounts import services
from cnfs.accounts.roles import Role
from cnfs.journal.models import JournalEntry
from tests.factories import UserFactory


def test_my_space_and_my_account_are_open_to_every_role(role_matrix):
    role_matrix.check(reverse("dashboard:home"), set(Role))
    role_matrix.check(reverse("accounts:profile"), set(Role))
    role_matrix.check(reverse("accounts:password_change"), set(Role))


@pytest.mark.django_db
def test_profile_update_is_journaled_and_bad_input_is_kept(client):
    user = UserFactory(role=Role.ANCT, first_name="Jean")
    client.force_login(user)
    bad = client.post(reverse("accounts:profile"), {"first_name": "", "last_name": "Nouveau", "phone": ""})
    assert "Ce champ est obligatoire" in bad.content.decode()
    assert 'value="Nouveau"' in bad.content.decode()
    user.refresh_from_db()
    assert user.first_name == "Jean"
    client.post(
        reverse("accounts:profile"), {"first_name": "Jeanne", "last_name": user.last_name, "phone": ""}
    )
    entry = JournalEntry.objects.get(action="account.profile_updated")
    # The name of the changed field, never its values (cnfs.journal.services.clean).
    assert entry.before == entry.after == {"first_name": "[retiré]"}
    assert entry.actor_id == user.pk
    assert entry.role == Role.ANCT


@pytest.mark.django_db
def test_email_confirmation_link(client, django_capture_on_commit_callbacks):
    from django.core import mail

    user = UserFactory(email_confirmed_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        services.send_email_confirmation(user)
    link = next(line for line in mail.outbox[-1].body.splitlines() if "/compte/confirmer/" in line).strip()
    response = client.get(link.replace("http://testserver", ""))
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email_confirmed


@pytest.mark.django_db
def test_email_confirmation_link_is_refused_when_tampered_or_expired(client, time_machine):
    user = UserFactory(email_confirmed_at=None)
    token = services.email_confirmation_token(user)
    assert client.get(reverse("accounts:confirm_email", args=[token + "x"])).status_code == 400
    time_machine.move_to(timezone.now() + timedelta(days=8))
    assert client.get(reverse("accounts:confirm_email", args=[token])).status_code == 400
    user.refresh_from_db()
    assert not user.email_confirmed


@pytest.mark.django_db
def test_public_pages_opt_out_of_login(client):
    for name in ["home", "structures", "candidates", "accessibility", "legal", "privacy", "sitemap"]:
        assert client.get(reverse(f"public:{name}")).status_code == 200, name
    for name in ["login", "password_reset", "password_reset_done"]:
        assert client.get(reverse(f"accounts:{name}")).status_code == 200, name


@pytest.mark.django_db
def test_an_unconfirmed_user_can_ask_for_a_new_link(client, django_capture_on_commit_callbacks):
    from django.core import mail

    user = UserFactory(role=Role.CANDIDATE, email_confirmed_at=None)
    client.force_login(user)
    assert "Renvoyer le lien" in client.get(reverse("dashboard:home")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:resend_confirmation"), follow=True)
    assert "Un nouveau lien de confirmation a été envoyé" in response.content.decode()
    assert mail.outbox[-1].to == [user.email]


def test_resend_confirmation_is_a_post_for_every_role(role_matrix):
    role_matrix.check(reverse("accounts:resend_confirmation"), set(Role), ok=405, denied=405)
