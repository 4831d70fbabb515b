"""Keeps Candidate.email_confirmed in step with the account's email confirmation (the source of truth)."""

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import Signal, receiver

# Sent (inside the transaction) when a candidate is available again; recruitment reopens their closed matches.
# Arguments: candidate, by.
candidate_available_again = Signal()


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="candidates.sync_email_confirmed")
def sync_email_confirmed(sender, instance, created, update_fields=None, **kwargs):
    if created or (update_fields is not None and "email_confirmed_at" not in update_fields):
        return
    from .models import Candidate

    Candidate.objects.filter(user_id=instance.pk).exclude(
        email_confirmed=instance.email_confirmed_at is not None
    ).update(email_confirmed=instance.email_confirmed_at is not None)
