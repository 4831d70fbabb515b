"""Token-bearing links (invitation, email confirmation, password reset, application confirmation) are never stored
in clear: the stored email holds a placeholder and a sealed copy of the link, wiped once sent."""

import re

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from cnfs.accounts import services as accounts
from cnfs.accounts.roles import Role
from cnfs.notifications import sealing
from cnfs.notifications.models import EmailStatus, OutgoingEmail
from cnfs.notifications.tasks import deliver
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def stored_values(email: OutgoingEmail) -> str:
    """Everything the database holds for this email, as one string."""
    row = OutgoingEmail.objects.filter(pk=email.pk).values().get()
    return " ".join(str(value) for value in row.values())


def sent_link(pattern) -> str:
    return re.search(rf"http://testserver/{pattern}[^\s]+", mail.outbox[-1].body).group(0)


def test_an_invitation_link_is_sealed_until_sent_then_wiped(django_capture_on_commit_callbacks):
    anct = UserFactory(role=Role.ANCT)
    with django_capture_on_commit_callbacks(execute=False):
        accounts.invite(email="agent@exemple.gouv.fr", by=anct, role=Role.ANCT)
    email = OutgoingEmail.objects.get()
    assert email.status == EmailStatus.PENDING
    assert "/compte/invitation/" not in stored_values(email)  # waiting for its task: no link in clear
    assert "__cnfs_link_url__" in email.body_text and "__cnfs_link_url__" in email.body_html

    assert deliver(email.pk) == "sent"
    link = sent_link("compte/invitation/")
    assert f'href="{link}"' in mail.outbox[-1].alternatives[0].content
    token = link.rstrip("/").rsplit("/", 1)[1]
    email.refresh_from_db()
    assert email.sealed_links == ""
    assert token not in stored_values(email)
    # The link sent works.
    assert accounts.find_invitation(token) is not None


def test_a_password_reset_link_is_never_stored(client, django_capture_on_commit_callbacks):
    user = UserFactory(email="lea@exemple.fr")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": "lea@exemple.fr"})
    email = OutgoingEmail.objects.get()
    link = sent_link("compte/mot-de-passe/nouveau/")
    uid_and_token = link.split("/nouveau/")[1]
    assert uid_and_token.split("/")[1] not in stored_values(email)
    assert client.get(link, follow=True).status_code == 200
    assert user.email not in email.event_key


def test_an_email_confirmation_link_is_never_stored(django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        accounts.send_email_confirmation(user)
    email = OutgoingEmail.objects.get()
    link = sent_link("compte/confirmer/")
    assert link.split("/confirmer/")[1].strip("/") not in stored_values(email)
    assert user.email not in email.event_key


def test_the_development_outbox_still_shows_the_link_sent(client, django_capture_on_commit_callbacks):
    anct = UserFactory(role=Role.ANCT)
    with override_settings(DEBUG=True), django_capture_on_commit_callbacks(execute=True):
        accounts.invite(email="agent@exemple.gouv.fr", by=anct, role=Role.ANCT)
    email = OutgoingEmail.objects.get()
    link = sent_link("compte/invitation/")
    with override_settings(DEBUG=True):
        page = client.get(reverse("notifications:outbox_detail", args=[email.pk])).content.decode()
    assert f'href="{link}"' in page
    # Still sealed in the database, never in clear.
    assert link not in stored_values(email)


def test_a_tampered_seal_is_refused_and_the_email_recorded_as_failing(django_capture_on_commit_callbacks):
    sealed = sealing.seal({"url": "http://testserver/compte/invitation/abc/"})
    assert sealing.unseal(sealed) == {"url": "http://testserver/compte/invitation/abc/"}
    raw = bytearray(sealing.base64.urlsafe_b64decode(sealed))
    raw[20] ^= 1
    with pytest.raises(sealing.SealError):
        sealing.unseal(sealing.base64.urlsafe_b64encode(bytes(raw)).decode())
    with override_settings(SECRET_KEY="another-key"), pytest.raises(sealing.SealError):
        sealing.unseal(sealed)
    anct = UserFactory(role=Role.ANCT)
    with django_capture_on_commit_callbacks(execute=False):
        accounts.invite(email="agent@exemple.gouv.fr", by=anct, role=Role.ANCT)
    email = OutgoingEmail.objects.get()
    OutgoingEmail.objects.filter(pk=email.pk).update(sealed_links=email.sealed_links[:-4] + "AAAA")
    assert deliver(email.pk) == "retry"
    email.refresh_from_db()
    assert "SealError" in email.last_error and mail.outbox == []


def test_the_seal_survives_a_key_rotation(settings):
    sealed = sealing.seal({"url": "x"})
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "the-new-key"
    assert sealing.unseal(sealed) == {"url": "x"}


def test_the_migration_strips_the_links_stored_in_clear_before_it():
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "cnfs.notifications.migrations.0002_delivery_retries_and_sealed_links"
    )
    old = OutgoingEmail.objects.create(
        event_key="old",
        to="lea@exemple.fr",
        body_text="Lien : http://x.fr/compte/invitation/SECRET1/ et http://x.fr/candidats/mon-profil/",
        body_html='<a href="http://x.fr/compte/mot-de-passe/nouveau/MQ/SECRET2/">ici</a>',
    )
    migration.strip_secret_links(apps, None)
    old.refresh_from_db()
    assert "SECRET" not in old.body_text + old.body_html
    assert "http://x.fr/candidats/mon-profil/" in old.body_text  # links without a token stay
