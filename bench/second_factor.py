"""The benchmarks open agents' sessions directly (as `force_login` does, without a password): such a session must
also have passed the second factor, or every agent page would answer the redirection to it and the measure would be
of that redirection."""

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from cnfs.accounts import second_factor


def mark_passed(session, user) -> None:
    """Records in `session` (a SessionStore, saved by the caller) a confirmed device of `user` as passed."""
    if not second_factor.is_required(user):
        return
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Mesures", confirmed=True)
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
