"""The login lockout counts the identifier the login resolves, from the client's real address behind the proxy;
logins and failures reach the journal without the typed identifier."""

import subprocess
import sys

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse

from cnfs.accounts.roles import Role
from cnfs.journal.context import client_ip
from cnfs.journal.models import JournalEntry
from tests.factories import PASSWORD, UserFactory

LOGIN = reverse("accounts:login")
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reset_axes():
    from axes.utils import reset

    reset()


def test_five_failures_typed_in_any_case_or_with_spaces_lock_the_account(client):
    UserFactory(email="agent@exemple.fr", role=Role.ANCT)
    typed_variants = ["agent@exemple.fr", "AGENT@exemple.fr", " agent@exemple.fr ", "Agent@Exemple.FR"]
    for typed in typed_variants:
        assert client.post(LOGIN, {"username": typed, "password": "mauvais"}).status_code == 200
    # The fifth failure locks.
    assert client.post(LOGIN, {"username": "agent@EXEMPLE.fr  ", "password": "mauvais"}).status_code == 429
    for typed in ["agent@exemple.fr", " AGENT@EXEMPLE.FR"]:
        locked = client.post(LOGIN, {"username": typed, "password": PASSWORD})
        assert locked.status_code == 429, typed
        assert "bloquée pendant 15 minutes" in locked.text


def test_behind_the_proxy_a_lockout_is_per_client_not_for_everyone(client, settings):
    settings.CNFS_TRUSTED_PROXIES = 1
    UserFactory(email="agent@exemple.fr", role=Role.ANCT)
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    for _ in range(5):
        client.post(
            LOGIN,
            {"username": "agent@exemple.fr", "password": "mauvais"},
            HTTP_X_FORWARDED_FOR="203.0.113.66",
            **proxy,
        )
    attacker = client.post(
        LOGIN,
        {"username": "agent@exemple.fr", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="203.0.113.66",
        **proxy,
    )
    assert attacker.status_code == 429
    # The attacker cannot escape by writing another address in front of the one the proxy appends.
    spoofing = client.post(
        LOGIN,
        {"username": "agent@exemple.fr", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.66",
        **proxy,
    )
    assert spoofing.status_code == 429
    # The agent, through the same proxy from their own address, still logs in.
    agent = client.post(
        LOGIN,
        {"username": "agent@exemple.fr", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="192.0.2.20",
        **proxy,
    )
    assert agent.status_code == 302


@pytest.mark.parametrize(
    "proxies, remote, forwarded, expected",
    [
        (
            0,
            "127.0.0.1",
            "203.0.113.5",
            "127.0.0.1",
        ),  # no proxy trusted: the header is the client's own words
        (1, "127.0.0.1", "203.0.113.5", "203.0.113.5"),
        (1, "127.0.0.1", "6.6.6.6, 203.0.113.5", "203.0.113.5"),  # spoofed entry on the left ignored
        (1, "127.0.0.1", " 203.0.113.5 ", "203.0.113.5"),
        (1, "127.0.0.1", "", "127.0.0.1"),  # direct connection, no header: the peer
        (1, "127.0.0.1", "pas une adresse", "127.0.0.1"),
        (1, "127.0.0.1", "2001:DB8::1", "2001:db8::1"),
        (1, "127.0.0.1", "::ffff:203.0.113.5", "203.0.113.5"),
        (1, "127.0.0.1", "fe80::1%eth0", "fe80::1"),
        (1, "127.0.0.1", "203.0.113.5\x00", "127.0.0.1"),
        (2, "10.0.0.2", "6.6.6.6, 203.0.113.5, 10.0.0.1", "203.0.113.5"),
        (2, "10.0.0.2", "203.0.113.5", "10.0.0.2"),  # fewer entries than proxies: not through the chain
    ],
)
def test_client_ip_takes_the_entry_written_by_the_outermost_trusted_proxy(
    settings, proxies, remote, forwarded, expected
):
    settings.CNFS_TRUSTED_PROXIES = proxies
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_journal_records_the_client_address_behind_the_proxy(client, settings):
    settings.CNFS_TRUSTED_PROXIES = 1
    user = UserFactory(email="agent@exemple.fr", role=Role.ANCT)
    client.post(
        LOGIN,
        {"username": "agent@exemple.fr", "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.30",
    )
    entry = JournalEntry.objects.get(action="account.login")
    assert (entry.actor_id, entry.object_id, entry.ip_address) == (user.pk, str(user.pk), "192.0.2.30")


def test_failed_logins_reach_the_journal_without_the_typed_identifier(client):
    user = UserFactory(email="agent@exemple.fr", role=Role.ANCT)
    client.post(LOGIN, {"username": " Agent@Exemple.fr", "password": "mauvais"}, REMOTE_ADDR="192.0.2.40")
    client.post(LOGIN, {"username": "inconnu@exemple.fr", "password": "mauvais"}, REMOTE_ADDR="192.0.2.41")
    known, unknown = JournalEntry.objects.filter(action="account.login_failed").order_by("id")
    assert (known.actor_id, known.object_id, known.ip_address) == (None, str(user.pk), "192.0.2.40")
    assert (unknown.actor_id, unknown.object_id, unknown.ip_address) == (None, "", "192.0.2.41")
    stored = " ".join(
        str(values)
        for values in JournalEntry.objects.values_list("before", "after", "object_id", "object_type", "role")
    ).lower()
    assert "exemple.fr" not in stored and "agent" not in stored and "inconnu" not in stored


def test_a_lockout_reaches_the_journal(client):
    user = UserFactory(email="agent@exemple.fr", role=Role.ANCT)
    for _ in range(5):
        client.post(LOGIN, {"username": "agent@exemple.fr", "password": "mauvais"})
    entry = JournalEntry.objects.get(action="account.locked_out")
    assert entry.object_id == str(user.pk)


PROD_PROBE = """
import django, os
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.prod"
django.setup()
from django.conf import settings
from django.test import RequestFactory
from axes.helpers import get_client_ip_address
from cnfs.journal.context import client_ip
request = RequestFactory().get(
    "/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9", HTTP_X_FORWARDED_PROTO="https"
)
print(settings.CNFS_TRUSTED_PROXIES, get_client_ip_address(request), client_ip(request))
"""


def run_prod_probe(extra=None):
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": "/tmp",
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "cnfs.example.org",
        "DATABASE_URL": "postgres://u@127.0.0.1:5432/cnfs",
        **(extra or {}),
    }
    return subprocess.run(
        [sys.executable, "-c", PROD_PROBE], env=env, capture_output=True, text=True, cwd=settings.BASE_DIR
    )


def test_production_settings_take_the_client_from_the_proxy_header_for_axes_and_the_journal():
    result = run_prod_probe()
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["1", "203.0.113.9", "203.0.113.9"]
    direct = run_prod_probe({"CNFS_TRUSTED_PROXIES": "0"})
    assert direct.stdout.split() == ["0", "127.0.0.1", "127.0.0.1"]
    bad = run_prod_probe({"CNFS_TRUSTED_PROXIES": "un"})
    assert bad.returncode != 0 and "CNFS_TRUSTED_PROXIES doit être un nombre entier" in bad.stderr


def test_account_journal_entries_hold_no_email(client, django_capture_on_commit_callbacks):
    from cnfs.accounts import services

    anct = UserFactory(role=Role.ANCT)
    with django_capture_on_commit_callbacks(execute=True):
        services.invite(email="Nouvel.Agent@Exemple.fr", by=anct, role=Role.ANCT)
    stored = " ".join(str(v) for v in JournalEntry.objects.values_list("before", "after")).lower()
    assert JournalEntry.objects.filter(action="invitation.sent").exists()
    assert "exemple.fr" not in stored
