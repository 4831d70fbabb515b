"""Logins, failed logins and lockouts reach the journal: ids and the client address only, never the typed email."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from cnfs.journal.services import record

from .lockout import login_identifier
from .models import User


def _account_of(request, credentials):
    """The account the typed identifier designates, if any: its id goes to the journal, the identifier does not."""
    identifier = login_identifier(request, credentials)
    if not identifier:
        return None
    return User.objects.filter(email__iexact=identifier).only("pk").first()


@receiver(user_logged_in, dispatch_uid="cnfs-journal-login")
def journal_login(sender, request, user, **kwargs):
    record("account.login", user, by=user)


@receiver(user_logged_in, dispatch_uid="cnfs-second-factor-enrolled")
def remember_enrolment(sender, request, user, **kwargs):
    """Whoever has a device (even where their role does not require one) is asked for it after the password: the
    session notes it once here rather than looking the devices up at each request."""
    from . import second_factor

    if request is not None and hasattr(request, "session") and second_factor.has_device(user):
        request.session[second_factor.ENROLLED_SESSION_KEY] = True


@receiver(user_login_failed, dispatch_uid="cnfs-journal-login-failed")
def journal_login_failed(sender, credentials, request=None, **kwargs):
    account = _account_of(request, credentials)
    record("account.login_failed", account, by=None)


@receiver(user_locked_out, dispatch_uid="cnfs-journal-locked-out")
def journal_locked_out(sender, request, username=None, ip_address=None, **kwargs):
    account = _account_of(request, {"username": username} if username else None)
    record("account.locked_out", account, by=None)
