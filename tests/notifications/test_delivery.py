"""Emails are never lost and never sent twice: failures are recorded and retried with backoff, a sweep sends what a
crash left behind, concurrent senders claim an email at most once."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from cnfs.core import scheduling
from cnfs.notifications import tasks
from cnfs.notifications.models import EmailStatus, OutgoingEmail
from cnfs.notifications.services import send_email
from cnfs.notifications.tasks import deliver, deliver_email, sweep_emails
from tests.concurrency import race

DOWN = {"default": {"BACKEND": "tests.notifications.backends.DownBackend"}}
SLOW = {"default": {"BACKEND": "tests.notifications.backends.SlowBackend"}}
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
START = timezone.datetime(2026, 11, 27, 9, 0, tzinfo=timezone.UTC)


def queue(key="evt-1", to="lea@exemple.fr"):
    return send_email(
        event_key=key, to=to, subject="Objet", template="notifications/emails/test", context={"name": "x"}
    )


@pytest.fixture(autouse=True)
def _test_template(settings, tmp_path):
    folder = tmp_path / "notifications" / "emails"
    folder.mkdir(parents=True)
    (folder / "test.txt").write_text("Bonjour, voici le lien : {{ url|default:'aucun' }}")
    (folder / "test.html").write_text('<p>Bonjour, <a href="{{ url }}">lien</a></p>')
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]


@pytest.mark.django_db
def test_an_smtp_failure_is_recorded_and_retried_with_backoff_then_given_up_after_three_tries(
    django_capture_on_commit_callbacks,
):
    with time_machine.travel(START, tick=False) as clock, override_settings(MAILERS=DOWN):
        with django_capture_on_commit_callbacks(execute=True):
            email = queue()
        email.refresh_from_db()
        # The task failed, and its bookkeeping was not rolled back with it.
        assert (email.status, email.attempts) == (EmailStatus.PENDING, 1)
        assert "SMTPServerDisconnected" in email.last_error
        assert email.next_attempt_at == START + timedelta(minutes=1)

        clock.shift(timedelta(seconds=59))
        assert sweep_emails() == {"tasks_recovered": 0, "released": 0}  # not due yet
        clock.shift(timedelta(seconds=1))
        assert sweep_emails()["retry"] == 1
        email.refresh_from_db()
        assert (email.status, email.attempts) == (EmailStatus.PENDING, 2)
        assert email.next_attempt_at == START + timedelta(minutes=11)

        clock.shift(timedelta(minutes=10))
        assert sweep_emails()["failed"] == 1
        email.refresh_from_db()
        assert (email.status, email.attempts) == (EmailStatus.FAILED, 3)
        clock.shift(timedelta(hours=1))
        assert "failed" not in sweep_emails()
    assert mail.outbox == []


@pytest.mark.django_db
@override_settings(TASKS=DB_TASKS, MAILERS=DOWN)
def test_with_the_database_queue_a_failed_email_gets_a_deferred_retry_task(
    django_capture_on_commit_callbacks,
):
    from django_tasks_db.models import DBTaskResult

    with time_machine.travel(START, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            email = queue()
        assert deliver_email.call(email.pk) == "retry"
    retries = DBTaskResult.objects.filter(task_path="cnfs.notifications.tasks.deliver_email")
    assert START + timedelta(minutes=1) in {row.run_after for row in retries}


@pytest.mark.django_db
def test_an_email_whose_task_was_never_enqueued_is_sent_by_the_sweep_once(django_capture_on_commit_callbacks):
    with time_machine.travel(START, tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=False):  # crash between commit and enqueue
            email = queue()
        sweep_emails()
        assert mail.outbox == []  # within the grace period its own task may still come
        clock.shift(timedelta(minutes=2))
        assert sweep_emails()["sent"] == 1
        sweep_emails()
        deliver_email.call(email.pk)  # the lost task finally runs: nothing more
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.SENT, 1)


@pytest.mark.django_db
def test_an_email_left_sending_by_a_killed_worker_is_sent_later(django_capture_on_commit_callbacks):
    with time_machine.travel(START, tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=False):
            email = queue()
        assert tasks.claim(email.pk)  # the worker claimed it, then was killed before sending
        clock.shift(timedelta(minutes=14))
        sweep_emails()
        assert mail.outbox == []  # maybe still sending
        clock.shift(timedelta(minutes=2))
        report = sweep_emails()
        assert (report["released"], report["sent"]) == (1, 1)
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.SENT, 2)


@pytest.mark.django_db
@override_settings(TASKS=DB_TASKS)
def test_tasks_stuck_running_after_a_worker_died_are_recovered_and_their_email_swept(
    django_capture_on_commit_callbacks,
):
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    with time_machine.travel(START, tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            email = queue()
        row = DBTaskResult.objects.get(task_path="cnfs.notifications.tasks.deliver_email")
        DBTaskResult.objects.filter(pk=row.pk).update(status=TaskResultStatus.RUNNING, started_at=START)
        tasks.claim(email.pk)
        clock.shift(timedelta(minutes=10))
        assert sweep_emails() == {"tasks_recovered": 0, "released": 0}
        clock.shift(timedelta(minutes=51))
        report = sweep_emails()
    assert (report["tasks_recovered"], report["released"], report["sent"]) == (1, 1, 1)
    row.refresh_from_db()
    assert row.status == TaskResultStatus.FAILED
    assert len(mail.outbox) == 1
    # The scheduled chains are restarted too.
    assert "email_sweep" in scheduling.pending_names(scheduling.PERIODIC_TASK_PATH)


@pytest.mark.django_db
@override_settings(TASKS=DB_TASKS)
def test_the_sweep_reschedules_itself_before_running():
    from django_tasks_db.models import DBTaskResult

    assert "email_sweep" in scheduling.ensure_scheduled()
    assert scheduling.ensure_scheduled() == []
    pending = DBTaskResult.objects.filter(task_path=scheduling.PERIODIC_TASK_PATH)
    assert pending.count() == 1
    pending.delete()
    with time_machine.travel(START, tick=False):
        scheduling.run_periodic.call("email_sweep")
    row = DBTaskResult.objects.get(task_path=scheduling.PERIODIC_TASK_PATH)
    assert row.run_after == START + timedelta(minutes=5)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@override_settings(MAILERS=SLOW, CNFS_EMAIL_SWEEP_GRACE=timedelta(0))
def test_concurrent_senders_send_each_email_at_most_once():
    """Two tasks, or a task and a sweep, on the same emails at the same instant: each email goes out once."""
    with transaction.atomic():
        emails = [
            OutgoingEmail.objects.create(event_key=f"race:{i}", to=f"p{i}@exemple.fr") for i in range(8)
        ]
    ids = [email.pk for email in emails]
    results = race(
        *[lambda: [deliver(pk) for pk in ids], lambda: [deliver(pk) for pk in reversed(ids)], sweep_emails]
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert results[0].count("sent") + results[1].count("sent") + results[2].get("sent", 0) == len(ids)
    assert sorted(message.to[0] for message in mail.outbox) == sorted(email.to for email in emails)
    assert OutgoingEmail.objects.filter(status=EmailStatus.SENT, attempts=1).count() == len(emails)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_claim_waits_for_a_concurrent_claim_and_then_takes_nothing():
    """The status claim under a real row lock: the second UPDATE waits for the first transaction, re-reads the row,
    finds it SENDING and claims nothing."""
    import time

    email = OutgoingEmail.objects.create(event_key="race", to="p@exemple.fr")

    def slow_claim():
        with transaction.atomic():
            claimed = tasks.claim(email.pk)
            time.sleep(0.3)
        return claimed

    def late_claim():
        time.sleep(0.1)
        return tasks.claim(email.pk)

    assert sorted(race(*[slow_claim, late_claim])) == [False, True]
    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.SENDING, 1)
