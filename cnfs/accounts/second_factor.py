"""Second factor (SPEC §15): TOTP (authenticator app), WebAuthn keys (see webauthn.py) and recovery codes, on top of
django-otp's devices and its session marker.

Who must pass one: whoever holds a role of `roles.SECOND_FACTOR_ROLES` (agents and training providers), whatever
role is current, so that switching roles cannot skip it; `SecondFactorMiddleware` sends them to enrolment (no device
yet) or to verification (a device) before any other page. Everyone else may enrol from "Mon compte".

A session has passed the second factor when django-otp recorded a device in it (`otp_login`), or when ProConnect said
the person already passed a multi-factor authentication there (see proconnect.py, `PROCONNECT_MFA_SESSION_KEY`).

Every step writes the journal with the device's id and kind only: never a key, a code or a credential.
"""

import secrets
from base64 import b32encode
from xml.etree import ElementTree

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from cnfs.journal.services import record

from . import ratelimit
from .models import RecoveryCode, RecoveryCodeDevice, RoleAssignment, WebAuthnDevice, hash_token
from .roles import SECOND_FACTOR_ROLES

PROCONNECT_MFA_SESSION_KEY = "cnfs_proconnect_mfa"
ENROLLED_SESSION_KEY = "cnfs_second_factor_enrolled"
RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read from paper
TOTP_NAME = "Application d'authentification"


class SecondFactorError(Exception):
    """A refusal, with the French sentence to show."""


def is_required(user, assignments=None) -> bool:
    if not user.is_authenticated:
        return False
    if assignments is None:
        return RoleAssignment.objects.filter(user=user, role__in=SECOND_FACTOR_ROLES).exists()
    return any(assignment.role in SECOND_FACTOR_ROLES for assignment in assignments)


def is_verified(request) -> bool:
    user = request.user
    if getattr(user, "is_verified", None) and user.is_verified():
        return True
    return request.session.get(PROCONNECT_MFA_SESSION_KEY) == user.pk


def confirmed_devices(user) -> dict:
    """The person's usable devices by kind: totp, webauthn (lists) and recovery (the set, or None)."""
    return {
        "totp": list(TOTPDevice.objects.filter(user=user, confirmed=True)),
        "webauthn": list(WebAuthnDevice.objects.filter(user=user, confirmed=True)),
        "recovery": RecoveryCodeDevice.objects.filter(user=user, confirmed=True).first(),
    }


def has_device(user) -> bool:
    return (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        or WebAuthnDevice.objects.filter(user=user, confirmed=True).exists()
    )


# --- TOTP -------------------------------------------------------------------------------------------------------


def start_totp(user, *, key: str | None = None) -> TOTPDevice:
    """The device being enrolled (not yet confirmed): the same one until confirmed, so that reloading the page does
    not change the QR code already scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice(user=user, name=TOTP_NAME, confirmed=False)
        if key:
            device.key = key
        device.save()
    return device


def totp_secret(device: TOTPDevice) -> str:
    """The key as the apps ask for it when typed by hand: base32, in groups of four."""
    text = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_svg(data: str) -> str:
    """The QR code as an inline SVG element (drawn on the server: no script, nothing fetched)."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    root = image.get_image()
    root.set("aria-hidden", "true")
    root.set("focusable", "false")
    return ElementTree.tostring(root, encoding="unicode")


def check_attempts(user) -> None:
    """Counts one code (or key) attempt for this account; refuses past CNFS_SECOND_FACTOR_ATTEMPTS in the window."""
    limit, period = settings.CNFS_SECOND_FACTOR_ATTEMPTS
    if ratelimit.hit("second_factor", "account", str(user.pk), period=period) > limit:
        record("account.second_factor_rate_limited", user, by=user)
        raise SecondFactorError(ATTEMPTS_MESSAGE)


ATTEMPTS_MESSAGE = "Trop d'essais de code pour ce compte. Pour votre sécurité, réessayez dans 15 minutes."
WRONG_CODE = (
    "Ce code n'est pas valide. Vérifiez l'heure de votre téléphone et saisissez le code affiché maintenant."
)
THROTTLED = "Trop de codes erronés à la suite : patientez quelques secondes avant de réessayer."


def clean_code(token) -> str:
    """Digits only, at most 6 (a TOTP code); anything else is a wrong code, never an error page."""
    token = "".join(str(token or "").split())
    return token if token.isdigit() and len(token) == 6 else ""


def _check_totp(device_id: int, token: str) -> bool:
    """Locks the device while checking, so that one code cannot be accepted twice by concurrent requests (django-otp
    refuses a code whose time step is not after the last accepted one)."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device_id)
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            raise SecondFactorError(THROTTLED)
        return device.verify_token(token)


def confirm_totp(user, device: TOTPDevice, token) -> list[str] | None:
    """Enrolment: the first code proves the app holds the key. Returns the recovery codes issued with the first
    device (to show once), or None if the person already had some. The caller records the session as verified."""
    check_attempts(user)
    token = clean_code(token)
    if not token or not _check_totp(device.pk, token):
        record("account.second_factor_failed", user, by=user, after={"device": "totp", "step": "enrol"})
        raise SecondFactorError(WRONG_CODE)
    with transaction.atomic():
        device.refresh_from_db()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        record(
            "account.second_factor_enrolled", user, by=user, after={"device": "totp", "device_id": device.pk}
        )
        return None if RecoveryCodeDevice.objects.filter(user=user).exists() else issue_recovery_codes(user)


def verify(request, token) -> str:
    """Login: a TOTP code or a recovery code. Returns the kind of device that matched; raises SecondFactorError."""
    user = request.user
    check_attempts(user)
    raw = str(token or "")
    if "\x00" in raw or len(raw) > 40:
        raw = ""
    code = clean_code(raw)
    if code:
        for device in TOTPDevice.objects.filter(user=user, confirmed=True):
            if _check_totp(device.pk, code):
                return _passed(request, device, "totp")
    elif raw:
        recovery = RecoveryCodeDevice.objects.filter(user=user, confirmed=True).first()
        if recovery is not None and recovery.verify_token(raw):
            kind = _passed(request, recovery, "recovery")
            record(
                "account.recovery_code_used",
                user,
                by=user,
                after={"device_id": recovery.pk, "remaining": recovery.remaining()},
            )
            return kind
    record("account.second_factor_failed", user, by=user, after={"step": "login"})
    raise SecondFactorError("Ce code n'est pas valide.")


def _passed(request, device, kind: str) -> str:
    otp_login(request, device)
    record(
        "account.second_factor_passed",
        request.user,
        by=request.user,
        after={"device": kind, "device_id": device.pk},
    )
    return kind


# --- Recovery codes ---------------------------------------------------------------------------------------------


def _new_code() -> str:
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(12))  # 12 × 5 bits = 60 bits
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def issue_recovery_codes(user) -> list[str]:
    """A new set of recovery codes replacing the previous one; returned once, stored hashed."""
    with transaction.atomic():
        device, _ = RecoveryCodeDevice.objects.get_or_create(
            user=user, defaults={"name": "Codes de secours", "confirmed": True}
        )
        device.codes.all().delete()
        codes = [_new_code() for _ in range(settings.CNFS_RECOVERY_CODES)]
        RecoveryCode.objects.bulk_create(
            RecoveryCode(device=device, code_hash=hash_token(code.replace("-", ""))) for code in codes
        )
        record(
            "account.recovery_codes_issued",
            user,
            by=user,
            after={"device_id": device.pk, "count": len(codes)},
        )
    return codes


# --- Removal ----------------------------------------------------------------------------------------------------


def remove_device(user, kind: str, device_id: int, *, by) -> None:
    """The person removes one of their devices. Someone who must use a second factor keeps at least one."""
    model = {"totp": TOTPDevice, "webauthn": WebAuthnDevice}[kind]
    with transaction.atomic():
        device = model.objects.select_for_update().get(user=user, pk=device_id, confirmed=True)
        others = (
            TOTPDevice.objects.filter(user=user, confirmed=True)
            .exclude(pk=device.pk if kind == "totp" else None)
            .count()
            + WebAuthnDevice.objects.filter(user=user, confirmed=True)
            .exclude(pk=device.pk if kind == "webauthn" else None)
            .count()
        )
        if not others and is_required(user):
            raise SecondFactorError(
                "Votre rôle exige une double authentification : ajoutez un autre moyen avant de retirer celui-ci."
            )
        device.delete()
        record("account.second_factor_removed", user, by=by, after={"device": kind, "device_id": device_id})


def reset(user, *, by) -> int:
    """ANCT resets a person's second factor (lost phone or key): every device and recovery code is deleted; the
    person enrols again at their next login. The sessions that passed with a deleted device are no longer verified
    (django-otp looks the device up at each request)."""
    with transaction.atomic():
        ids = {
            "totp": list(TOTPDevice.objects.filter(user=user).values_list("pk", flat=True)),
            "webauthn": list(WebAuthnDevice.objects.filter(user=user).values_list("pk", flat=True)),
            "recovery": list(RecoveryCodeDevice.objects.filter(user=user).values_list("pk", flat=True)),
        }
        TOTPDevice.objects.filter(user=user).delete()
        WebAuthnDevice.objects.filter(user=user).delete()
        RecoveryCodeDevice.objects.filter(user=user).delete()
        record("account.second_factor_reset", user, by=by, before=ids, after={"devices": 0})
    return sum(len(v) for v in ids.values())


def forget_session(request) -> None:
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    request.session.pop(PROCONNECT_MFA_SESSION_KEY, None)
