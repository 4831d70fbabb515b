"""The activity figures of a scope and period (cnfs/statistics/activity.py), over reports written by the real service:
each scope axis and the period limit what is counted; the monthly table per département adds up by hand."""

import datetime

import pytest
import time_machine

from cnfs.statistics import activity
from tests.activity.factories import make_report

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime.datetime(2026, 3, 18, 10, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def reports(advisor, other_advisor):
    make_report(advisor, date=datetime.date(2026, 1, 31))
    make_report(advisor, date=datetime.date(2026, 2, 1), kind="collective", participants=7, title="Courriel")
    make_report(other_advisor, date=datetime.date(2026, 2, 28), kind="information", participants=3)


def test_each_scope_axis_and_the_period_limit_the_figures(reports, advisor, other_advisor):
    assert activity.figures().reports == 3
    assert activity.figures().participants == 11
    assert activity.figures(advisors=[advisor.pk]).reports == 2
    assert activity.figures(structures=[other_advisor.structure_id]).participants == 3
    assert activity.figures(departements=[advisor.structure.departement_id]).reports == (
        3 if advisor.structure.departement_id == other_advisor.structure.departement_id else 2
    )
    assert activity.figures(departements=[]).reports == 0
    assert activity.figures(since=datetime.date(2026, 2, 1)).reports == 2
    assert activity.figures(until=datetime.date(2026, 1, 31)).reports == 1


def test_the_monthly_table_per_departement(reports, advisor, other_advisor):
    rows = activity.monthly_by_departement()
    assert sum(row["reports"] for row in rows) == 3
    assert sum(row["participants"] for row in rows) == 11
    january = [row for row in rows if row["month"] == datetime.date(2026, 1, 1)]
    assert january == [
        {
            "departement": advisor.structure.departement_id,
            "month": datetime.date(2026, 1, 1),
            "reports": 1,
            "participants": 1,
        }
    ]
    assert activity.monthly_by_departement(
        since=datetime.date(2026, 2, 1), until=datetime.date(2026, 2, 27)
    ) == [
        {
            "departement": advisor.structure.departement_id,
            "month": datetime.date(2026, 2, 1),
            "reports": 1,
            "participants": 7,
        }
    ]
