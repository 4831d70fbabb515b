"""Quarterly subsidy-use reports: one per structure and ended quarter, due 30 days after the quarter ends; late
structures listed; reminders 7 days before and once when late."""

from datetime import date
from decimal import Decimal

import pytest
from django.core import mail

from cnfs.accounts.recipients import structure_users
from cnfs.core.workflow import TransitionError
from cnfs.funding import reports
from cnfs.funding.models import QuarterlyReport
from cnfs.funding.reports import Quarter
from cnfs.journal.models import JournalEntry
from tests.funding.factories import contract_for, hired_match
from tests.recruitment.factories import structure_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def structure(time_machine):
    time_machine.move_to("2026-07-01 09:00:00+02:00", tick=False)
    contract = contract_for(hired_match(), signed_on=date(2026, 5, 4))  # first quarter due: 2nd quarter 2026
    return contract.structure


def submit(structure, year=2026, quarter=2, **fields):
    return reports.submit_report(
        structure,
        by=structure_user(structure),
        year=year,
        quarter=quarter,
        amount_spent=fields.get("amount_spent", Decimal("6300.50")),
        advisors_in_post=fields.get("advisors_in_post", 1),
        summary=fields.get("summary", "Ateliers numériques deux fois par semaine."),
    )


def test_quarter_arithmetic():
    q3 = Quarter(2026, 3)
    assert (q3.start, q3.end, q3.due_on) == (date(2026, 7, 1), date(2026, 9, 30), date(2026, 10, 30))
    assert Quarter(2026, 4).end == date(2026, 12, 31) and Quarter(2026, 4).next() == Quarter(2027, 1)
    assert Quarter.of(date(2026, 2, 28)) == Quarter(2026, 1)
    assert q3.label == "3e trimestre 2026" and Quarter(2027, 1).label == "1er trimestre 2027"


def test_a_report_is_filed_once_per_quarter_and_journaled(structure):
    report = submit(structure)
    assert report.quarter == 2
    entry = JournalEntry.objects.get(action="quarterly_report.submitted")
    assert entry.after["quarter"] == 2 and entry.after["late"] is False
    assert "summary" not in entry.after
    with pytest.raises(TransitionError, match="2e trimestre 2026 est déjà déposé"):
        submit(structure)
    assert QuarterlyReport.objects.count() == 1


def test_a_future_or_current_quarter_cannot_be_reported(structure):
    with pytest.raises(
        TransitionError, match=r"3e trimestre 2026 n'est pas terminé .* à partir du 01/10/2026"
    ):
        submit(structure, quarter=3)
    with pytest.raises(TransitionError, match="n'est pas terminé"):
        submit(structure, year=2099, quarter=1)
    with pytest.raises(TransitionError, match="premier contrat"):
        submit(structure, quarter=1)
    assert not QuarterlyReport.objects.exists()


def test_a_structure_without_contract_reports_nothing(time_machine):
    from tests.recruitment.factories import activated_structure

    structure = activated_structure()
    with pytest.raises(TransitionError, match="pas encore de contrat"):
        submit(structure)


def test_late_at_the_day_after_the_due_date(structure, time_machine):
    # 2nd quarter 2026 ends 30/06: due 30/07.
    time_machine.move_to("2026-07-30 23:00:00+02:00", tick=False)
    [row] = reports.reports_status()
    assert row.missing == [Quarter(2026, 2)]
    assert row.late(date(2026, 7, 30)) == []
    time_machine.move_to("2026-07-31 08:00:00+02:00", tick=False)
    [row] = reports.reports_status()
    assert row.late(date(2026, 7, 31)) == [Quarter(2026, 2)]
    submit(structure)
    [row] = reports.reports_status()
    assert row.missing == []


def test_reminders_seven_days_before_and_once_when_late(structure, django_capture_on_commit_callbacks):
    team = sorted(structure_users(structure).values_list("email", flat=True))  # the hire's user
    with django_capture_on_commit_callbacks(execute=True):
        assert reports.send_quarterly_report_reminders.call("2026-07-22") == 0  # 8 days before
        assert reports.send_quarterly_report_reminders.call("2026-07-23") == len(team)  # 7 days before
        assert reports.send_quarterly_report_reminders.call("2026-07-24") == 0  # already reminded
        assert reports.send_quarterly_report_reminders.call("2026-07-31") == len(team)  # late
        assert reports.send_quarterly_report_reminders.call("2026-08-15") == 0  # late once per quarter
    assert len(team) == 1
    assert [m.to for m in mail.outbox] == [team, team]
    assert "à déposer avant le 30/07/2026" in mail.outbox[0].subject
    assert "en retard" in mail.outbox[1].subject


def test_a_filed_report_is_not_reminded(structure, django_capture_on_commit_callbacks):
    submit(structure)
    with django_capture_on_commit_callbacks(execute=True):
        assert reports.send_quarterly_report_reminders.call("2026-07-23") == 0
        assert reports.send_quarterly_report_reminders.call("2026-08-01") == 0


def test_the_reminder_task_is_scheduled_daily(settings):
    assert settings.CNFS_DAILY_TASKS["quarterly_report_reminders"][0] == (
        "cnfs.funding.reports.send_quarterly_report_reminders"
    )
