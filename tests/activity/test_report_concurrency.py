"""Races on PostgreSQL, with real concurrent transactions: the same report form sent twice at the same instant (a
double click reaching two workers) saves one report, with one journal entry, and both answers point at it."""

import uuid

import pytest

from cnfs.activity import reports
from cnfs.activity.models import ActivityReport
from cnfs.journal.models import JournalEntry
from tests.activity.factories import hired_advisor, report_values
from tests.concurrency import APPS_BUT_JOURNAL, outcomes, race

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, available_apps=APPS_BUT_JOURNAL),
    pytest.mark.usefixtures("_journal_cleanup"),
]


def test_the_same_form_sent_twice_at_once_saves_one_report():
    advisor = hired_advisor()
    key = uuid.uuid4()

    def submit():
        return reports.create_report(advisor, report_values(), by=advisor.candidate.user, submission_key=key)

    results = race(submit, submit)
    assert outcomes(results, Exception) == ["ok", "ok"]
    assert results[0].pk == results[1].pk
    report = ActivityReport.objects.get()
    assert report.submission_key == key
    assert (
        JournalEntry.objects.filter(action="activity_report.created", object_id=str(report.pk)).count() == 1
    )


def test_two_different_forms_at_once_save_two_reports():
    advisor = hired_advisor()

    def submit():
        return reports.create_report(
            advisor, report_values(), by=advisor.candidate.user, submission_key=uuid.uuid4()
        )

    results = race(submit, submit)
    assert outcomes(results, Exception) == ["ok", "ok"]
    assert ActivityReport.objects.count() == 2
