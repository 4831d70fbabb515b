"""The activity figures of a scope and a period (SPEC §11, §13): the one entry point that the dashboards, their
exports, the public statistics and the open data read. A scope is a set of départements, of structures or of
advisors (None: no limit on that axis) — départements and structures are those of the advisor's current structure —;
a period is two dates, both included.

The figures come from the monthly rollups kept with the reports (cnfs/activity/rollups.py): the whole months inside
the period from the rollups, the days of a partly covered first or last month from the reports themselves, with the
same figure definitions (cnfs/activity/stats.py, FIGURES): the same result as stats.compute over the raw reports."""

from datetime import date

from cnfs.activity import rollups, stats

scoped_reports = rollups.scoped_reports


def figures(
    *,
    departements=None,
    structures=None,
    advisors=None,
    since: date | None = None,
    until: date | None = None,
) -> stats.ReportStats:
    """Every activity figure of the scope and period."""
    return rollups.figures(
        departements=departements, structures=structures, advisors=advisors, since=since, until=until
    )


MONTHLY_FIELDS = ("reports", "participants")


def monthly_by_departement(
    departements=None, *, since: date | None = None, until: date | None = None
) -> list[dict]:
    """Accompaniments and people accompanied per département (of the advisor's structure) and month: one row per
    (département, month) with reports in it, sorted."""
    table = rollups.monthly(
        "advisor__structure__departement_id", departements=departements, since=since, until=until
    )
    return [
        {"departement": code, "month": month, "reports": n, "participants": people}
        for (code, month), (n, people) in sorted(table.items())
    ]
