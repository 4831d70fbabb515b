"""Cancelling a transmitted application needs proof that the applicant asks for it: a single-use link, valid
settings.CNFS_CANCELLATION_LINK_VALIDITY (48 h), emailed to the contact on request from the summary page.

The summary page's own link is permanent and travels in the summary email: it shows the application, it does not
prove who holds it. A draft, reached only through its private link, is still cancelled directly.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cnfs.accounts.models import Invitation, hash_token
from cnfs.journal.services import record

from . import notify, workflow
from .models import ApplicationStatus, CancellationLink

# A new link is mailed at most once in this interval: the summary page cannot be used to flood the contact.
RESEND_INTERVAL = timedelta(minutes=5)


class CancellationError(Exception):
    pass


def needs_link(application) -> bool:
    return application.status != ApplicationStatus.DRAFT and workflow.can(application, "cancel")


def send_link(application) -> CancellationLink | None:
    """Mails a new link to the contact; None when one was mailed a moment ago."""
    if not needs_link(application):
        raise CancellationError("Cette candidature ne peut plus être annulée.")
    now = timezone.now()
    with transaction.atomic():
        type(application).objects.select_for_update().filter(pk=application.pk).first()
        if CancellationLink.objects.filter(
            application=application, used_at__isnull=True, created_at__gt=now - RESEND_INTERVAL
        ).exists():
            return None
        token = Invitation.new_token()
        link = CancellationLink.objects.create(
            application=application,
            token_hash=hash_token(token),
            created_at=now,
            expires_at=now + settings.CNFS_CANCELLATION_LINK_VALIDITY,
        )
        record("application.cancellation_link_sent", application, after={"link": link.pk})
        notify.cancellation_link(application, link, token)
    return link


def check_link(token: str) -> CancellationLink:
    """The usable link for this token, or CancellationError with the French reason."""
    link = (
        CancellationLink.objects.select_related("application")
        .filter(token_hash=hash_token(token or ""))
        .first()
    )
    if link is None:
        raise CancellationError("Ce lien d'annulation n'est pas valide : vérifiez qu'il est complet.")
    if link.used_at is not None:
        raise CancellationError("Ce lien d'annulation a déjà été utilisé.")
    if link.expires_at <= timezone.now():
        raise CancellationError(
            "Ce lien d'annulation a expiré : demandez-en un nouveau depuis la page de votre candidature."
        )
    if not workflow.can(link.application, "cancel"):
        raise CancellationError(
            f"Cette candidature ne peut plus être annulée : elle est au statut « {link.application.get_status_display()} »."
        )
    return link


def cancel_with_link(token: str, *, reason: str = ""):
    """Single use: the link row is locked, checked, the application cancelled and the link spent in one
    transaction. The journal gets ids only (the reason stays in the transition log)."""
    with transaction.atomic():
        link = check_link(token)
        link = CancellationLink.objects.select_for_update().get(pk=link.pk)
        if link.used_at is not None:
            raise CancellationError("Ce lien d'annulation a déjà été utilisé.")
        try:
            application = workflow.cancel(link.application, by=None, reason=reason)
        except workflow.TransitionError as error:
            raise CancellationError(str(error)) from error
        link.used_at = timezone.now()
        link.save(update_fields=["used_at"])
        record(
            "application.cancellation_link_used",
            application,
            before={"link": link.pk, "used_at": None},
            after={"link": link.pk, "used_at": link.used_at},
        )
    return application
