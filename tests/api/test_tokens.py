"""ANCT issues and revokes partners' API tokens: permissions, bad input, the key shown once, the journal."""

import uuid

import pytest
from django.urls import reverse

from cnfs.accounts.roles import Role
from cnfs.api import tokens
from cnfs.api.models import ApiScope, ApiToken
from cnfs.journal.models import JournalEntry
from tests.concurrency import APPS_BUT_JOURNAL, outcomes, race
from tests.factories import DepartementFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("api:tokens")


@pytest.fixture
def anct(client):
    user = UserFactory(role=Role.ANCT)
    client.force_login(user)
    return user


def valid(**overrides):
    data = {"partner": "Conseil régional", "scopes": [ApiScope.FUNNEL], "departements": "", "expires_on": ""}
    data.update(overrides)
    return data


def test_only_anct_manages_tokens(role_matrix):
    role_matrix.check(URL, {Role.ANCT})
    token = ApiToken.objects.create(
        partner="X", prefix="cnfs_abcdefg", key_hash="0" * 64, issued_by=UserFactory()
    )
    revoke = reverse("api:token_revoke", args=[token.pk])
    role_matrix.check(revoke, {Role.ANCT}, method="post", ok=302)
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_the_documentation_is_public(role_matrix):
    role_matrix.check(reverse("api:documentation"), set(Role), public=True)


def test_issuing_shows_the_key_once_and_journals_without_it(client, anct):
    DepartementFactory(code="63", name="Puy-de-Dôme")
    DepartementFactory()
    response = client.post(
        URL, valid(departements=" 63, 03 ,63", scopes=[ApiScope.FUNNEL, ApiScope.ACTIVITY])
    )
    assert response.status_code == 200
    key = response.context["issued_key"]
    assert key.startswith("cnfs_") and key in response.content.decode()
    token = ApiToken.objects.get()
    assert token.scopes == ["activity", "funnel"] and token.issued_by == anct
    assert sorted(d.code for d in token.departements.all()) == ["03", "63"]
    entry = JournalEntry.objects.get(action="api_token.issued")
    assert entry.actor == anct and key not in str(entry.after)
    listing = client.get(URL).content.decode()
    assert key not in listing and token.prefix in listing


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("partner", "", "Ce champ est obligatoire"),
        ("partner", "Région\x00", "caractère nul"),
        ("partner", "x" * 201, "caractères, pour 200 au plus"),
        ("scopes", [], "Cochez au moins une donnée"),
        ("scopes", ["everything"], "Sélectionnez un choix valide"),
        ("departements", "99", "Départements inconnus : 99"),
        ("departements", "3, ABC", "mal écrits : 3, ABC"),
        ("expires_on", "01/01/2020", "postérieure à aujourd'hui"),
        ("expires_on", "31/12/9999", "Saisissez une date entre"),
        ("expires_on", "demain", "Saisissez une date valide"),
    ],
)
def test_bad_input_is_refused_next_to_the_field_and_nothing_is_saved(client, anct, field, value, message):
    response = client.post(URL, valid(**{field: value}))
    assert response.status_code == 400
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    assert (
        not ApiToken.objects.exists() and not JournalEntry.objects.filter(action="api_token.issued").exists()
    )
    if field == "partner" and value and "\x00" not in value:
        assert value in response.content.decode()  # what was typed is kept


def test_revoking_is_journaled_and_twice_is_harmless(client, anct):
    client.post(URL, valid())
    token = ApiToken.objects.get()
    url = reverse("api:token_revoke", args=[token.pk])
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302
    token.refresh_from_db()
    assert token.revoked_by == anct
    assert JournalEntry.objects.filter(action="api_token.revoked").count() == 1
    assert client.post(reverse("api:token_revoke", args=[token.pk + 1000])).status_code == 404


def test_the_command_issues_a_token_for_an_anct_agent(capsys):
    from django.core.management import CommandError, call_command

    agent = UserFactory(role=Role.ANCT, email="agent@anct.gouv.fr")
    DepartementFactory()
    call_command(
        "issue_api_token", partner="Région", scope=["funnel"], departement=["03"], by=" AGENT@anct.gouv.fr"
    )
    key = capsys.readouterr().out.strip()
    token = ApiToken.objects.get()
    assert key.startswith(token.prefix) and token.issued_by == agent
    with pytest.raises(CommandError, match="Départements inconnus : 99"):
        call_command("issue_api_token", partner="R", scope=["funnel"], departement=["99"], by=agent.email)
    with pytest.raises(CommandError, match="Aucun agent"):
        call_command("issue_api_token", partner="R", scope=["funnel"], by=UserFactory(role=Role.BDT).email)


def test_a_form_sent_twice_issues_one_token(client, anct):
    form = client.get(URL).context["form"]
    data = valid(submission_key=str(form["submission_key"].value()))
    first = client.post(URL, data)
    assert first.context["issued_key"]
    again = client.post(URL, data, follow=True)
    assert ApiToken.objects.count() == 1
    token = ApiToken.objects.get()
    assert "aucun second jeton" in again.text and token.prefix in again.text
    assert first.context["issued_key"] not in again.text
    assert JournalEntry.objects.filter(action="api_token.issued").count() == 1
    # A new form (its own key) issues a new token.
    fresh = client.get(URL).context["form"]["submission_key"].value()
    assert client.post(URL, valid(submission_key=str(fresh))).context["issued_key"]
    assert ApiToken.objects.count() == 2


def test_a_forged_submission_key_is_a_clear_message(client, anct):
    response = client.post(URL, valid(submission_key="pas-une-clé"))
    assert response.status_code == 400
    assert "rechargez la page" in response.text
    assert response.context["form"]["partner"].value() == "Conseil régional"
    assert client.post(URL, valid(submission_key="\x00")).status_code == 400
    assert not ApiToken.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, available_apps=APPS_BUT_JOURNAL)
@pytest.mark.usefixtures("_journal_cleanup")
def test_the_same_form_sent_twice_at_the_same_instant_issues_one_token():
    agent = UserFactory(role=Role.ANCT)
    key = uuid.uuid4()

    def submit():
        return tokens.issue(partner="Région", scopes=[ApiScope.FUNNEL], by=agent, submission_key=key)

    results = race(submit, submit)
    assert outcomes(results, tokens.AlreadyIssued) == ["ok", "refused"]
    assert ApiToken.objects.filter(submission_key=key).count() == 1
    refused = next(result for result in results if isinstance(result, tokens.AlreadyIssued))
    assert refused.token == ApiToken.objects.get(submission_key=key)
