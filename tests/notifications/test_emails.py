import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from cnfs.notifications.models import EmailStatus, OutgoingEmail
from cnfs.notifications.services import send_email
from cnfs.notifications.tasks import deliver_email
from tests.factories import UserFactory

TEMPLATE = "accounts/emails/confirm_email"


def _send(key="evt-1"):
    return send_email(
        event_key=key,
        to="a@exemple.fr",
        subject="Sujet",
        template=TEMPLATE,
        context={"user": UserFactory.build(first_name="Ana"), "url": "http://x/y", "valid_days": 7},
    )


@pytest.mark.django_db
def test_an_email_goes_out_only_after_commit_in_html_and_text(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        email = _send()
        assert mail.outbox == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject.startswith("Sujet")
    assert "Bonjour Ana" in message.body
    assert message.alternatives[0].mimetype == "text/html"
    assert "Conseiller numérique France Services" in message.alternatives[0].content
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT


@pytest.mark.django_db
def test_nothing_is_sent_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                _send()
                raise RuntimeError("échec")
        except RuntimeError:
            pass
    assert mail.outbox == []
    assert not OutgoingEmail.objects.exists()


@pytest.mark.django_db
def test_the_same_event_never_mails_twice(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = _send("decision:42")
        second = _send("decision:42")
    assert first is not None
    assert second is None
    assert len(mail.outbox) == 1
    # Running the delivery task again for the same email does not send it again.
    deliver_email.call(first.pk)
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_outbox_page_exists_only_in_debug(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email = _send()
    assert client.get(reverse("notifications:outbox")).status_code == 404
    with override_settings(DEBUG=True):
        listing = client.get(reverse("notifications:outbox"))
        assert listing.status_code == 200
        assert "Sujet" in listing.content.decode()
        detail = client.get(reverse("notifications:outbox_detail", args=[email.pk]))
        assert 'href="http://x/y"' in detail.content.decode()
