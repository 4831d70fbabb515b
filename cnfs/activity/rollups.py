"""The monthly rollups of the activity reports (ActivityRollup, one row per advisor and month; DepartementRollup, the
same added up per département of the advisor's current structure), kept with the reports, rebuilt from them, and
read for the figures of a scope and period.

Kept: every service that writes a report (cnfs/activity/reports.py) does it inside its own transaction. Creating
(and so duplicating) a report calls `add_report`, last before the commit: one upsert per rollup adds the report's
figures to its month's row (on PostgreSQL, both upserts and the département's lookup in one statement).
Editing and deleting call `refresh(advisor, dates)` with the dates the report had and has: each touched month's row is
first locked (an INSERT … ON CONFLICT DO UPDATE in month order, which also creates a missing row), then recomputed from
that advisor's reports of that month with the figures of cnfs/activity/stats.py, and rewritten (deleted when the month
has no report left); the same months of the advisor's département are then locked the same way and recomputed from its
advisors' rows. The SQL is compiled once and cached. Adding happens under the row's lock and recomputing reads only
after taking it, so two transactions writing the same month at once on PostgreSQL (READ COMMITTED: each statement sees
what was committed before it) each count the other's report. SQLite writes one transaction at a time. An advisor
re-hired in another structure, a structure that changes département: both départements' rows are rewritten
(`refresh_departements`, from cnfs/activity/receivers.py).

Rebuilt: `rebuild()` (manage.py rebuild_activity_rollups, the data migration, after a bulk load) replaces every row by
one INSERT … SELECT … GROUP BY over the reports (then the département rows from them), in one transaction.
`check_consistency` compares the rows with those GROUP BY (activity.rollups_match_reports,
activity.departement_rollups_match).

Read: `figures` and `monthly` take a scope — départements or structures of the advisor's CURRENT structure (as
ActivityReport.objects.visible_to does), advisors — and a period of two dates, both included. The whole months inside
the period come from the rollups (the département rows for the whole country or départements, the advisor rows for
structures and advisors); the days of a month the period only partly covers (its first and last month)
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
from .rollup_models import ActivityRollup, DepartementRollup

# ---------------------------------------------------------------------------------------------------------------
# Kept with the reports


def month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def refresh(advisor_id: int, dates) -> None:
    """Recomputes the rows of `advisor_id` for the months of `dates` from their reports, then the same months of
    their département (call it inside the transaction that wrote the reports)."""
    months = sorted({month_of(day) for day in dates if day is not None})
    if not months:
        return
    using = router.db_for_write(ActivityRollup)
    statements = _statements(using, len(months))
    adapt = connections[using].ops.adapt_datefield_value
    month_params = [adapt(month) for month in months]
    with transaction.atomic(using=using, savepoint=False), connections[using].cursor() as cursor:
        # The département of the advisor's current structure. On PostgreSQL the advisor and structure rows stay
        # share-locked until the end of this transaction: a move (a re-hire elsewhere, a structure changing
        # département) waits for it, or it waits for the move and reads the new département.
        cursor.execute(statements.departement, [advisor_id])
        found = cursor.fetchone()
        # Lock each month's row, creating it when missing, always in month order (no deadlock between two writers).
        for month in month_params:
            cursor.execute(statements.lock, [advisor_id, month])
        # A new statement: under READ COMMITTED it sees every report committed before the lock was granted.
        days = [adapt(day) for month in months for day in (month, month_end(month))]
        cursor.execute(statements.select, statements.params(advisor_id, days))
        grouped = {_as_date(row[0]): row[1:] for row in cursor.fetchall()}
        for month, param in zip(months, month_params, strict=True):
            if month in grouped:
                cursor.execute(statements.update, [*grouped[month], advisor_id, param])
            else:
                cursor.execute(statements.delete, [advisor_id, param])
        if found is not None and found[0]:
            # The same months of the département, locked in month order after the advisor's rows, recomputed from
            # the advisor rows of its advisors (a new statement: it sees the other writers' committed rows).
            code = found[0]
            for month in month_params:
                cursor.execute(statements.departement_lock, [code, month])
            cursor.execute(statements.departement_select, [code, *month_params])
            grouped = {_as_date(row[0]): row[1:] for row in cursor.fetchall()}
            for month, param in zip(months, month_params, strict=True):
                if month in grouped:
                    cursor.execute(statements.departement_update, [*grouped[month], code, param])
                else:
                    cursor.execute(statements.departement_delete, [code, param])


def add_report(report) -> None:
    """Adds a report just created to its advisor's and its département's month rows: one upsert each that adds the
    report's figures (stats.Figure.of, the same definitions read on the report) to the row, creating it when
    missing. Adding instead of recomputing keeps a submission's cost the same however many reports the month holds;
    it is exact because the upsert adds under the row's lock, and a recomputation (edit, delete) reads only after
    taking it."""
    using = router.db_for_write(ActivityRollup)
    statements = _statements(using, 1)
    values = [figure.of(report) for figure in stats.FIGURES]
    month = connections[using].ops.adapt_datefield_value(month_of(report.date))
    with transaction.atomic(using=using, savepoint=False), connections[using].cursor() as cursor:
        if statements.add:
            # PostgreSQL: the three steps below in one statement, one round trip (see `_add_all_sql`).
            cursor.execute(statements.add, [report.advisor_id, values, report.advisor_id, month, month])
            return
        # The advisor's département, share-locked against a move as in `refresh`.
        cursor.execute(statements.departement, [report.advisor_id])
        found = cursor.fetchone()
        cursor.execute(statements.advisor_add, [report.advisor_id, month, *values])
        if found is not None and found[0]:
            cursor.execute(statements.departement_add, [found[0], month, *values])


_ADVISOR = -7_357_913  # stand-ins compiled into the cached statements, replaced by the real values
_FIRST_DAY = datetime.date(1901, 1, 1)


@dataclass(frozen=True)
class _Statements:
    lock: str
    select: str
    slots: tuple  # per parameter of `select`: ("advisor",), ("day", n) or ("value", constant)
    update: str
    delete: str
    departement: str
    departement_lock: str
    departement_select: str
    departement_update: str
    departement_delete: str
    advisor_add: str
    departement_add: str
    add: str  # PostgreSQL only: the département lookup and both upserts at once

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
    assignments = ", ".join(f"{quote(key)} = %s" for key in stats.FIGURE_KEYS)
    advisors, structures = _tables(connection)
    lock_rows = " FOR SHARE" if connection.features.has_select_for_update else ""
    departements = quote(DepartementRollup._meta.db_table)
    departement = quote("departement_id")
    departement_where = f"WHERE {departement} = %s AND {month} = %s"
    departement_lookup = (
        f"SELECT s.{departement} FROM {advisors} a INNER JOIN {structures} s ON s.{quote('id')} = "
        f"a.{quote('structure_id')} WHERE a.{quote('id')} = %s{lock_rows}"
    )
    return _Statements(
        lock=(
            f"INSERT INTO {table} ({advisor}, {month}, {columns}) VALUES (%s, %s, {zeros}) "
            f"ON CONFLICT ({advisor}, {month}) DO UPDATE SET {month} = EXCLUDED.{month}"
        ),
        select=sql,
        slots=tuple(slots),
        update=f"UPDATE {table} SET {assignments} {where}",
        delete=f"DELETE FROM {table} {where}",
        departement=departement_lookup,
        departement_lock=(
            f"INSERT INTO {departements} ({departement}, {month}, {columns}) VALUES (%s, %s, {zeros}) "
            f"ON CONFLICT ({departement}, {month}) DO UPDATE SET {month} = EXCLUDED.{month}"
        ),
        departement_select=(
            f"{_departement_group_sql(connection, ActivityRollup, group_by_departement=False)} "
            f"WHERE s.{departement} = %s AND r.{month} IN ({', '.join('%s' for _ in range(months))}) "
            f"GROUP BY r.{month}"
        ),
        departement_update=f"UPDATE {departements} SET {assignments} {departement_where}",
        departement_delete=f"DELETE FROM {departements} {departement_where}",
        advisor_add=_add_sql(connection, table, (advisor, month)),
        departement_add=_add_sql(connection, departements, (departement, month)),
        add=_add_all_sql(connection, departement_lookup) if connection.vendor == "postgresql" else "",
    )


def _add_sql(connection, table: str, keys, source: str | None = None) -> str:
    """INSERT one row's figures, or add them to the existing row of the same keys. `source`: where the row comes
    from (by default VALUES with one parameter per key and figure)."""
    quote = connection.ops.quote_name
    columns = ", ".join([*keys, *(quote(key) for key in stats.FIGURE_KEYS)])
    if source is None:
        source = f"VALUES ({', '.join('%s' for _ in range(len(keys) + len(stats.FIGURE_KEYS)))})"
    adds = ", ".join(
        f"{quote(key)} = {table}.{quote(key)} + EXCLUDED.{quote(key)}" for key in stats.FIGURE_KEYS
    )
    return f"INSERT INTO {table} ({columns}) {source} ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {adds}"


def _add_all_sql(connection, departement_lookup: str) -> str:
    """`add_report`'s three statements as one (PostgreSQL), with the report's figures as one integer array:
    parameters advisor, figures, advisor, month, month.

    - `found`: the advisor's département (`departement_lookup`), share-locking the advisor and structure rows as
      `refresh` does;
    - `added`: the upsert of the advisor's month row;
    - then the upsert of the département's month row. It reads `added`, so it runs after it: the advisor's row is
      locked before the département's, the order `refresh` keeps (a data-modifying WITH otherwise runs in no set
      order). It inserts nothing when the structure has no département."""
    quote = connection.ops.quote_name
    table = quote(ActivityRollup._meta.db_table)
    departements = quote(DepartementRollup._meta.db_table)
    advisor, month, departement = quote("advisor_id"), quote("month"), quote("departement_id")
    picked = ", ".join(f"v.f[{index}]" for index in range(1, len(stats.FIGURE_KEYS) + 1))
    add_advisor = _add_sql(connection, table, (advisor, month), f"SELECT %s, %s::date, {picked} FROM v")
    add_departement = _add_sql(
        connection,
        departements,
        (departement, month),
        f"SELECT found.{departement}, %s::date, {picked} FROM found, v, added "
        f"WHERE found.{departement} IS NOT NULL",
    )
    return (
        f"WITH found AS ({departement_lookup}), v AS (SELECT %s::integer[] AS f), "
        f"added AS ({add_advisor} RETURNING 1) {add_departement}"
    )


def _tables(connection, advisor_model=None, structure_model=None) -> tuple[str, str]:
    from cnfs.recruitment.models import Advisor
    from cnfs.structures.models import Structure

    quote = connection.ops.quote_name
    return (
        quote((advisor_model or Advisor)._meta.db_table),
        quote((structure_model or Structure)._meta.db_table),
    )


def _departement_group_sql(
    connection, rollup_model, *, group_by_departement=True, models=(None, None)
) -> str:
    """SELECT [département,] month, every figure's SUM FROM the advisor rows joined to their advisor's current
    structure (the caller adds WHERE and GROUP BY)."""
    quote = connection.ops.quote_name
    advisors, structures = _tables(connection, *models)
    sums = ", ".join(f"COALESCE(SUM(r.{quote(key)}), 0)" for key in stats.FIGURE_KEYS)
    head = f"s.{quote('departement_id')}, " if group_by_departement else ""
    return (
        f"SELECT {head}r.{quote('month')}, {sums} FROM {quote(rollup_model._meta.db_table)} r "
        f"INNER JOIN {advisors} a ON a.{quote('id')} = r.{quote('advisor_id')} "
        f"INNER JOIN {structures} s ON s.{quote('id')} = a.{quote('structure_id')}"
    )


def refresh_departements(codes, *, using=None) -> None:
    """Rewrites the département rows of `codes` from the advisor rows (an advisor who changed structure, a
    structure that changed département: the months of both départements move). Call it inside the transaction
    that made the change."""
    codes = sorted({code for code in codes if code})
    if codes:
        _write_departements(codes, using=using)


def _write_departements(codes=None, *, using=None, apps=None) -> None:
    get = apps.get_model if apps else None
    rollup_model = get("activity", "ActivityRollup") if get else ActivityRollup
    departement_model = get("activity", "DepartementRollup") if get else DepartementRollup
    models = (get("recruitment", "Advisor"), get("structures", "Structure")) if get else (None, None)
    using = using or router.db_for_write(departement_model)
    connection = connections[using]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(key) for key in ("departement_id", "month", *stats.FIGURE_KEYS))
    select = _departement_group_sql(connection, rollup_model, models=models)
    params = []
    if codes is not None:
        select += f" WHERE s.{quote('departement_id')} IN ({', '.join('%s' for _ in codes)})"
        params = list(codes)
    select += f" GROUP BY s.{quote('departement_id')}, r.{quote('month')}"
    table = quote(departement_model._meta.db_table)
    with transaction.atomic(using=using):
        rows = departement_model.objects.using(using)
        (rows if codes is None else rows.filter(departement_id__in=codes)).delete()
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {table} ({columns}) {select}", params)


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
    """Replaces every rollup row by an INSERT … SELECT … GROUP BY over the reports, then every département row by
    one over the advisor rows, in one transaction; returns the number of advisor rows. `apps`: the historical models
    of a data migration."""
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
        if not apps or _has_model(apps, "DepartementRollup"):
            _write_departements(using=using, apps=apps)
        return rollup_model.objects.using(using).count()


def _has_model(apps, name) -> bool:
    try:
        apps.get_model("activity", name)
    except LookupError:
        return False
    return True


def drifted() -> list[str]:
    """The "advisor:YYYY-MM" whose rollup row differs from the GROUP BY over their reports (a missing or extra row
    included)."""
    keys = ["advisor_id", "month", *stats.FIGURE_KEYS]
    raw = {
        (row["advisor_id"], _as_date(row["month"])): tuple(row[key] for key in keys[2:])
        for row in grouped_reports()
    }
    kept = {(row[0], row[1]): tuple(row[2:]) for row in ActivityRollup.objects.order_by().values_list(*keys)}
    return _differences(raw, kept)


def _differences(expected: dict, kept: dict) -> list[str]:
    """The "key:YYYY-MM" of the (key, month) rows that differ between the two, a missing or extra row included."""
    return [
        f"{key}:{month:%Y-%m}"
        for key, month in sorted(expected.keys() | kept.keys())
        if expected.get((key, month)) != kept.get((key, month))
    ]


def departements_drifted() -> list[str]:
    """The "département:YYYY-MM" whose row differs from the advisor rows added up by their advisor's current
    structure (a missing or extra row included)."""
    connection = connections[router.db_for_read(DepartementRollup)]
    sql = _departement_group_sql(connection, ActivityRollup)
    quote = connection.ops.quote_name
    sql += f" GROUP BY s.{quote('departement_id')}, r.{quote('month')}"
    with connection.cursor() as cursor:
        cursor.execute(sql)
        expected = {(row[0], _as_date(row[1])): tuple(row[2:]) for row in cursor.fetchall()}
    kept = {
        (row[0], row[1]): tuple(row[2:])
        for row in DepartementRollup.objects.order_by().values_list(
            "departement_id", "month", *stats.FIGURE_KEYS
        )
    }
    return _differences(expected, kept)


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


def _rollup_rows(*, departements=None, structures=None, advisors=None, by_advisor=False):
    """The rows to add up for the scope: the département rows when the scope is départements (or the whole
    country), else — or when `by_advisor` — the advisor rows."""
    if structures is None and advisors is None and not by_advisor:
        rows = DepartementRollup.objects.all()
        return rows if departements is None else rows.filter(departement_id__in=list(departements))
    return _scoped(
        ActivityRollup.objects.all(), departements=departements, structures=structures, advisors=advisors
    )


# A path from an advisor row to its advisor's data, as read on a département row.
_ON_DEPARTEMENT_ROWS = {"advisor__structure__departement_id": "departement_id"}


def _parts(since, until, *, by_advisor=False, **scope):
    """(rollups of the whole months, reports of the edge days) of the scope and period, either None."""
    whole, edges = split(since, until)
    rollups = None
    if whole is not None:
        rollups = _rollup_rows(**scope, by_advisor=by_advisor)
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
    rollups, reports = _parts(since, until, by_advisor=path not in _ON_DEPARTEMENT_ROWS, **scope)
    table = {}
    if rollups is not None:
        rollup_path = _ON_DEPARTEMENT_ROWS[path] if rollups.model is DepartementRollup else path
        rows = (
            rollups.order_by()
            .values(rollup_path, "month")
            .annotate(n=Sum("reports", default=0), n_people=Sum("people", default=0))
            .filter(n__gt=0)
        )
        for row in rows:
            table[(row[rollup_path], row["month"])] = [row["n"], row["n_people"]]
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
