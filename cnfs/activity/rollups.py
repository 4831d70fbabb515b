"""The monthly rollups of the activity reports (ActivityRollup, one row per advisor and month), kept with the reports,
rebuilt from them, and read for the figures of a scope and period.

Kept: every service that writes a report (cnfs/activity/reports.py: create — and so duplicate —, edit, delete) calls
`refresh(advisor, dates)` inside its transaction with the dates the report had and has. Each touched month's row is
first locked (an INSERT … ON CONFLICT DO UPDATE in month order, which also creates a missing row), then recomputed from
that advisor's reports of that month with the figures of cnfs/activity/stats.py, and rewritten (deleted when the month
has no report left): a few statements, their SQL compiled once by the ORM and cached. Recomputing instead of adding deltas means a row cannot drift from a missed case; taking the row
lock before reading means two transactions writing the same advisor's month one after the other on PostgreSQL (READ
COMMITTED: each statement sees what was committed before it) each count the other's report. SQLite writes one
transaction at a time.

Rebuilt: `rebuild()` (manage.py rebuild_activity_rollups, the data migration, after a bulk load) replaces every row by
one INSERT … SELECT … GROUP BY over the reports, in one transaction. `check_consistency` compares the rows with that
GROUP BY (activity.rollups_match_reports).

Read: `figures` and `monthly` take a scope — départements or structures of the advisor's CURRENT structure (as
ActivityReport.objects.visible_to does), advisors — and a period of two dates, both included. The whole months inside
the period come from the rollups; the days of a month the period only partly covers (its first and last month)
come from the reports themselves, with the same figure definitions: the result is exact whatever the dates.
"""

import calendar
import datetime
import functools
from dataclasses import dataclass

from django.db import connections, router, transaction
from django.db.models import Count, DateField, Q, Sum
from django.db.models.functions import TruncMonth

from . import stats
from .report_models import ActivityReport
from .rollup_models import ActivityRollup

# ---------------------------------------------------------------------------------------------------------------
# Kept with the reports


def month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def refresh(advisor_id: int, dates) -> None:
    """Recomputes the rows of `advisor_id` for the months of `dates` from their reports (call it inside the
    transaction that wrote them)."""
    months = sorted({month_of(day) for day in dates if day is not None})
    if not months:
        return
    using = router.db_for_write(ActivityRollup)
    statements = _statements(using, len(months))
    adapt = connections[using].ops.adapt_datefield_value
    with transaction.atomic(using=using, savepoint=False), connections[using].cursor() as cursor:
        # Lock each month's row, creating it when missing, always in month order (no deadlock between two writers).
        for month in months:
            cursor.execute(statements.lock, [advisor_id, adapt(month)])
        # A new statement: under READ COMMITTED it sees every report committed before the lock was granted.
        days = [adapt(day) for month in months for day in (month, month_end(month))]
        cursor.execute(statements.select, statements.params(advisor_id, days))
        grouped = {_as_date(row[0]): row[1:] for row in cursor.fetchall()}
        for month in months:
            if month in grouped:
                cursor.execute(statements.update, [*grouped[month], advisor_id, adapt(month)])
            else:
                cursor.execute(statements.delete, [advisor_id, adapt(month)])


_ADVISOR = -7_357_913  # stand-ins compiled into the cached statements, replaced by the real values
_FIRST_DAY = datetime.date(1901, 1, 1)


@dataclass(frozen=True)
class _Statements:
    lock: str
    select: str
    slots: tuple  # per parameter of `select`: ("advisor",), ("day", n) or ("value", constant)
    update: str
    delete: str

    def params(self, advisor_id, days) -> list:
        return [
            advisor_id if slot[0] == "advisor" else days[slot[1]] if slot[0] == "day" else slot[1]
            for slot in self.slots
        ]


@functools.cache
def _statements(using: str, months: int) -> _Statements:
    """The SQL of `refresh` for `months` months on database `using`, compiled once by the ORM (the figures'
    aggregates over the advisor's reports of those months, grouped by month) with stand-in values."""
    connection = connections[using]
    days = [_FIRST_DAY + datetime.timedelta(days=index) for index in range(2 * months)]
    in_months = Q()
    for index in range(months):
        in_months |= Q(date__gte=days[2 * index], date__lte=days[2 * index + 1])
    select = (
        ActivityReport.objects.using(using)
        .filter(in_months, advisor_id=_ADVISOR)
        .order_by()
        .annotate(month=TruncMonth("date", output_field=DateField()))
        .values("month")
        .annotate(**stats.raw_aggregates(connection.vendor))
    )
    compiler = select.query.get_compiler(using=using)
    sql, params = compiler.as_sql()
    assert [alias for _, _, alias in compiler.select] == ["month", *stats.FIGURE_KEYS]
    stand_ins = {}
    for index, day in enumerate(days):
        stand_ins[day] = stand_ins[str(connection.ops.adapt_datefield_value(day))] = ("day", index)
    slots = []
    for param in params:
        if isinstance(param, int) and not isinstance(param, bool) and param == _ADVISOR:
            slots.append(("advisor",))
        elif isinstance(param, (str, datetime.date)) and param in stand_ins:
            slots.append(stand_ins[param])
        else:
            slots.append(("value", param))
    assert sum(slot[0] == "day" for slot in slots) == len(days)
    quote = connection.ops.quote_name
    table = quote(ActivityRollup._meta.db_table)
    advisor, month = quote("advisor_id"), quote("month")
    columns = ", ".join(quote(key) for key in stats.FIGURE_KEYS)
    zeros = ", ".join("0" for _ in stats.FIGURE_KEYS)
    where = f"WHERE {advisor} = %s AND {month} = %s"
    return _Statements(
        lock=(
            f"INSERT INTO {table} ({advisor}, {month}, {columns}) VALUES (%s, %s, {zeros}) "
            f"ON CONFLICT ({advisor}, {month}) DO UPDATE SET {month} = EXCLUDED.{month}"
        ),
        select=sql,
        slots=tuple(slots),
        update=f"UPDATE {table} SET {', '.join(f'{quote(key)} = %s' for key in stats.FIGURE_KEYS)} {where}",
        delete=f"DELETE FROM {table} {where}",
    )


def _as_date(value):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, str):  # SQLite, through a plain cursor
        return datetime.date.fromisoformat(value[:10])
    return value


# ---------------------------------------------------------------------------------------------------------------
# Rebuilt from the reports


def grouped_reports(report_model=ActivityReport, *, using=None, keys=stats.FIGURE_KEYS):
    """The reports grouped by advisor and month with every figure: what the rollups must hold."""
    using = using or router.db_for_read(report_model)
    aggregates = stats.raw_aggregates(connections[using].vendor)
    return (
        report_model.objects.using(using)
        .order_by()
        .annotate(month=TruncMonth("date", output_field=DateField()))
        .values("advisor_id", "month")
        .annotate(**{key: aggregates[key] for key in keys})
    )


def rebuild(apps=None, *, using=None) -> int:
    """Replaces every rollup row by an INSERT … SELECT … GROUP BY over the reports, in one transaction; returns the
    number of rows. `apps`: the historical models of a data migration."""
    report_model = apps.get_model("activity", "ActivityReport") if apps else ActivityReport
    rollup_model = apps.get_model("activity", "ActivityRollup") if apps else ActivityRollup
    columns = {field.column for field in rollup_model._meta.concrete_fields}
    keys = [key for key in stats.FIGURE_KEYS if key in columns]
    using = using or router.db_for_write(rollup_model)
    connection = connections[using]
    select = grouped_reports(report_model, using=using, keys=keys)
    compiler = select.query.get_compiler(using=using)
    sql, params = compiler.as_sql()
    selected = [alias or expression.target.column for expression, _, alias in compiler.select]
    names = ", ".join(connection.ops.quote_name(name) for name in selected)
    table = connection.ops.quote_name(rollup_model._meta.db_table)
    with transaction.atomic(using=using):
        rollup_model.objects.using(using).all().delete()
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {table} ({names}) {sql}", params)
        return rollup_model.objects.using(using).count()


def drifted() -> list[str]:
    """The "advisor:YYYY-MM" whose rollup row differs from the GROUP BY over their reports (a missing or extra row
    included)."""
    keys = ["advisor_id", "month", *stats.FIGURE_KEYS]
    raw = {
        (row["advisor_id"], _as_date(row["month"])): tuple(row[key] for key in keys[2:])
        for row in grouped_reports()
    }
    kept = {(row[0], row[1]): tuple(row[2:]) for row in ActivityRollup.objects.order_by().values_list(*keys)}
    return [
        f"{advisor}:{month:%Y-%m}"
        for advisor, month in sorted(raw.keys() | kept.keys())
        if raw.get((advisor, month)) != kept.get((advisor, month))
    ]


# ---------------------------------------------------------------------------------------------------------------
# Read for a scope and period


def _scoped(queryset, *, departements=None, structures=None, advisors=None):
    if departements is not None:
        queryset = queryset.filter(advisor__structure__departement_id__in=list(departements))
    if structures is not None:
        queryset = queryset.filter(advisor__structure_id__in=list(structures))
    if advisors is not None:
        queryset = queryset.filter(advisor_id__in=list(advisors))
    return queryset


def scoped_reports(*, departements=None, structures=None, advisors=None, since=None, until=None):
    """The reports of the scope and period (a scope axis left to None does not limit)."""
    reports = _scoped(
        ActivityReport.objects.all(), departements=departements, structures=structures, advisors=advisors
    )
    if since is not None:
        reports = reports.filter(date__gte=since)
    if until is not None:
        reports = reports.filter(date__lte=until)
    return reports


def split(since: datetime.date | None, until: datetime.date | None):
    """The period as (whole months, edge days): `whole` is (first month, last month's last day) — None ends are
    unbounded — or None when no whole month is inside; `edges` the (first, last) day ranges outside them, to read
    from the reports."""
    first = since
    if since is not None and since.day != 1:
        end = month_end(since)
        first = end + datetime.timedelta(days=1) if end < datetime.date.max else None
        if first is None:  # December 9999: no later month
            return None, [(since, until)]
    last = until
    if until is not None and until != month_end(until):
        if until.year == 1 and until.month == 1:  # no earlier month
            return None, [(since, until)]
        last = month_of(until) - datetime.timedelta(days=1)
    if first is not None and last is not None and first > last:
        return None, [(since, until)]
    edges = []
    if since is not None and since < first:
        edges.append((since, first - datetime.timedelta(days=1)))
    if until is not None and last < until:
        edges.append((last + datetime.timedelta(days=1), until))
    return (first, last), edges


def _parts(since, until, **scope):
    """(rollups of the whole months, reports of the edge days) of the scope and period, either None."""
    whole, edges = split(since, until)
    rollups = None
    if whole is not None:
        rollups = _scoped(ActivityRollup.objects.all(), **scope)
        if whole[0] is not None:
            rollups = rollups.filter(month__gte=whole[0])
        if whole[1] is not None:
            rollups = rollups.filter(month__lte=whole[1])
    reports = None
    if edges:
        in_edges = Q()
        for first, last in edges:
            edge = Q()
            if first is not None:
                edge &= Q(date__gte=first)
            if last is not None:
                edge &= Q(date__lte=last)
            in_edges |= edge
        reports = _scoped(ActivityReport.objects.all(), **scope).filter(in_edges)
    return rollups, reports


def figures(
    *, departements=None, structures=None, advisors=None, since=None, until=None
) -> stats.ReportStats:
    """Every activity figure of the scope and period, from the rollups (and the reports of partly covered months):
    the same as stats.compute(scoped_reports(...))."""
    rollups, reports = _parts(
        since, until, departements=departements, structures=structures, advisors=advisors
    )
    parts = []
    if rollups is not None:
        parts.append(stats.rolled_figures(rollups))
    if reports is not None:
        parts.append(stats.raw_figures(reports))
    return stats.build(*stats.combine(*parts))


def monthly(path: str, *, since=None, until=None, **scope) -> dict:
    """{(value of `path` — a field of the advisor reached from a report or a rollup —, month): [reports,
    participants]} of the scope and period."""
    rollups, reports = _parts(since, until, **scope)
    table = {}
    if rollups is not None:
        rows = (
            rollups.order_by()
            .values(path, "month")
            .annotate(n=Sum("reports", default=0), n_people=Sum("people", default=0))
            .filter(n__gt=0)
        )
        for row in rows:
            table[(row[path], row["month"])] = [row["n"], row["n_people"]]
    if reports is not None:
        rows = (
            reports.order_by()
            .annotate(month=TruncMonth("date", output_field=DateField()))
            .values(path, "month")
            .annotate(n=Count("pk"), people=Sum("participants", default=0))
        )
        for row in rows:
            counts = table.setdefault((row[path], _as_date(row["month"])), [0, 0])
            counts[0] += row["n"]
            counts[1] += row["people"]
    return table
