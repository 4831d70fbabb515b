"""ProConnect for agents, against a fake OpenID Connect provider served at the HTTP layer (responses): the real
library code makes its token, JWKS and userinfo requests, nothing leaves the process."""

import json
import time
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import responses
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.messages import get_messages
from django.urls import reverse

from cnfs.accounts.roles import Role
from cnfs.journal.models import JournalEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ISSUER = "https://proconnect.test/api/v2"
CLIENT_ID = "cnfs-tests"
LOGIN = reverse("accounts:login")
START = reverse("accounts:proconnect_login")
CALLBACK = reverse("accounts:proconnect_callback")
HOME = reverse("dashboard:home")
PROVIDER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def proconnect(settings):
    settings.PROCONNECT_ENABLED = True
    settings.PROCONNECT_ISSUER = ISSUER
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = "secret-de-test"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{ISSUER}/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{ISSUER}/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{ISSUER}/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{ISSUER}/jwks"
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def sign(claims, key=PROVIDER_KEY, kid="cle-1"):
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})


def provider(mock, *, nonce, email, acr="eidas1", aud=CLIENT_ID, iss=ISSUER, key=PROVIDER_KEY):
    """The fake provider's three endpoints for one login."""
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(PROVIDER_KEY.public_key()))
    mock.get(f"{ISSUER}/jwks", json={"keys": [{**public, "kid": "cle-1", "alg": "RS256", "use": "sig"}]})
    now = int(time.time())
    id_token = sign(
        {"iss": iss, "aud": aud, "sub": "agent-42", "nonce": nonce, "iat": now, "exp": now + 60, "acr": acr},
        key=key,
    )
    mock.post(
        f"{ISSUER}/token", json={"access_token": "jeton-acces", "id_token": id_token, "token_type": "Bearer"}
    )
    userinfo = sign(
        {"sub": "agent-42", "email": email, "given_name": "Autre", "usual_name": "Nom", "iss": iss}
    )
    mock.get(f"{ISSUER}/userinfo", body=userinfo, content_type="application/jwt")


def start(client):
    response = client.get(START)
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{ISSUER}/authorize"
    params = {k: v[0] for k, v in parse_qs(location.query).items()}
    assert params["client_id"] == CLIENT_ID and params["code_challenge_method"] == "S256"
    assert params["acr_values"] == "eidas1"
    return params


def finish(client, params, code="code-autorisation"):
    return client.get(CALLBACK, {"code": code, "state": params["state"]})


def test_the_button_shows_only_when_configured(client, settings):
    settings.PROCONNECT_ENABLED = False
    assert "ProConnect" not in client.get(LOGIN).text
    assert client.get(START)["Location"] == settings.LOGIN_REDIRECT_URL_FAILURE
    settings.PROCONNECT_ENABLED = True
    page = client.get(LOGIN).text
    assert "identifier avec" in page and START in page


def test_a_known_agent_logs_in_then_passes_the_platforms_second_factor(client, proconnect):
    agent = UserFactory(email="julie.agent@allier.gouv.fr", role=Role.PREFECTURE)
    params = start(client)
    provider(proconnect, nonce=params["nonce"], email="  Julie.Agent@Allier.gouv.fr ")
    response = finish(client, params)
    assert response.status_code == 302 and response["Location"] == HOME
    assert client.session["_auth_user_id"] == str(agent.pk)
    # eidas1: one factor at ProConnect; the platform's own is asked (here, enrolment).
    assert client.get(HOME)["Location"].startswith(reverse("accounts:second_factor_setup"))
    entry = JournalEntry.objects.get(action="account.proconnect_login")
    assert entry.actor == agent and entry.after == {"acr": "eidas1"}
    token_request = next(c.request for c in proconnect.calls if c.request.url == f"{ISSUER}/token")
    assert "code_verifier=" in token_request.body  # PKCE


def test_a_multi_factor_proconnect_login_counts_as_the_second_factor(client, proconnect):
    UserFactory(email="anct.agent@anct.gouv.fr", role=Role.ANCT)
    params = start(client)
    provider(proconnect, nonce=params["nonce"], email="anct.agent@anct.gouv.fr", acr="eidas2")
    finish(client, params)
    assert client.get(HOME).status_code == 200


def test_an_unknown_email_is_refused_with_a_message(client, proconnect):
    params = start(client)
    provider(proconnect, nonce=params["nonce"], email="inconnu@exemple.gouv.fr")
    response = finish(client, params)
    assert response["Location"] == LOGIN
    assert "_auth_user_id" not in client.session
    text = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("n'est rattaché à aucun agent" in t for t in text)
    assert JournalEntry.objects.filter(action="account.proconnect_refused", object_id="").exists()


@pytest.mark.parametrize("role", [Role.STRUCTURE, Role.CANDIDATE, Role.TRAINING_PROVIDER, Role.HUB])
def test_an_account_without_an_agent_role_is_refused(client, proconnect, role):
    user = UserFactory(email="pas.agent@exemple.fr", role=role)
    params = start(client)
    provider(proconnect, nonce=params["nonce"], email="pas.agent@exemple.fr")
    response = finish(client, params)
    assert response["Location"] == LOGIN
    assert "_auth_user_id" not in client.session
    assert JournalEntry.objects.get(action="account.proconnect_refused").object_id == str(user.pk)


@pytest.mark.parametrize(
    "tampering",
    [
        {"aud": "un-autre-service"},
        {"iss": "https://faux-fournisseur.test"},
        {"nonce": "rejoue"},
        {"key": OTHER_KEY},
    ],
    ids=["audience", "issuer", "nonce", "signature"],
)
def test_a_token_not_made_for_us_is_refused(client, proconnect, tampering):
    UserFactory(email="julie.agent@allier.gouv.fr", role=Role.PREFECTURE)
    params = start(client)
    provider(proconnect, **{"nonce": params["nonce"], "email": "julie.agent@allier.gouv.fr", **tampering})
    response = finish(client, params)
    assert response["Location"] == LOGIN
    assert "_auth_user_id" not in client.session


def test_a_callback_with_an_unknown_state_or_hostile_input_is_no_500(client, proconnect):
    params = start(client)
    assert client.get(CALLBACK, {"code": "x", "state": "inconnu"}).status_code == 400
    assert client.get(CALLBACK, {"code": "x\x00", "state": params["state"] + "\x00"}).status_code in (
        302,
        400,
    )
    assert client.get(CALLBACK, {"error": "access_denied", "state": params["state"]})["Location"] == LOGIN
    assert client.get(CALLBACK)["Location"] == LOGIN


def test_the_provider_being_down_is_a_message_not_a_500(client, proconnect):
    UserFactory(email="julie.agent@allier.gouv.fr", role=Role.PREFECTURE)
    params = start(client)
    proconnect.post(f"{ISSUER}/token", status=503)
    response = finish(client, params)
    assert response.status_code == 302 and response["Location"] == LOGIN


def test_a_password_login_never_reaches_the_provider(client, proconnect):
    UserFactory(email="julie.agent@allier.gouv.fr", role=Role.PREFECTURE)
    client.post(f"{LOGIN}?code=x&state=y", {"username": "julie.agent@allier.gouv.fr", "password": "mauvais"})
    assert len(proconnect.calls) == 0
    assert "_auth_user_id" not in client.session


def test_logging_out_after_proconnect_ends_the_proconnect_session_too(client, proconnect, settings):
    settings.OIDC_OP_LOGOUT_ENDPOINT = f"{ISSUER}/session/end"
    UserFactory(email="anct.agent@anct.gouv.fr", role=Role.ANCT)
    params = start(client)
    provider(proconnect, nonce=params["nonce"], email="anct.agent@anct.gouv.fr", acr="eidas2")
    finish(client, params)
    id_token = client.session["oidc_id_token"]
    response = client.post(reverse("accounts:logout"))
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{ISSUER}/session/end"
    query = parse_qs(location.query)
    assert query["id_token_hint"] == [id_token] and query["post_logout_redirect_uri"] == [
        "http://testserver/"
    ]
    assert "_auth_user_id" not in client.session


def test_logging_out_after_a_password_login_stays_on_the_platform(client, proconnect):
    client.force_login(UserFactory(role=Role.STRUCTURE))
    assert client.post(reverse("accounts:logout"))["Location"] == reverse("public:home")
