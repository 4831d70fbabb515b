"""Sending an email = storing it under an event key, then delivering it from a task once the transaction commits."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string

from .models import OutgoingEmail
from .tasks import deliver_email


def absolute_url(path: str) -> str:
    return f"{settings.CNFS_BASE_URL}{path}"


def send_email(*, event_key: str, to: str, subject: str, template: str, context: dict | None = None):
    """Queue `template` (…/name → name.txt and name.html) for `to`. Returns the email, or None if the event
    was already mailed (the same event never mails twice)."""
    context = {"subject": subject, "base_url": settings.CNFS_BASE_URL, **(context or {})}
    text = render_to_string(f"{template}.txt", context).strip() + "\n"
    html = render_to_string(f"{template}.html", context)
    try:
        with transaction.atomic():
            email = OutgoingEmail.objects.create(
                event_key=event_key[:200], to=to, subject=subject, body_text=text, body_html=html
            )
    except IntegrityError:
        return None
    transaction.on_commit(lambda: deliver_email.enqueue(email.pk))
    return email
