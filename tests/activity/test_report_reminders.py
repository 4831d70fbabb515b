"""Reminders for advisors who stop reporting: the advisor at 30 days without a report, their structure at 45, once
per stretch, caught up the next day, and a new report starts a new stretch."""

import datetime

import pytest
import time_machine

from cnfs.accounts.recipients import structure_users
from cnfs.activity.report_reminders import send_report_reminders
from cnfs.notifications.models import OutgoingEmail
from tests.activity.factories import hired_advisor, make_report

pytestmark = pytest.mark.django_db

LAST = datetime.date(2026, 1, 10)  # the advisor's last report


@pytest.fixture
def advisor():
    with time_machine.travel(datetime.datetime(2025, 12, 1, 9, tzinfo=datetime.UTC), tick=False):
        advisor = hired_advisor()
    with time_machine.travel(datetime.datetime(2026, 1, 12, 9, tzinfo=datetime.UTC), tick=False):
        make_report(advisor, date=LAST)
    return advisor


def run(day: datetime.date) -> int:
    with time_machine.travel(
        datetime.datetime.combine(day, datetime.time(7, 55), tzinfo=datetime.UTC), tick=False
    ):
        return send_report_reminders.call()


def emails_to(address):
    """The report reminders sent to `address` (the hire sent the advisor other emails)."""
    reminders = OutgoingEmail.objects.filter(to=address, event_key__startswith="report_reminder:")
    return list(reminders.order_by("pk"))


def test_the_advisor_is_reminded_at_30_days_once(advisor):
    user = advisor.candidate.user
    assert run(LAST + datetime.timedelta(days=29)) == 0
    assert run(LAST + datetime.timedelta(days=30)) == 1
    assert run(LAST + datetime.timedelta(days=30)) == 0  # the same day again
    assert run(LAST + datetime.timedelta(days=31)) == 0  # the next day
    [email] = emails_to(user.email)
    assert "10/01/2026" in email.body_text and "30 jours" in email.body_text
    assert "/activite/comptes-rendus/nouveau/" in email.body_text


def test_a_missed_day_is_caught_up(advisor):
    assert run(LAST + datetime.timedelta(days=33)) == 1
    assert len(emails_to(advisor.candidate.user.email)) == 1


def test_the_structure_is_told_at_45_days_once(advisor):
    members = list(structure_users(advisor.structure))
    assert members, "the hired advisor's structure has its team"
    run(LAST + datetime.timedelta(days=30))
    assert run(LAST + datetime.timedelta(days=44)) == 0
    assert run(LAST + datetime.timedelta(days=45)) == len(members)
    assert run(LAST + datetime.timedelta(days=46)) == 0
    for member in members:
        [email] = emails_to(member.email)
        assert advisor.candidate.user.full_name in email.body_text
        assert "45 jours" in email.body_text
    assert len(emails_to(advisor.candidate.user.email)) == 1  # the advisor's own reminder, once


def test_a_new_report_starts_a_new_stretch(advisor):
    assert run(LAST + datetime.timedelta(days=30)) == 1
    later = LAST + datetime.timedelta(days=35)
    with time_machine.travel(
        datetime.datetime.combine(later, datetime.time(10), tzinfo=datetime.UTC), tick=False
    ):
        make_report(advisor, date=later)
    assert run(later + datetime.timedelta(days=29)) == 0
    assert run(later + datetime.timedelta(days=30)) == 1
    assert len(emails_to(advisor.candidate.user.email)) == 2


def test_an_advisor_who_never_reported_counts_from_the_hire(db):
    with time_machine.travel(datetime.datetime(2026, 2, 1, 9, tzinfo=datetime.UTC), tick=False):
        advisor = hired_advisor()
    assert run(datetime.date(2026, 3, 2)) == 0  # 29 days
    assert run(datetime.date(2026, 3, 3)) == 1
    assert emails_to(advisor.candidate.user.email)


def test_a_departed_advisor_is_not_reminded(advisor):
    from cnfs.recruitment.models import Advisor, AdvisorStatus

    Advisor.objects.filter(pk=advisor.pk).update(status=AdvisorStatus.TERMINATED, post=None)
    assert run(LAST + datetime.timedelta(days=30)) == 0
