from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from .models import EmailStatus, OutgoingEmail


@task()
def deliver_email(email_id: int) -> str:
    """Send a stored email once; a second run for the same email does nothing."""
    with transaction.atomic():
        email = OutgoingEmail.objects.select_for_update().get(pk=email_id)
        if email.status == EmailStatus.SENT:
            return "already-sent"
        email.attempts += 1
        message = EmailMultiAlternatives(subject=email.subject, body=email.body_text, to=[email.to])
        message.attach_alternative(email.body_html, "text/html")
        try:
            message.send()
        except Exception as error:
            email.status = EmailStatus.FAILED
            email.last_error = str(error)[:2000]
            email.save(update_fields=["status", "attempts", "last_error"])
            raise
        email.status = EmailStatus.SENT
        email.sent_at = timezone.now()
        email.save(update_fields=["status", "attempts", "sent_at"])
    return "sent"
