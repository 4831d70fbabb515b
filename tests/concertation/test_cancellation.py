"""Cancelling a transmitted application needs a single-use, expiring link mailed to the contact."""

import json
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cnfs.accounts.models import hash_token
from cnfs.concertation.models import ApplicationStatus, CancellationLink
from cnfs.journal.models import JournalEntry
from tests.concurrency import APPS_BUT_JOURNAL, outcomes, race
from tests.factories import PrefectOpinionFactory, StructureApplicationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def application():
    return StructureApplicationFactory(
        submitted=True,
        contact_email="marie.lefevre@moulins.fr",
        contact_first_name="Marie",
        contact_last_name="Lefèvre",
    )


def ask_for_link(client, application, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("concertation:cancel", args=[application.public_id]), follow=True)
    assert "ouvrez le lien envoyé" in response.content.decode()
    (message,) = mail.outbox
    assert message.to == [application.contact_email]
    return re.search(r"/candidatures/annuler/([^/\s]+)/", message.body).group(1)


def test_the_summary_page_link_alone_no_longer_cancels_a_transmitted_application(client, application):
    client.post(reverse("concertation:cancel", args=[application.public_id]))
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_the_contact_cancels_with_the_emailed_link(client, application, django_capture_on_commit_callbacks):
    token = ask_for_link(client, application, django_capture_on_commit_callbacks)
    url = reverse("concertation:cancel_confirm", args=[token])
    page = client.get(url)
    assert page.status_code == 200 and "Confirmer l'annulation" in page.content.decode()
    application.refresh_from_db()
    assert (
        application.status == ApplicationStatus.SUBMITTED
    )  # opening the link (a mail scanner) cancels nothing
    response = client.post(url, {"reason": "Projet reporté par le conseil municipal de Marie Lefèvre."})
    assert response.url == reverse("concertation:summary", args=[application.public_id])
    application.refresh_from_db()
    assert application.status == ApplicationStatus.CANCELLED
    link = CancellationLink.objects.get()
    assert link.used_at is not None and link.token_hash != token and token not in link.token_hash
    entries = JournalEntry.objects.for_object(application)
    actions = {entry.action for entry in entries}
    assert {
        "application.cancellation_link_sent",
        "application.cancel",
        "application.cancellation_link_used",
    } <= actions
    journal = json.dumps([[e.before, e.after] for e in entries])
    for value in (token, "Marie", "Lefèvre", "marie.lefevre", "Projet reporté"):
        assert value not in journal


def test_a_link_is_used_once(client, application, django_capture_on_commit_callbacks):
    token = ask_for_link(client, application, django_capture_on_commit_callbacks)
    url = reverse("concertation:cancel_confirm", args=[token])
    client.post(url, {"reason": ""})
    again = client.post(url, {"reason": ""})
    assert again.status_code == 400
    assert "déjà été utilisé" in again.content.decode()
    assert client.get(url).status_code == 400


def test_an_expired_link_cancels_nothing(
    client, application, django_capture_on_commit_callbacks, time_machine
):
    time_machine.move_to("2026-11-26 10:00:00+01:00", tick=False)
    token = ask_for_link(client, application, django_capture_on_commit_callbacks)
    url = reverse("concertation:cancel_confirm", args=[token])
    time_machine.move_to("2026-11-28 09:59:59+01:00", tick=False)  # 48 h minus one second: still valid
    assert client.get(url).status_code == 200
    time_machine.move_to("2026-11-28 10:00:00+01:00", tick=False)  # 48 h: expired
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400
    assert "a expiré" in response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


@pytest.mark.parametrize("token", ["abc", "x" * 300, "%00", "null\x00byte"])
def test_a_wrong_token_is_refused_with_a_clear_page(client, application, token):
    response = client.post(reverse("concertation:cancel_confirm", args=[token]), {"reason": ""})
    assert response.status_code == 400
    assert "n&#x27;est pas valide" in response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_a_second_request_within_minutes_sends_no_second_email(
    client, application, django_capture_on_commit_callbacks
):
    ask_for_link(client, application, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("concertation:cancel", args=[application.public_id]))
    assert mail.outbox == []
    assert CancellationLink.objects.count() == 1


def test_a_decided_application_cannot_be_cancelled_even_with_a_link(
    client, application, django_capture_on_commit_callbacks
):
    from cnfs.accounts.roles import Role
    from cnfs.concertation import workflow
    from tests.factories import UserFactory

    token = ask_for_link(client, application, django_capture_on_commit_callbacks)
    PrefectOpinionFactory(application=application)
    workflow.decide(application, by=UserFactory(role=Role.ANCT), outcome="negative")
    response = client.post(reverse("concertation:cancel_confirm", args=[token]), {"reason": ""})
    assert response.status_code == 400
    assert "ne peut plus être annulée" in response.content.decode()


def test_a_reason_over_500_characters_is_refused_next_to_the_field(
    client, application, django_capture_on_commit_callbacks
):
    token = ask_for_link(client, application, django_capture_on_commit_callbacks)
    response = client.post(reverse("concertation:cancel_confirm", args=[token]), {"reason": "x" * 501})
    assert response.status_code == 400
    assert 'id="id_reason-error"' in response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert CancellationLink.objects.get().used_at is None


def test_a_draft_is_cancelled_from_its_private_page(client):
    draft = StructureApplicationFactory()
    client.post(reverse("concertation:cancel", args=[draft.public_id]))
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.CANCELLED


def test_cancellation_pages_are_public_for_every_role(
    role_matrix, application, django_capture_on_commit_callbacks
):
    from cnfs.accounts.roles import Role

    token = ask_for_link(role_matrix.client, application, django_capture_on_commit_callbacks)
    role_matrix.check(reverse("concertation:cancel_confirm", args=[token]), set(Role), public=True)
    role_matrix.check(
        reverse("concertation:cancel", args=[application.public_id]),
        set(Role),
        method="post",
        ok=302,
        public=True,
    )
    role_matrix.check(reverse("concertation:cancel_confirm", args=["faux"]), set(Role), ok=400, public=True)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, available_apps=APPS_BUT_JOURNAL)
@pytest.mark.usefixtures("_journal_cleanup")
def test_the_same_link_used_twice_at_the_same_moment_cancels_once():
    from cnfs.concertation import cancellation

    application = StructureApplicationFactory(submitted=True)
    token = "jeton-de-test-" + "x" * 30
    CancellationLink.objects.create(
        application=application, token_hash=hash_token(token), expires_at=timezone.now() + timedelta(hours=1)
    )
    results = race(*[lambda: cancellation.cancel_with_link(token)] * 2)
    assert outcomes(results, cancellation.CancellationError) == ["ok", "refused"]
    application.refresh_from_db()
    assert application.status == ApplicationStatus.CANCELLED
    assert application.transitions.filter(name="cancel").count() == 1
