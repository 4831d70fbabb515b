"""The monthly rollups under real concurrent transactions on PostgreSQL: reports of the same advisor and month
committed at the same instant (created, moved into the month, deleted from it) leave the exact totals."""

import datetime
import uuid

import pytest
from django.db import transaction

from cnfs.activity import reports, rollups
from cnfs.activity.models import ActivityReport, ActivityRollup
from tests.activity.factories import hired_advisor, report_values
from tests.concurrency import APPS_BUT_JOURNAL, outcomes, race

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, available_apps=APPS_BUT_JOURNAL),
    pytest.mark.usefixtures("_journal_cleanup"),
]

DAY = datetime.date(2026, 1, 15)


def submit(advisor, **values):
    def run():
        return reports.create_report(
            advisor, report_values(**values), by=advisor.candidate.user, submission_key=uuid.uuid4()
        )

    return run


def test_reports_of_the_same_month_created_at_once_are_all_counted():
    advisor = hired_advisor()
    results = race(*[submit(advisor, date=DAY, participants=1) for _ in range(4)])
    assert outcomes(results, Exception) == ["ok"] * 4
    row = ActivityRollup.objects.get(advisor=advisor, month=datetime.date(2026, 1, 1))
    assert (row.reports, row.people, row.minutes, row.theme_email) == (4, 4, 120, 4)
    assert rollups.drifted() == []


def test_a_report_moved_into_a_month_while_another_is_created_and_another_deleted_there():
    advisor = hired_advisor()
    user = advisor.candidate.user
    moved = reports.create_report(advisor, report_values(date=datetime.date(2025, 12, 20)), by=user)
    gone = reports.create_report(advisor, report_values(date=DAY), by=user)
    values = {name: getattr(moved, name) for name in reports.EDITABLE_FIELDS}
    results = race(
        lambda: reports.update_report(moved, {**values, "date": DAY}, by=user),
        submit(advisor, date=DAY + datetime.timedelta(days=1)),
        lambda: reports.delete_report(gone, by=user),
    )
    for result in results:
        assert not isinstance(result, Exception), result
    assert ActivityReport.objects.count() == 2
    assert list(ActivityRollup.objects.values_list("month", "reports")) == [(datetime.date(2026, 1, 1), 2)]
    assert rollups.drifted() == []


def test_two_advisors_of_a_departement_writing_the_same_month_at_once_are_both_counted_there():
    from cnfs.activity.models import DepartementRollup

    first = hired_advisor()
    colleague = hired_advisor(first.structure)
    results = race(*[submit(advisor, date=DAY, participants=1) for advisor in (first, colleague) * 3])
    assert outcomes(results, Exception) == ["ok"] * 6
    row = DepartementRollup.objects.get(
        departement_id=first.structure.departement_id, month=DAY.replace(day=1)
    )
    assert (row.reports, row.people) == (6, 6)
    assert rollups.departements_drifted() == []


def test_a_structure_moving_to_another_departement_while_its_advisor_writes_a_report():
    from cnfs.structures.models import Structure
    from tests.factories import DepartementFactory

    advisor = hired_advisor()
    reports.create_report(advisor, report_values(date=DAY), by=advisor.candidate.user)
    puy_de_dome = DepartementFactory(code="63", name="Puy-de-Dôme")

    def move():
        with transaction.atomic():
            structure = Structure.objects.select_for_update().get(pk=advisor.structure_id)
            structure.departement = puy_de_dome
            structure.save()

    results = race(move, submit(advisor, date=DAY), submit(advisor, date=DAY + datetime.timedelta(days=31)))
    assert outcomes(results, Exception) == ["ok"] * 3
    assert rollups.departements_drifted() == []
    from cnfs.statistics import activity

    assert activity.figures(departements=["63"]).reports == 3
    assert activity.figures(departements=["03"]).reports == 0
