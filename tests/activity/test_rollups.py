"""The monthly rollups against the raw reports: random histories written by the real services (create, duplicate,
edit — moving a report to another month —, delete), then every figure of every scope axis and of periods cut on and
off month boundaries, read from the rollups (cnfs.statistics.activity), equals stats.compute over the raw reports;
the consistency rule catches a drifted row and the rebuild repairs it."""

import datetime
import random

import pytest
import time_machine
from django.core.management import call_command

from cnfs.activity import reports, rollups, stats
from cnfs.activity.models import ActivityReport, ActivityRollup
from cnfs.activity.report_models import (
    BREAKDOWNS,
    ProcedureSubTheme,
    StructureType,
    report_theme_choices,
)
from cnfs.core.consistency import run_checks
from cnfs.statistics import activity
from tests.activity.factories import hired_advisor, make_place, moulins, report_values
from tests.factories import DepartementFactory
from tests.recruitment.factories import activated_structure

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 18)
FIRST = datetime.date(2025, 10, 1)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime.datetime(2026, 3, 18, 10, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def advisors(db):
    first = hired_advisor()
    colleague = hired_advisor(first.structure)
    elsewhere = hired_advisor(
        activated_structure(departement=DepartementFactory(code="63", name="Puy-de-Dôme"))
    )
    return [first, colleague, elsewhere]


def random_values(rng: random.Random, advisor, places, commune) -> dict:
    kind = rng.choice(["individual", "collective", "information"])
    participants = 1 if kind == "individual" else rng.randint(1, 40)
    place_kind = rng.choice(
        ["place", "home", "remote", "other"] if places.get(advisor.pk) else ["remote", "home"]
    )
    subs = rng.sample([sub.value for sub in ProcedureSubTheme], rng.randint(0, 2))
    values = report_values(
        date=FIRST + datetime.timedelta(days=rng.randint(0, (TODAY - FIRST).days)),
        kind=kind,
        title="Atelier" if kind == "collective" else "",
        place_kind=place_kind,
        place=places.get(advisor.pk) if place_kind == "place" else None,
        commune=commune if place_kind in ("home", "other") else None,
        duration_minutes=rng.choice([5, 30, 31, 60, 61, 120, 121, 600]),
        themes=rng.sample([code for code, _ in report_theme_choices()], rng.randint(1, 3)),
        sub_themes=subs,
        participants=participants,
        already_accompanied=rng.randint(0, participants),
        redirected_to=rng.choice(["", "", *StructureType.values]),
        aidants_connect=rng.random() < 0.2,
        pass_numerique=rng.choice([0, 0, 1, 3]),
    )
    for _, _, bands in BREAKDOWNS:
        left = participants
        for name, _ in bands:
            values[name] = rng.randint(0, left)
            left -= values[name]
    return values


def random_history(rng: random.Random, advisors, steps: int) -> None:
    places = {advisors[0].pk: make_place(advisors[0])}
    commune = moulins()
    for _ in range(steps):
        existing = list(ActivityReport.objects.order_by("pk").select_related("advisor__candidate__user"))
        action = rng.choice(["create", "create", "create", "duplicate", "edit", "move", "delete"])
        if action == "create" or not existing:
            advisor = rng.choice(advisors)
            reports.create_report(
                advisor, random_values(rng, advisor, places, commune), by=advisor.candidate.user
            )
            continue
        report = rng.choice(existing)
        user = report.advisor.candidate.user
        if action == "duplicate":
            values = reports.duplicate_values(report)
            values["date"] = report.date - datetime.timedelta(days=rng.randint(0, 40))
            reports.create_report(report.advisor, values, by=user)
        elif action == "edit":
            reports.update_report(report, random_values(rng, report.advisor, places, commune), by=user)
        elif action == "move":
            days = rng.choice([-40, -31, -1, 1, 28])
            moved = min(max(report.date + datetime.timedelta(days=days), FIRST), TODAY)
            values = {name: getattr(report, name) for name in reports.EDITABLE_FIELDS}
            reports.update_report(report, {**values, "date": moved}, by=user)
        else:
            reports.delete_report(report, by=user)


PERIODS = [
    (None, None),
    (datetime.date(2025, 11, 1), datetime.date(2026, 1, 31)),  # whole months only
    (datetime.date(2025, 11, 15), datetime.date(2026, 2, 3)),  # partial first and last months
    (datetime.date(2025, 12, 1), datetime.date(2026, 2, 10)),  # partial last month
    (datetime.date(2025, 10, 31), datetime.date(2026, 1, 31)),  # partial first month
    (datetime.date(2025, 12, 5), datetime.date(2025, 12, 20)),  # inside one month
    (datetime.date(2026, 1, 31), datetime.date(2026, 2, 1)),  # two edges, no whole month
    (datetime.date(2026, 2, 1), None),
    (None, datetime.date(2025, 12, 30)),
    (datetime.date(2026, 2, 28), datetime.date(2026, 2, 1)),  # reversed: nothing
    (datetime.date(1, 1, 1), datetime.date(9999, 12, 31)),
    (datetime.date(9999, 12, 5), None),
    (None, datetime.date(1, 1, 3)),
]


def scopes(advisors):
    first, _, elsewhere = advisors
    yield {}
    yield {"departements": [first.structure.departement_id]}
    yield {"departements": [first.structure.departement_id, elsewhere.structure.departement_id]}
    yield {"departements": []}
    yield {"structures": [first.structure_id]}
    yield {"structures": [elsewhere.structure_id], "departements": [elsewhere.structure.departement_id]}
    yield {"advisors": [first.pk]}
    yield {"advisors": [advisor.pk for advisor in advisors]}


def raw_monthly(**scope):
    """The monthly table per département by hand, from the reports."""
    table = {}
    for report in rollups.scoped_reports(**scope).select_related("advisor__structure"):
        key = (report.advisor.structure.departement_id, report.date.replace(day=1))
        counts = table.setdefault(key, [0, 0])
        counts[0] += 1
        counts[1] += report.participants
    return [
        {"departement": code, "month": month, "reports": n, "participants": people}
        for (code, month), (n, people) in sorted(table.items())
    ]


def assert_rollups_equal_raw(advisors):
    assert rollups.drifted() == []
    for scope in scopes(advisors):
        for since, until in PERIODS:
            raw = stats.compute(rollups.scoped_reports(**scope, since=since, until=until))
            assert activity.figures(**scope, since=since, until=until) == raw, (scope, since, until)
    for since, until in PERIODS:
        for departements in (None, [advisors[0].structure.departement_id]):
            expected = raw_monthly(departements=departements, since=since, until=until)
            assert activity.monthly_by_departement(departements, since=since, until=until) == expected


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_histories_give_the_raw_figures(advisors, seed):
    random_history(random.Random(seed), advisors, 60)
    assert ActivityReport.objects.exists()
    assert activity.figures().reports == ActivityReport.objects.count()
    assert_rollups_equal_raw(advisors)


def test_an_advisor_changing_structure_takes_their_figures_along(advisors):
    """The scope follows the advisor's current structure, for the rollups as for the reports."""
    random_history(random.Random(7), advisors, 25)
    from cnfs.recruitment.models import Advisor

    # As a re-hire elsewhere writes it (cnfs.recruitment.workflow.hire): from Allier to Puy-de-Dôme.
    Advisor.objects.update_or_create(
        candidate=advisors[1].candidate, defaults={"structure": advisors[2].structure}
    )
    assert rollups.departements_drifted() == []
    assert_rollups_equal_raw(advisors)


def test_a_structure_changing_departement_takes_its_advisors_figures_along(advisors):
    random_history(random.Random(8), advisors, 25)
    structure = advisors[0].structure
    allier = activity.figures(departements=["03"])
    assert allier.reports > 0
    structure.departement = advisors[2].structure.departement
    structure.save()
    assert rollups.departements_drifted() == []
    assert activity.figures(departements=["03"]).reports == 0
    assert activity.figures(departements=["63"]).reports == ActivityReport.objects.count()
    assert_rollups_equal_raw(advisors)


def test_the_departement_rows_are_the_advisor_rows_added_up(advisors):
    """Read for the whole country and for départements, the département rows; for structures and advisors, the
    advisor rows: both agree with the raw reports, month by month."""
    from cnfs.activity.models import DepartementRollup

    random_history(random.Random(5), advisors, 40)
    assert rollups.departements_drifted() == []
    assert set(DepartementRollup.objects.values_list("departement_id", flat=True)) == {"03", "63"}
    for code in ("03", "63"):
        for row in DepartementRollup.objects.filter(departement_id=code):
            reports_of_month = ActivityReport.objects.filter(
                advisor__structure__departement_id=code,
                date__year=row.month.year,
                date__month=row.month.month,
            )
            assert row.reports == reports_of_month.count()


def test_the_departement_rule_catches_a_drifted_row_and_the_rebuild_repairs_it(advisors):
    from cnfs.activity.models import DepartementRollup

    random_history(random.Random(12), advisors, 20)
    row = DepartementRollup.objects.order_by("pk").first()
    DepartementRollup.objects.filter(pk=row.pk).update(reports=row.reports + 5)
    DepartementRollup.objects.create(departement_id="63", month=datetime.date(2001, 1, 1), reports=2)
    result = next(r for r in run_checks() if r.check.name == "activity.departement_rollups_match")
    assert result.ids == sorted(["63:2001-01", f"{row.departement_id}:{row.month:%Y-%m}"])
    assert activity.figures().reports == ActivityReport.objects.count() + 5 + 2
    call_command("rebuild_activity_rollups")
    assert rollups.departements_drifted() == []
    assert activity.figures().reports == ActivityReport.objects.count()


def test_moving_a_report_to_another_month_moves_its_figures(advisors):
    advisor = advisors[0]
    report = reports.create_report(
        advisor, report_values(date=datetime.date(2026, 1, 31)), by=advisor.candidate.user
    )
    assert list(ActivityRollup.objects.values_list("month", "reports")) == [(datetime.date(2026, 1, 1), 1)]
    values = {name: getattr(report, name) for name in reports.EDITABLE_FIELDS}
    reports.update_report(report, {**values, "date": datetime.date(2026, 2, 1)}, by=advisor.candidate.user)
    assert list(ActivityRollup.objects.values_list("month", "reports")) == [(datetime.date(2026, 2, 1), 1)]
    reports.delete_report(report, by=advisor.candidate.user)
    assert not ActivityRollup.objects.exists()
    reports.delete_report(report, by=advisor.candidate.user)  # a second click: nothing left to do
    assert activity.figures().reports == 0


def test_the_consistency_rule_catches_a_drifted_row_and_the_rebuild_repairs_it(advisors, capsys):
    random_history(random.Random(11), advisors, 30)
    row = ActivityRollup.objects.order_by("pk").first()
    kept = sorted(
        ActivityRollup.objects.values_list("advisor_id", "month", "reports", "theme_email", "sum_age_over_60")
    )
    ActivityRollup.objects.filter(pk=row.pk).update(theme_email=row.theme_email + 1)
    ActivityRollup.objects.create(advisor=advisors[2], month=datetime.date(2001, 1, 1), reports=2)
    result = next(r for r in run_checks() if r.check.name == "activity.rollups_match_reports")
    assert result.ids == sorted([f"{advisors[2].pk}:2001-01", f"{row.advisor_id}:{row.month:%Y-%m}"])
    every_advisor = [advisor.pk for advisor in advisors]
    assert activity.figures(advisors=every_advisor) != stats.compute(ActivityReport.objects.all())

    call_command("rebuild_activity_rollups")
    assert "cumul(s) mensuel(s) reconstruit(s)" in capsys.readouterr().out
    assert rollups.drifted() == []
    assert kept == sorted(
        ActivityRollup.objects.values_list("advisor_id", "month", "reports", "theme_email", "sum_age_over_60")
    )
    call_command("rebuild_activity_rollups")  # idempotent
    assert rollups.drifted() == []
    assert_rollups_equal_raw(advisors)


def test_the_rebuild_after_a_bulk_load(advisors):
    """Rows inserted without the services (a bulk load) are counted once the rollups are rebuilt."""
    advisor = advisors[0]
    reports.create_report(advisor, report_values(date=datetime.date(2026, 1, 5)), by=advisor.candidate.user)
    template = ActivityReport.objects.get()
    ActivityReport.objects.bulk_create(
        ActivityReport(
            advisor=advisors[index % 3],
            date=datetime.date(2025, 10 + index % 3, 1 + index),
            kind=template.kind,
            place_kind=template.place_kind,
            duration_minutes=45,
            themes=["email", "procedures"],
            sub_themes=["housing"],
        )
        for index in range(20)
    )
    assert len(rollups.drifted()) > 0
    assert rollups.rebuild() == ActivityRollup.objects.count()
    assert_rollups_equal_raw(advisors)


@pytest.mark.parametrize(
    ("since", "until", "whole", "edges"),
    [
        (None, None, (None, None), []),
        (datetime.date(2026, 1, 1), datetime.date(2026, 2, 28), (datetime.date(2026, 1, 1), datetime.date(2026, 2, 28)), []),
        (
            datetime.date(2026, 1, 2),
            datetime.date(2026, 3, 30),
            (datetime.date(2026, 2, 1), datetime.date(2026, 2, 28)),
            [(datetime.date(2026, 1, 2), datetime.date(2026, 1, 31)), (datetime.date(2026, 3, 1), datetime.date(2026, 3, 30))],
        ),
        (datetime.date(2026, 1, 2), datetime.date(2026, 1, 30), None, [(datetime.date(2026, 1, 2), datetime.date(2026, 1, 30))]),
        (datetime.date(9999, 12, 2), None, None, [(datetime.date(9999, 12, 2), None)]),
        (None, datetime.date(1, 1, 30), None, [(None, datetime.date(1, 1, 30))]),
    ],
)  # fmt: skip
def test_a_period_splits_into_whole_months_and_edge_days(since, until, whole, edges):
    assert rollups.split(since, until) == (whole, edges)


@pytest.mark.parametrize(
    "query",
    [
        {"start": "9999-12-05", "end": "9999-12-31"},
        {"start": "0001-01-01", "end": "0001-01-03"},
        {"start": "2026-01-15", "end": "2026-01-10"},  # reversed: shown as an error, the period ignored
        {"start": "2025-10-20", "end": "2026-02-03"},
    ],
)
def test_the_scope_and_own_statistics_pages_read_the_rollups_for_any_period(client, advisors, query):
    from django.urls import reverse

    from cnfs.accounts.roles import Role
    from tests.factories import UserFactory

    random_history(random.Random(5), advisors, 12)
    client.force_login(UserFactory(role=Role.ANCT))
    response = client.get(reverse("activity:scope_stats"), query)
    assert response.status_code == 200
    period = response.context[
        "form"
    ].period()  # an invalid period (out of bounds, reversed) is shown and ignored
    if query["start"] > query["end"]:
        assert period == {"since": None, "until": None}
    assert response.context["stats"] == stats.compute(rollups.scoped_reports(**period))
    advisor = advisors[0]
    client.force_login(advisor.candidate.user)
    response = client.get(reverse("activity:my_stats"), query)
    assert response.status_code == 200
    assert response.context["stats"] == stats.compute(rollups.scoped_reports(advisors=[advisor.pk], **period))
