"""Sending an email = storing it under an event key, then delivering it from a task once the transaction commits.

If the task never runs (crash between commit and enqueue, worker killed mid-send, SMTP outage), the stored row is
sent later by the periodic sweep (`tasks.sweep_emails`), at most once.
"""

import hashlib

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string

from . import sealing
from .models import PLACEHOLDER, OutgoingEmail
from .tasks import deliver_email


def absolute_url(path: str) -> str:
    return f"{settings.CNFS_BASE_URL}{path}"


def send_email(
    *,
    event_key: str,
    to: str,
    subject: str,
    template: str,
    context: dict | None = None,
    links: dict[str, str] | None = None,
):
    """Queue `template` (…/name → name.txt and name.html) for `to`. Returns the email, or None if the event
    was already mailed (the same event never mails twice).

    `links` are the token-bearing URLs (invitation, confirmation, password reset…), available to the template under
    their names like `context`. They are never stored in clear: the stored bodies hold a placeholder, the URLs are
    sealed (see sealing.py) and put back only when the email is sent."""
    links = {name: str(url) for name, url in (links or {}).items()}
    context = {
        "subject": subject,
        "base_url": settings.CNFS_BASE_URL,
        **(context or {}),
        **{name: PLACEHOLDER.format(name) for name in links},
    }
    text = render_to_string(f"{template}.txt", context).strip() + "\n"
    html = render_to_string(f"{template}.html", context)
    try:
        with transaction.atomic():
            email = OutgoingEmail.objects.create(
                event_key=stored_event_key(event_key),
                to=to,
                subject=subject,
                body_text=text,
                body_html=html,
                sealed_links=sealing.seal(links) if links else "",
            )
    except IntegrityError:
        return None
    transaction.on_commit(lambda: deliver_email.enqueue(email.pk))
    return email


def stored_event_key(event_key: str) -> str:
    """The event key as stored: its kind (before the first ":") in clear, the rest hashed, since callers build keys
    from ids but also from addresses and reset tokens, which must not sit in the database."""
    kind = event_key.split(":", 1)[0][:60]
    return f"{kind}:{hashlib.sha256(event_key.encode()).hexdigest()}"


def purge_emails_to(address: str) -> int:
    """Right to erasure: the emails stored for this address are deleted (sent or not)."""
    count, _ = OutgoingEmail.objects.to_address(address).delete()
    return count
