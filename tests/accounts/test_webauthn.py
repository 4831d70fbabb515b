"""WebAuthn as a second factor: the server side, driven by a small software authenticator (an EC P-256 key that
builds real attestation and assertion structures, signed), so py_webauthn checks everything it checks in a browser."""

import hashlib
import json
import struct

import cbor2
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from django.urls import reverse
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url

from cnfs.accounts.models import RecoveryCodeDevice, WebAuthnDevice
from cnfs.accounts.roles import Role
from cnfs.journal.models import JournalEntry
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ORIGIN = "http://testserver"
HOME = reverse("dashboard:home")


class SoftAuthenticator:
    def __init__(self, rp_id="testserver"):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = b"cle-logicielle-" + bytes(range(16))
        self.rp_id = rp_id
        self.count = 0

    def _cose_key(self) -> bytes:
        numbers = self.key.public_key().public_numbers()
        return cbor2.dumps(
            {1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")}
        )

    def _auth_data(self, flags: int, attested: bytes = b"") -> bytes:
        self.count += 1
        return (
            hashlib.sha256(self.rp_id.encode()).digest()
            + bytes([flags])
            + struct.pack(">I", self.count)
            + attested
        )

    @staticmethod
    def _client_data(kind, challenge, origin) -> bytes:
        return json.dumps(
            {"type": kind, "challenge": challenge, "origin": origin, "crossOrigin": False}
        ).encode()

    def create(self, options, origin=ORIGIN) -> dict:
        attested = (
            bytes(16) + struct.pack(">H", len(self.credential_id)) + self.credential_id + self._cose_key()
        )
        auth_data = self._auth_data(0x45, attested)  # user present, verified, attested credential data
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        client_data = self._client_data("webauthn.create", options["challenge"], origin)
        return {
            "id": bytes_to_base64url(self.credential_id),
            "rawId": bytes_to_base64url(self.credential_id),
            "type": "public-key",
            "clientExtensionResults": {},
            "response": {
                "clientDataJSON": bytes_to_base64url(client_data),
                "attestationObject": bytes_to_base64url(attestation),
                "transports": ["usb"],
            },
        }

    def get(self, options, origin=ORIGIN) -> dict:
        auth_data = self._auth_data(0x05)
        client_data = self._client_data("webauthn.get", options["challenge"], origin)
        signature = self.key.sign(auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        return {
            "id": bytes_to_base64url(self.credential_id),
            "rawId": bytes_to_base64url(self.credential_id),
            "type": "public-key",
            "clientExtensionResults": {},
            "response": {
                "clientDataJSON": bytes_to_base64url(client_data),
                "authenticatorData": bytes_to_base64url(auth_data),
                "signature": bytes_to_base64url(signature),
            },
        }


def post_json(client, name, data):
    return client.post(reverse(f"accounts:{name}"), json.dumps(data), content_type="application/json")


def login_with_password(client, user):
    assert (
        client.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD}).status_code
        == 302
    )


def register(client, key, name="Clé du bureau"):
    options = post_json(client, "webauthn_register_options", {}).json()
    return post_json(client, "webauthn_register_verify", {"credential": key.create(options), "name": name})


def test_an_agent_enrols_a_security_key_at_first_login_then_logs_in_with_it(client):
    agent = UserFactory(role=Role.BDT)
    key = SoftAuthenticator()
    login_with_password(client, agent)
    assert client.get(reverse("accounts:webauthn_register")).status_code == 200
    response = register(client, key)
    assert response.status_code == 200
    assert response.json()["redirect"] == reverse("accounts:recovery_codes")
    device = WebAuthnDevice.objects.get(user=agent)
    assert device.name == "Clé du bureau" and device.transports == ["usb"]
    assert RecoveryCodeDevice.objects.filter(user=agent).exists()
    assert client.get(HOME).status_code == 200  # passed with the key just registered
    client.logout()

    login_with_password(client, agent)
    assert client.get(HOME)["Location"].startswith(reverse("accounts:second_factor_verify"))
    options = post_json(client, "webauthn_login_options", {}).json()
    assert options["allowCredentials"][0]["id"] == device.credential_id
    response = post_json(client, "webauthn_login_verify", {"credential": key.get(options)})
    assert response.status_code == 200
    assert client.get(HOME).status_code == 200
    device.refresh_from_db()
    assert device.sign_count == 2 and device.last_used_at is not None
    passed = JournalEntry.objects.get(action="account.second_factor_passed")
    assert passed.after == {"device": "webauthn", "device_id": device.pk}
    assert device.credential_id not in str(passed.after)


def test_an_assertion_cannot_be_replayed(client):
    agent = UserFactory(role=Role.BDT)
    key = SoftAuthenticator()
    login_with_password(client, agent)
    register(client, key)
    client.logout()
    login_with_password(client, agent)
    options = post_json(client, "webauthn_login_options", {}).json()
    assertion = key.get(options)
    assert post_json(client, "webauthn_login_verify", {"credential": assertion}).status_code == 200
    client.logout()
    login_with_password(client, agent)
    post_json(client, "webauthn_login_options", {})  # a new challenge
    response = post_json(client, "webauthn_login_verify", {"credential": assertion})
    assert response.status_code == 400
    assert client.get(HOME).status_code == 302


def test_a_response_made_for_another_site_is_refused(client):
    agent = UserFactory(role=Role.ANCT)
    login_with_password(client, agent)
    options = post_json(client, "webauthn_register_options", {}).json()
    phished = SoftAuthenticator().create(options, origin="https://faux-site.example")
    response = post_json(client, "webauthn_register_verify", {"credential": phished})
    assert response.status_code == 400 and "n'a pas pu être vérifiée" in response.json()["error"]
    assert not WebAuthnDevice.objects.exists()


def test_a_key_signed_by_another_authenticator_is_refused(client):
    agent = UserFactory(role=Role.ANCT)
    key = SoftAuthenticator()
    login_with_password(client, agent)
    register(client, key)
    client.logout()
    login_with_password(client, agent)
    options = post_json(client, "webauthn_login_options", {}).json()
    impostor = SoftAuthenticator()  # same credential id, another private key
    assert (
        post_json(client, "webauthn_login_verify", {"credential": impostor.get(options)}).status_code == 400
    )
    assert client.get(HOME).status_code == 302


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"{",
        b"[]",
        b'{"credential": "x"}',
        b'{"credential": {}}',
        b'{"credential": {"id": "\\u0000"}}',
        b"\x00",
    ],
)
def test_hostile_bodies_are_a_400_never_a_500(client, body):
    agent = UserFactory(role=Role.ANCT)
    login_with_password(client, agent)
    post_json(client, "webauthn_register_options", {})
    for name in ("webauthn_register_verify", "webauthn_login_verify"):
        response = client.post(reverse(f"accounts:{name}"), body, content_type="application/json")
        assert response.status_code == 400, name


def test_verification_without_a_challenge_is_refused(client):
    agent = UserFactory(role=Role.ANCT)
    key = SoftAuthenticator()
    login_with_password(client, agent)
    options = post_json(client, "webauthn_register_options", {}).json()
    credential = key.create(options)
    assert post_json(client, "webauthn_register_verify", {"credential": credential}).status_code == 200
    # The challenge served once: the same registration again is refused.
    assert post_json(client, "webauthn_register_verify", {"credential": credential}).status_code == 400


def test_adding_a_key_after_the_first_device_needs_the_second_factor(client):
    agent = UserFactory(role=Role.ANCT)
    login_with_password(client, agent)
    register(client, SoftAuthenticator())
    client.logout()
    login_with_password(client, agent)
    assert post_json(client, "webauthn_register_options", {}).status_code == 403
    assert post_json(client, "webauthn_register_verify", {}).status_code == 403


def test_anonymous_is_sent_to_login(client):
    for name in ("webauthn_register_options", "webauthn_login_options", "webauthn_login_verify"):
        response = post_json(client, name, {})
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_base64url_round_trip_of_the_stored_credential_id(client):
    agent = UserFactory(role=Role.ANCT)
    key = SoftAuthenticator()
    login_with_password(client, agent)
    register(client, key)
    assert base64url_to_bytes(WebAuthnDevice.objects.get().credential_id) == key.credential_id
