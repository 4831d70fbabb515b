"""ANCT sees the emails that failed and can send them again."""

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from cnfs.accounts.roles import Role
from cnfs.journal.models import JournalEntry
from cnfs.notifications.models import EmailStatus, OutgoingEmail
from cnfs.notifications.services import send_email
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
DOWN = {"default": {"BACKEND": "tests.notifications.backends.DownBackend"}}
URL = reverse("notifications:delivery_issues")


def failed_email(django_capture_on_commit_callbacks, key="evt"):
    """An email that failed all its tries (one here) on a down SMTP server."""
    with (
        override_settings(MAILERS=DOWN, CNFS_EMAIL_MAX_ATTEMPTS=1),
        django_capture_on_commit_callbacks(execute=True),
    ):
        email = send_email(
            event_key=key,
            to="lea@exemple.fr",
            subject="Confirmez votre adresse électronique",
            template="accounts/emails/confirm_email",
            context={"user": UserFactory.build(), "valid_days": 7},
            links={"url": "http://testserver/compte/confirmer/abc/"},
        )
    email.refresh_from_db()
    assert email.status == EmailStatus.FAILED
    return email


def test_only_anct_sees_the_failed_emails(role_matrix):
    role_matrix.check(URL, {Role.ANCT})


def test_resend_is_for_anct_only(role_matrix, django_capture_on_commit_callbacks):
    email = failed_email(django_capture_on_commit_callbacks)
    role_matrix.check(reverse("notifications:resend", args=[email.pk]), {Role.ANCT}, method="post", ok=302)


def test_the_page_lists_status_attempts_and_last_error(client, django_capture_on_commit_callbacks):
    failed = failed_email(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        sent = send_email(
            event_key="ok", to="ok@exemple.fr", subject="Envoyé", template="accounts/emails/invitation"
        )
    client.force_login(UserFactory(role=Role.ANCT))
    page = client.get(URL).content.decode()
    assert failed.subject in page and "lea@exemple.fr" in page
    assert "Échec" in page and "SMTPServerDisconnected" in page
    assert f'action="{reverse("notifications:resend", args=[failed.pk])}"' in page
    assert sent.subject not in page


def test_resend_sends_it_again_and_is_journaled(client, django_capture_on_commit_callbacks):
    email = failed_email(django_capture_on_commit_callbacks)
    anct = UserFactory(role=Role.ANCT)
    client.force_login(anct)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("notifications:resend", args=[email.pk]))
    assert response.status_code == 302
    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.SENT, 1)
    assert len(mail.outbox) == 1 and "/compte/confirmer/abc/" in mail.outbox[0].body
    entry = JournalEntry.objects.get(action="email.resent")
    assert (entry.actor_id, entry.object_id) == (anct.pk, str(email.pk))
    assert entry.before == {"status": "failed", "attempts": 1}
    # A sent email cannot be sent again (404), nor does a double click send twice.
    assert client.post(reverse("notifications:resend", args=[email.pk])).status_code == 404
    assert len(mail.outbox) == 1
    assert JournalEntry.objects.filter(action="email.resent").count() == 1


def test_resend_is_post_only(client, django_capture_on_commit_callbacks):
    email = failed_email(django_capture_on_commit_callbacks)
    client.force_login(UserFactory(role=Role.ANCT))
    assert client.get(reverse("notifications:resend", args=[email.pk])).status_code == 405
    assert OutgoingEmail.objects.get(pk=email.pk).status == EmailStatus.FAILED


def test_late_and_interrupted_emails_are_listed_but_not_those_in_flight(client):
    from datetime import timedelta

    from django.utils import timezone

    from cnfs.notifications import tasks

    long_ago = timezone.now() - timedelta(minutes=20)
    make = OutgoingEmail.objects.create
    fresh = make(event_key="fresh", to="a@exemple.fr", subject="Tout frais")
    late = make(event_key="late", to="b@exemple.fr", subject="Jamais parti")
    OutgoingEmail.objects.filter(pk=late.pk).update(created_at=long_ago)
    in_flight = make(event_key="flight", to="c@exemple.fr", subject="En vol")
    tasks.claim(in_flight.pk)
    interrupted = make(event_key="cut", to="d@exemple.fr", subject="Interrompu", status=EmailStatus.SENDING)
    OutgoingEmail.objects.filter(pk=interrupted.pk).update(claimed_at=long_ago)
    assert set(OutgoingEmail.objects.needing_attention()) == {late, interrupted}
    assert fresh.pk and in_flight.pk
