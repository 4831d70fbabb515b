"""The activity figures of a scope and a period (SPEC §11, §13): the one entry point that the dashboards, their
exports, the public statistics and the open data read. A scope is a set of départements, of structures or of
advisors (None: no limit on that axis); a period is two dates, both included.

Today it computes from the reports themselves (cnfs.activity.stats.compute); the rollups kept with the reports take
its place behind the same functions, giving the same figures."""

from collections import defaultdict
from datetime import date

from django.db.models import Count, DateField, Sum
from django.db.models.functions import TruncMonth

from cnfs.activity import stats
from cnfs.activity.report_models import ActivityReport


def scoped_reports(
    *,
    departements=None,
    structures=None,
    advisors=None,
    since: date | None = None,
    until: date | None = None,
):
    """The reports of the scope and period (a scope axis left to None does not limit)."""
    reports = ActivityReport.objects.all()
    if departements is not None:
        reports = reports.filter(advisor__structure__departement_id__in=list(departements))
    if structures is not None:
        reports = reports.filter(advisor__structure_id__in=list(structures))
    if advisors is not None:
        reports = reports.filter(advisor_id__in=list(advisors))
    if since is not None:
        reports = reports.filter(date__gte=since)
    if until is not None:
        reports = reports.filter(date__lte=until)
    return reports


def figures(**scope) -> stats.ReportStats:
    """Every activity figure of the scope and period (the keywords of `scoped_reports`)."""
    return stats.compute(scoped_reports(**scope))


MONTHLY_FIELDS = ("reports", "participants")


def monthly_by_departement(
    departements=None, *, since: date | None = None, until: date | None = None
) -> list[dict]:
    """Accompaniments and people accompanied per département (of the advisor's structure) and month: one row per
    (département, month) with reports in it, sorted."""
    path = "advisor__structure__departement_id"
    rows = (
        scoped_reports(departements=departements, since=since, until=until)
        .order_by()
        .annotate(month=TruncMonth("date", output_field=DateField()))
        .values(path, "month")
        .annotate(reports=Count("pk"), participants=Sum("participants"))
    )
    table = defaultdict(lambda: dict.fromkeys(MONTHLY_FIELDS, 0))
    for row in rows:
        month = row["month"].date() if hasattr(row["month"], "hour") else row["month"]
        table[(row[path], month)] = {"reports": row["reports"], "participants": row["participants"] or 0}
    return [
        {"departement": code, "month": month, **counts} for (code, month), counts in sorted(table.items())
    ]
