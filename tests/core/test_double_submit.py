"""The same form sent twice at the same instant: one success, one clear message, never a 500. (A registration sent
twice gives the same page both times and one account, so as not to tell whether an address has an account: see
tests/candidates/test_registration.py.)"""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from cnfs.accounts.roles import Role
from cnfs.concertation.forms import WaveForm
from cnfs.concertation.models import Wave
from cnfs.concertation.views import waves as wave_views
from tests.concurrency import APPS_BUT_JOURNAL
from tests.factories import UserFactory

WAVE = {"name": "Vague 9", "opens_on": "2026-01-01", "closes_on": "2026-02-01", "target_posts": "100"}


def _post_together(posts):
    """Runs each (client, url, data) in its own thread and database connection; returns the responses."""
    responses = [None] * len(posts)

    def run(index, client, url, data):
        try:
            responses[index] = client.post(url, data)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, *post)) for i, post in enumerate(posts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses


def _after_barrier(monkeypatch, owner, name, parties=2):
    """Both requests have validated their form before either writes: the database decides."""
    barrier = threading.Barrier(parties, timeout=10)
    original = getattr(owner, name)

    def wrapped(*args, **kwargs):
        barrier.wait()
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, wrapped)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, available_apps=APPS_BUT_JOURNAL)
@pytest.mark.usefixtures("_journal_cleanup")
def test_two_identical_waves_created_at_the_same_instant_make_one_wave(monkeypatch):
    _after_barrier(monkeypatch, wave_views, "create_wave")
    clients = []
    for _ in range(2):
        client = Client()
        client.force_login(UserFactory(role=Role.ANCT))
        clients.append(client)
    responses = _post_together([(client, reverse("concertation:waves"), WAVE) for client in clients])
    assert sorted(r.status_code for r in responses) == [302, 400]
    refused = next(r for r in responses if r.status_code == 400)
    assert "Une vague porte déjà ce nom" in refused.text
    assert Wave.objects.filter(name="Vague 9").count() == 1


@pytest.mark.django_db
def test_a_wave_sent_twice_or_losing_the_race_gets_a_message_next_to_its_name(client, monkeypatch):
    client.force_login(UserFactory(role=Role.ANCT))
    assert client.post(reverse("concertation:waves"), WAVE).status_code == 302
    again = client.post(reverse("concertation:waves"), WAVE)
    assert again.status_code == 400 and "Une vague porte déjà ce nom" in again.text
    # Losing the race after validation: the form saw no other wave, the service finds one.
    monkeypatch.setattr(WaveForm, "validate_unique", lambda form: None)
    monkeypatch.setattr(WaveForm, "clean", lambda form: form.cleaned_data)
    raced = client.post(reverse("concertation:waves"), WAVE)
    assert raced.status_code == 400 and "Une vague porte déjà ce nom" in raced.text
    assert Wave.objects.count() == 1
