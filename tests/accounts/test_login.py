import pytest
from django.core import mail
from django.urls import reverse

from cnfs.accounts.roles import Role
from tests.factories import PASSWORD, UserFactory

LOGIN = reverse("accounts:login")
GENERIC_ERROR = "Adresse électronique ou mot de passe incorrect."


@pytest.fixture(autouse=True)
def _reset_axes():
    from axes.utils import reset

    reset()


@pytest.mark.django_db
def test_login_by_email_whatever_its_case_lands_on_my_space(client):
    UserFactory(email="structure@exemple.fr", role=Role.STRUCTURE)
    response = client.post(LOGIN, {"username": "STRUCTURE@exemple.fr", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:home")
    assert client.get(reverse("dashboard:home")).status_code == 200


@pytest.mark.django_db
def test_session_key_is_rotated_at_login(client):
    UserFactory(email="agent@exemple.fr", role=Role.ANCT)
    client.get(LOGIN)
    client.session["probe"] = 1
    session = client.session
    session["probe"] = 1
    session.save()
    before = client.session.session_key
    client.post(LOGIN, {"username": "agent@exemple.fr", "password": PASSWORD})
    assert client.session.session_key != before


@pytest.mark.django_db
def test_wrong_password_and_unknown_account_give_the_same_message(client):
    UserFactory(email="agent@exemple.fr")
    wrong_password = client.post(LOGIN, {"username": "agent@exemple.fr", "password": "nope"})
    unknown = client.post(LOGIN, {"username": "personne@exemple.fr", "password": "nope"})
    assert GENERIC_ERROR in wrong_password.content.decode()
    assert GENERIC_ERROR in unknown.content.decode()
    # The typed email is kept.
    assert 'value="agent@exemple.fr"' in wrong_password.content.decode()


@pytest.mark.django_db
def test_five_failures_lock_the_account_from_that_ip_for_fifteen_minutes(client, settings):
    from datetime import timedelta

    assert settings.AXES_FAILURE_LIMIT == 5
    assert timedelta(minutes=15) == settings.AXES_COOLOFF_TIME
    UserFactory(email="agent@exemple.fr", role=Role.ANCT)
    for _ in range(5):
        client.post(LOGIN, {"username": "agent@exemple.fr", "password": "mauvais"}, REMOTE_ADDR="10.0.0.1")
    locked = client.post(
        LOGIN, {"username": "agent@exemple.fr", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1"
    )
    assert locked.status_code == 429
    assert "bloquée pendant 15 minutes" in locked.content.decode()
    # The same account from another address, and another account from the same address, are not locked.
    other_ip = client.post(
        LOGIN, {"username": "agent@exemple.fr", "password": PASSWORD}, REMOTE_ADDR="10.0.0.2"
    )
    assert other_ip.status_code == 302


@pytest.mark.django_db
def test_lock_expires_after_the_cool_off(client, time_machine):
    time_machine.move_to("2026-11-26 10:00:00+01:00", tick=False)
    UserFactory(email="agent@exemple.fr", role=Role.ANCT)
    for _ in range(5):
        client.post(LOGIN, {"username": "agent@exemple.fr", "password": "mauvais"})
    assert client.post(LOGIN, {"username": "agent@exemple.fr", "password": PASSWORD}).status_code == 429
    time_machine.shift(16 * 60)
    assert client.post(LOGIN, {"username": "agent@exemple.fr", "password": PASSWORD}).status_code == 302


@pytest.mark.django_db
def test_password_reset_does_not_say_whether_the_account_exists(client, django_capture_on_commit_callbacks):
    UserFactory(email="agent@exemple.fr")
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(reverse("accounts:password_reset"), {"email": "agent@exemple.fr"}, follow=True)
        unknown = client.post(
            reverse("accounts:password_reset"), {"email": "inconnu@exemple.fr"}, follow=True
        )
    assert known.content.decode().count("Si un compte existe") == 1
    assert unknown.content.decode().count("Si un compte existe") == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["agent@exemple.fr"]


@pytest.mark.django_db
def test_password_reset_link_sets_a_new_password_that_follows_the_cnil_rule(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory(email="agent@exemple.fr")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": "agent@exemple.fr"})
    link = next(line for line in mail.outbox[0].body.splitlines() if "/mot-de-passe/nouveau/" in line).strip()
    path = link.replace("http://testserver", "")
    form_page = client.get(path, follow=True)
    set_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else path
    weak = client.post(set_url, {"new_password1": "motdepasse", "new_password2": "motdepasse"})
    assert "au moins 12 caractères" in weak.content.decode()
    strong = client.post(
        set_url, {"new_password1": "Nouveau-Mot-2026!", "new_password2": "Nouveau-Mot-2026!"}
    )
    assert strong.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Nouveau-Mot-2026!")


@pytest.mark.django_db
def test_pages_require_login_by_default(client):
    response = client.get(reverse("dashboard:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


@pytest.mark.django_db
def test_logout_is_a_post(client):
    user = UserFactory(role=Role.ANCT)
    client.force_login(user)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get(reverse("dashboard:home")).status_code == 302
