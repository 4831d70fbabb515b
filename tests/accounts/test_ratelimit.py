"""The anonymous forms that send email are limited per address and per client, with a clear French message."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse

from cnfs.accounts import ratelimit
from cnfs.accounts.models import RateCounter
from cnfs.accounts.roles import Role
from tests.candidates.test_registration import form_data
from tests.concurrency import race
from tests.factories import CommuneFactory, StructureApplicationFactory, UserFactory

pytestmark = pytest.mark.django_db
RESET = reverse("accounts:password_reset")
TOO_MANY = "Trop de demandes en peu de temps"


def reset(client, email, ip="192.0.2.1"):
    return client.post(RESET, {"email": email}, REMOTE_ADDR=ip)


def test_password_reset_is_limited_per_address_whatever_the_client(
    client, django_capture_on_commit_callbacks, time_machine
):
    time_machine.move_to("2026-11-26 10:00:00+01:00", tick=False)
    UserFactory(email="agent@exemple.fr").save()
    with django_capture_on_commit_callbacks(execute=True):
        for ip in ("192.0.2.1", "192.0.2.2", "192.0.2.3"):
            assert reset(client, "agent@exemple.fr", ip).status_code == 302
            time_machine.shift(timedelta(minutes=1))  # a new reset token: a new email
        refused = reset(client, " AGENT@exemple.fr", "192.0.2.4")
    assert refused.status_code == 429
    assert TOO_MANY in " ".join(refused.context["form"].errors["email"])
    assert 'id="id_email-error"' in refused.text or "fr-error-text" in refused.text
    assert refused.context["form"].data["email"] == " AGENT@exemple.fr"  # what was typed is kept
    assert len(mail.outbox) == 3
    # An hour later the address may ask again.
    time_machine.shift(timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert reset(client, "agent@exemple.fr", "192.0.2.4").status_code == 302
    assert len(mail.outbox) == 4


def test_password_reset_is_limited_per_client_whatever_the_address(client, settings):
    settings.CNFS_RATE_LIMITS = {**settings.CNFS_RATE_LIMITS, "client": (5, timedelta(hours=1))}
    for n in range(5):
        assert reset(client, f"personne{n}@exemple.fr").status_code == 302
    assert reset(client, "encore@exemple.fr").status_code == 429
    assert reset(client, "encore@exemple.fr", ip="198.51.100.9").status_code == 302


def test_an_unknown_and_a_known_address_are_refused_alike(client):
    UserFactory(email="agent@exemple.fr").save()
    answers = []
    for email in ("agent@exemple.fr", "inconnu@exemple.fr"):
        for _ in range(3):
            reset(client, email)
        answers.append(reset(client, email))
    assert [a.status_code for a in answers] == [429, 429]
    assert [a.context["form"].errors["email"] for a in answers][0] == answers[1].context["form"].errors[
        "email"
    ]


def test_registration_is_limited_per_address(client, django_capture_on_commit_callbacks):
    CommuneFactory()
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            client.post(reverse("candidates:register"), form_data(), REMOTE_ADDR="192.0.2.1").status_code
            == 302
        )
        for ip in ("192.0.2.2", "192.0.2.3"):  # the address has an account now: the owner is mailed
            assert client.post(reverse("candidates:register"), form_data(), REMOTE_ADDR=ip).status_code == 302
        refused = client.post(reverse("candidates:register"), form_data(), REMOTE_ADDR="192.0.2.4")
    assert refused.status_code == 429
    assert TOO_MANY in " ".join(refused.context["form"].errors["email"])
    assert refused.context["form"].data["first_name"] == "Léa"
    assert len(mail.outbox) == 3


def test_the_application_confirmation_resend_is_limited(client, django_capture_on_commit_callbacks):
    application = StructureApplicationFactory()
    url = reverse("concertation:transmit", args=[application.public_id])
    for _ in range(3):
        assert client.post(url).status_code == 302
    refused = client.post(url)
    assert refused.status_code == 429
    assert TOO_MANY in refused.text
    # Another draft with the same contact address is counted with it.
    other = StructureApplicationFactory(contact_email=application.contact_email.upper())
    assert client.post(reverse("concertation:transmit", args=[other.public_id])).status_code == 429


def test_resending_the_email_confirmation_is_limited(
    client, django_capture_on_commit_callbacks, time_machine
):
    time_machine.move_to("2026-11-26 10:00:00+01:00", tick=True)
    user = UserFactory(role=Role.ANCT, email_confirmed_at=None)
    client.force_login(user)
    url = reverse("accounts:resend_confirmation")
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            client.post(url)
            time_machine.shift(timedelta(minutes=1))  # one email per minute at most anyway (event key)
        response = client.post(url, follow=True)
    assert TOO_MANY in response.text
    assert len(mail.outbox) == 3


def test_counters_hold_no_address_in_clear():
    request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.77")
    assert ratelimit.allow("password_reset", request, address="Quelqu.Un@Exemple.fr")
    stored = " ".join(RateCounter.objects.values_list("key", flat=True))
    assert RateCounter.objects.count() == 2
    assert "exemple" not in stored.lower() and "192.0.2.77" not in stored


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_are_counted_exactly():
    """Eight workers hitting the same counter at the same instant: each gets its own count, none is lost."""
    counts = race(*[lambda: ratelimit.hit("password_reset", "address", "x@exemple.fr")] * 8)
    assert sorted(counts) == list(range(1, 9))
    assert RateCounter.objects.get().count == 8
