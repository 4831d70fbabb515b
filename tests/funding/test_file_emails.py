"""Grant file emails (§14): after commit, through tasks, once per event; no identity from the file in them."""

import pytest
from django.core import mail

from cnfs.accounts.roles import Role
from cnfs.funding import tasks
from cnfs.funding.grant_files import decide
from cnfs.notifications.models import OutgoingEmail
from tests.factories import UserFactory
from tests.funding.files import IDENTITIES, complete, open_file, transmitted_file

pytestmark = pytest.mark.django_db


def _run(task, day, capture):
    with capture(execute=True):
        return task.call(day)


def test_an_incomplete_file_is_recalled_every_7_days_once(time_machine, django_capture_on_commit_callbacks):
    time_machine.move_to("2026-06-01 10:00:00+02:00", tick=False)
    grant_file, member = open_file()
    done, done_member = open_file()
    complete(done, done_member)  # complete: no reminder, even if not transmitted yet
    mail.outbox.clear()
    assert _run(tasks.send_incomplete_reminders, "2026-06-07", django_capture_on_commit_callbacks) == 0
    assert _run(tasks.send_incomplete_reminders, "2026-06-08", django_capture_on_commit_callbacks) == 1
    assert _run(tasks.send_incomplete_reminders, "2026-06-09", django_capture_on_commit_callbacks) == 0
    assert _run(tasks.send_incomplete_reminders, "2026-06-14", django_capture_on_commit_callbacks) == 0
    assert _run(tasks.send_incomplete_reminders, "2026-06-15", django_capture_on_commit_callbacks) == 1
    assert [m.to for m in mail.outbox] == [[member.email], [member.email]]
    assert "Avis de situation au répertoire SIRENE" in mail.outbox[0].body
    assert f"/structure/dossiers/{grant_file.pk}/" in mail.outbox[0].body


def test_the_bdt_is_reminded_3_days_before_the_review_deadline_once(
    time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to("2026-06-01 10:00:00+02:00", tick=False)
    agent = UserFactory(role=Role.BDT)
    grant_file, _ = transmitted_file()  # deadline 16/06
    mail.outbox.clear()
    assert _run(tasks.send_review_reminders, "2026-06-12", django_capture_on_commit_callbacks) == 0
    assert _run(tasks.send_review_reminders, "2026-06-13", django_capture_on_commit_callbacks) == 1
    assert _run(tasks.send_review_reminders, "2026-06-14", django_capture_on_commit_callbacks) == 0
    assert _run(tasks.send_review_reminders, "2026-06-17", django_capture_on_commit_callbacks) == 0
    assert [m.to for m in mail.outbox] == [[agent.email]]
    assert "16/06/2026" in mail.outbox[0].subject and "encore 3 jours" in mail.outbox[0].body


def test_the_decision_email_is_sent_once_and_holds_no_identity(django_capture_on_commit_callbacks):
    agent = UserFactory(role=Role.BDT)
    grant_file, member = transmitted_file()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decide(
            grant_file, by=agent, role=Role.BDT, conform=False, reasons=["identity"], comment="Date erronée."
        )
    assert [m.to for m in mail.outbox] == [[member.email]]
    stored = OutgoingEmail.objects.get(to=member.email, subject__contains="à reprendre")
    for value in (IDENTITIES["president_last_name"], IDENTITIES["dgs_last_name"], "1962"):
        assert value not in stored.body_text and value not in stored.body_html


def test_the_daily_tasks_are_scheduled(settings):
    tasks_by_path = {path for path, _ in settings.CNFS_DAILY_TASKS.values()}
    assert {
        "cnfs.funding.tasks.send_incomplete_reminders",
        "cnfs.funding.tasks.send_review_reminders",
    } <= tasks_by_path
