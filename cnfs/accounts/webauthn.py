"""WebAuthn (security keys, passkeys) as a second factor, with py_webauthn (the `webauthn` package) used directly.

The browser part is static/js/webauthn.js: it asks the options endpoint (JSON), calls navigator.credentials, and
posts the result to the verify endpoint. The challenge lives in the session, used once. The relying party is the
host of CNFS_BASE_URL, the expected origin that address: a response made for another site is refused.
"""

import json
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp import login as otp_login
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from cnfs.journal.services import record

from .models import RecoveryCodeDevice, WebAuthnDevice
from .second_factor import SecondFactorError, check_attempts, issue_recovery_codes

REGISTRATION_CHALLENGE = "cnfs_webauthn_registration"
AUTHENTICATION_CHALLENGE = "cnfs_webauthn_authentication"
MAX_BODY = 64 * 1024
REFUSED = "La clé n'a pas pu être vérifiée. Réessayez, ou utilisez votre application d'authentification."


def origin() -> str:
    parts = urlsplit(settings.CNFS_BASE_URL)
    return f"{parts.scheme}://{parts.netloc}"


def rp_id() -> str:
    return urlsplit(settings.CNFS_BASE_URL).hostname or "localhost"


def registration_options(request) -> str:
    user = request.user
    options = generate_registration_options(
        rp_id=rp_id(),
        rp_name=settings.CNFS_WEBAUTHN_RP_NAME,
        user_id=str(user.pk).encode(),
        user_name=user.email,
        user_display_name=user.full_name or user.email,
        exclude_credentials=[
            PublicKeyCredentialDescriptor(id=base64url_to_bytes(d.credential_id))
            for d in WebAuthnDevice.objects.filter(user=user)
        ],
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
    )
    request.session[REGISTRATION_CHALLENGE] = bytes_to_base64url(options.challenge)
    return options_to_json(options)


def _credential(body: bytes) -> dict:
    if len(body) > MAX_BODY or b"\x00" in body:
        raise SecondFactorError(REFUSED)
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise SecondFactorError(REFUSED) from error
    if not isinstance(data, dict) or not isinstance(data.get("credential"), dict):
        raise SecondFactorError(REFUSED)
    return data


def register(request, body: bytes) -> list[str] | None:
    """Checks the authenticator's answer to the registration challenge and stores its public key. Returns recovery
    codes when this is the person's first device."""
    check_attempts(request.user)
    data = _credential(body)
    challenge = request.session.pop(REGISTRATION_CHALLENGE, None)
    if not challenge:
        raise SecondFactorError(REFUSED)
    try:
        verified = verify_registration_response(
            credential=data["credential"],
            expected_challenge=base64url_to_bytes(challenge),
            expected_rp_id=rp_id(),
            expected_origin=origin(),
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as error:
        record(
            "account.second_factor_failed",
            request.user,
            by=request.user,
            after={"device": "webauthn", "step": "enrol"},
        )
        raise SecondFactorError(REFUSED) from error
    name = str(data.get("name") or "").replace("\x00", "").strip()[:60] or "Clé de sécurité"
    user = request.user
    with transaction.atomic():
        credential_id = bytes_to_base64url(verified.credential_id)
        if WebAuthnDevice.objects.filter(credential_id=credential_id).exists():
            raise SecondFactorError("Cette clé est déjà enregistrée.")
        device = WebAuthnDevice.objects.create(
            user=user,
            name=name,
            confirmed=True,
            credential_id=credential_id,
            public_key=verified.credential_public_key,
            sign_count=verified.sign_count,
            transports=[
                t
                for t in (data["credential"].get("response") or {}).get("transports") or []
                if isinstance(t, str)
            ][:8],
        )
        record(
            "account.second_factor_enrolled",
            user,
            by=user,
            after={"device": "webauthn", "device_id": device.pk},
        )
        codes = None if RecoveryCodeDevice.objects.filter(user=user).exists() else issue_recovery_codes(user)
    otp_login(request, device)
    return codes


def authentication_options(request) -> str:
    devices = WebAuthnDevice.objects.filter(user=request.user, confirmed=True)
    options = generate_authentication_options(
        rp_id=rp_id(),
        allow_credentials=[
            PublicKeyCredentialDescriptor(id=base64url_to_bytes(d.credential_id)) for d in devices
        ],
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    request.session[AUTHENTICATION_CHALLENGE] = bytes_to_base64url(options.challenge)
    return options_to_json(options)


def authenticate(request, body: bytes) -> WebAuthnDevice:
    """Checks a signed assertion against the stored public key (and the signature counter); passes the second
    factor."""
    check_attempts(request.user)
    data = _credential(body)
    challenge = request.session.pop(AUTHENTICATION_CHALLENGE, None)
    credential_id = data["credential"].get("id")
    if not challenge or not isinstance(credential_id, str):
        raise SecondFactorError(REFUSED)
    user = request.user
    with transaction.atomic():
        device = (
            WebAuthnDevice.objects.select_for_update()
            .filter(user=user, confirmed=True, credential_id=credential_id)
            .first()
        )
        if device is None:
            raise SecondFactorError(REFUSED)
        try:
            verified = verify_authentication_response(
                credential=data["credential"],
                expected_challenge=base64url_to_bytes(challenge),
                expected_rp_id=rp_id(),
                expected_origin=origin(),
                credential_public_key=bytes(device.public_key),
                credential_current_sign_count=device.sign_count,
            )
        except (WebAuthnException, ValueError, KeyError, TypeError) as error:
            record(
                "account.second_factor_failed", user, by=user, after={"device": "webauthn", "step": "login"}
            )
            raise SecondFactorError(REFUSED) from error
        device.sign_count = verified.new_sign_count
        device.last_used_at = timezone.now()
        device.save(update_fields=["sign_count", "last_used_at"])
    otp_login(request, device)
    record(
        "account.second_factor_passed", user, by=user, after={"device": "webauthn", "device_id": device.pk}
    )
    return device
