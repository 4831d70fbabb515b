"""Delivering stored emails: the task queued at commit, its retries, and the periodic sweep that sends what a crash
or an outage left behind.

At most once: whoever sends an email (its task, a retry, a sweep) first claims it with one conditional UPDATE
(PENDING → SENDING); on PostgreSQL a concurrent claim waits for the row lock, then sees SENDING and claims nothing.
The SMTP conversation happens outside any transaction, and every outcome (sent, error, next attempt) is written in
its own autocommitted UPDATE, so a failure never rolls back its own bookkeeping.

A worker killed between the claim and the outcome leaves the email SENDING: after CNFS_EMAIL_SENDING_TIMEOUT the
sweep gives it back to PENDING (the SMTP server may or may not have taken it; the claim keeps two live workers from
sending it twice, nothing can tell whether a dead one did).
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.tasks import task, task_backends
from django.utils import timezone

from .models import EmailStatus, OutgoingEmail

logger = logging.getLogger(__name__)


def max_attempts() -> int:
    return getattr(settings, "CNFS_EMAIL_MAX_ATTEMPTS", 3)


def retry_delay(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed try (backoff: 1 minute, then 10, by default)."""
    delays = getattr(settings, "CNFS_EMAIL_RETRY_DELAYS", (60, 600))
    return timedelta(seconds=delays[min(attempts, len(delays)) - 1])


def claim(email_id: int) -> bool:
    """Takes the email for sending, if nobody has: one conditional UPDATE, committed at once."""
    return (
        OutgoingEmail.objects.filter(pk=email_id, status=EmailStatus.PENDING).update(
            status=EmailStatus.SENDING, claimed_at=timezone.now(), attempts=F("attempts") + 1
        )
        == 1
    )


def _message(email: OutgoingEmail) -> EmailMultiAlternatives:
    text, html = email.rendered()
    message = EmailMultiAlternatives(subject=email.subject, body=text, to=[email.to])
    message.attach_alternative(html, "text/html")
    return message


def deliver(email_id: int) -> str:
    """Sends one stored email if it can claim it. Returns what happened: sent, retry, failed or not-pending."""
    if not claim(email_id):
        return "not-pending"
    email = OutgoingEmail.objects.get(pk=email_id)
    try:
        _message(email).send()
    except Exception as error:  # the SMTP server, the network, a sealed link that no longer opens…
        return _failed(email, error)
    now = timezone.now()
    OutgoingEmail.objects.filter(pk=email.pk, status=EmailStatus.SENDING).update(
        status=EmailStatus.SENT,
        sent_at=now,
        claimed_at=None,
        last_error="",
        # The secret links are no longer needed once sent; the development outbox (DEBUG) still shows them.
        sealed_links=F("sealed_links") if settings.DEBUG else "",
    )
    return "sent"


def _failed(email: OutgoingEmail, error: Exception) -> str:
    now = timezone.now()
    message = f"{type(error).__name__}: {error}"[:2000]
    attempts = email.attempts  # already counted by the claim
    gave_up = attempts >= max_attempts()
    next_attempt_at = now + retry_delay(attempts)
    OutgoingEmail.objects.filter(pk=email.pk, status=EmailStatus.SENDING).update(
        status=EmailStatus.FAILED if gave_up else EmailStatus.PENDING,
        claimed_at=None,
        last_error=message,
        next_attempt_at=now if gave_up else next_attempt_at,
    )
    logger.warning("email %s: attempt %s failed (%s)", email.pk, attempts, message)
    if gave_up:
        return "failed"
    # A deferred retry where the queue supports it; otherwise (and if it is lost) the sweep takes it when due.
    if task_backends["default"].supports_defer:
        deliver_email.using(run_after=next_attempt_at).enqueue(email.pk)
    return "retry"


@task()
def deliver_email(email_id: int) -> str:
    """Send a stored email once; a second run for the same email does nothing."""
    return deliver(email_id)


def retry(email: OutgoingEmail) -> bool:
    """ANCT's "renvoyer": a failed (or waiting) email gets a fresh set of tries, now."""
    updated = OutgoingEmail.objects.filter(
        pk=email.pk, status__in=[EmailStatus.FAILED, EmailStatus.PENDING]
    ).update(status=EmailStatus.PENDING, attempts=0, next_attempt_at=timezone.now())
    if updated:
        transaction.on_commit(lambda: deliver_email.enqueue(email.pk))
    return bool(updated)


def release_stale_claims(now=None) -> int:
    """Emails left SENDING by a worker that died: back to PENDING (or FAILED once out of tries)."""
    now = now or timezone.now()
    cutoff = now - getattr(settings, "CNFS_EMAIL_SENDING_TIMEOUT", timedelta(minutes=15))
    stale = OutgoingEmail.objects.filter(status=EmailStatus.SENDING, claimed_at__lt=cutoff)
    note = "Envoi interrompu (processus arrêté pendant l'envoi)"
    released = stale.filter(attempts__lt=max_attempts()).update(
        status=EmailStatus.PENDING, claimed_at=None, last_error=note, next_attempt_at=now
    )
    released += stale.update(status=EmailStatus.FAILED, claimed_at=None, last_error=note)
    return released


def recover_stuck_tasks(now=None) -> int:
    """Tasks left RUNNING in django-tasks-db by a worker that died are marked failed; the emails they were sending
    are released by `release_stale_claims`, and the scheduled chains are restarted (`ensure_scheduled`)."""
    from django.tasks import TaskResultStatus
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(task_backends["default"], DatabaseBackend):
        return 0
    now = now or timezone.now()
    cutoff = now - getattr(settings, "CNFS_TASK_STUCK_AFTER", timedelta(hours=1))
    stuck = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=cutoff)
    recovered = stuck.update(
        status=TaskResultStatus.FAILED,
        finished_at=now,
        exception_class_path="cnfs.notifications.tasks.WorkerLost",
        traceback="Worker stopped while the task was running; recovered by sweep_emails.",
    )
    if recovered:
        from cnfs.core.scheduling import ensure_scheduled

        ensure_scheduled()
        logger.warning("%s task(s) stuck running recovered", recovered)
    return recovered


def sweep_emails(now=None) -> dict:
    """The periodic sweep (CNFS_PERIODIC_TASKS["email_sweep"]): recovers dead workers' tasks and claims, then sends
    every email due. Emails never tried and younger than CNFS_EMAIL_SWEEP_GRACE are left to their own task."""
    now = now or timezone.now()
    report = {"tasks_recovered": recover_stuck_tasks(now), "released": release_stale_claims(now)}
    grace = getattr(settings, "CNFS_EMAIL_SWEEP_GRACE", timedelta(minutes=2))
    due = (
        OutgoingEmail.objects.filter(status=EmailStatus.PENDING, next_attempt_at__lte=now)
        .filter(Q(attempts__gt=0) | Q(created_at__lte=now - grace))
        .values_list("pk", flat=True)
    )
    outcomes = [deliver(pk) for pk in list(due.order_by("next_attempt_at")[:500])]
    report.update({outcome: outcomes.count(outcome) for outcome in set(outcomes)})
    return report
