"""The public national statistics (no login) and the open-data file of monthly activity per département.

Every figure comes from the one computation of its indicator (indicators.funnel, indicators.presence,
indicators.monthly, activity.monthly_by_departement): the public page shows the same numbers as the dashboards, the
exports and the API. A constant number of queries whatever the volume (fourteen), and the result is kept in the cache
for CNFS_PUBLIC_STATISTICS_CACHE, since it is the same for every visitor."""

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from cnfs.concertation.conf import national_post_target
from cnfs.core.opendata import Column
from cnfs.structures.services import add_months
from cnfs.territories.models import Departement

from . import activity, indicators, maps

TREND_MONTHS = 12
FIGURES = ("posts_granted", "advisors_in_post", "structures", "places", "reports", "participants")
FIGURE_LABELS = {
    "posts_granted": "Postes attribués",
    "advisors_in_post": "Conseillers en poste",
    "structures": "Structures accueillantes",
    "places": "Lieux sur la carte",
    "reports": "Accompagnements",
    "participants": "Personnes accompagnées",
}
MAP_FIGURES = ("advisors_in_post", "posts_granted", "places", "reports")


@dataclass
class DepartementFigures:
    code: str
    name: str
    latitude: float | None
    longitude: float | None
    counts: dict = field(default_factory=lambda: dict.fromkeys(FIGURES, 0))

    @property
    def counts_json(self) -> str:
        return json.dumps(self.counts)


@dataclass
class NationalStatistics:
    computed_at: datetime
    target: int
    totals: dict
    departements: list[DepartementFigures]
    months: list[dict]  # month, reports, participants, posts_granted, hires: the last complete months

    @property
    def active_departements(self) -> list[DepartementFigures]:
        """The départements with at least one figure (the table and the map leave the others out)."""
        return [row for row in self.departements if any(row.counts.values())]

    @property
    def target_percent(self) -> int:
        return round(100 * self.totals["posts_granted"] / self.target) if self.target else 0

    def chart(self, names: tuple[str, ...], labels: dict) -> dict:
        """The attributes of a dsfr-chart line chart for some monthly series (one list per series)."""
        x = [f"{row['month']:%m/%Y}" for row in self.months]
        return {
            "x": json.dumps([x] * len(names)),
            "y": json.dumps([[row[name] for row in self.months] for name in names]),
            "name": json.dumps([labels[name] for name in names], ensure_ascii=False),
        }

    @property
    def activity_chart(self) -> dict:
        return self.chart(("reports", "participants"), FIGURE_LABELS)

    @property
    def recruitment_chart(self) -> dict:
        return self.chart(("posts_granted", "hires"), indicators.MONTHLY_LABELS)


def last_complete_month(today: date) -> tuple[date, date]:
    """The first and last days of the month before `today`'s."""
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


def compute(today: date | None = None) -> NationalStatistics:
    """Every public figure, nationally and per département, and the trend of the last complete months."""
    today = today or timezone.localdate()
    _, trend_end = last_complete_month(today)
    trend_start = add_months(trend_end.replace(day=1), -(TREND_MONTHS - 1))
    departements = {
        code: DepartementFigures(code, place["name"], place["latitude"], place["longitude"])
        for code, place in maps.departement_places().items()
    }
    for row in indicators.funnel(today=today):
        if row.departement in departements:
            departements[row.departement].counts.update(
                posts_granted=row.counts["posts_granted"], advisors_in_post=row.counts["advisors_in_post"]
            )
    for code, counts in indicators.presence().items():
        if code in departements:
            departements[code].counts.update(counts)
    months = {
        add_months(trend_start, i): {
            "month": add_months(trend_start, i),
            **dict.fromkeys(("reports", "participants", "posts_granted", "hires"), 0),
        }
        for i in range(TREND_MONTHS)
    }
    for row in activity.monthly_by_departement():
        if row["departement"] in departements:
            figures = departements[row["departement"]].counts
            figures["reports"] += row["reports"]
            figures["participants"] += row["participants"]
        if row["month"] in months:
            months[row["month"]]["reports"] += row["reports"]
            months[row["month"]]["participants"] += row["participants"]
    for row in indicators.monthly(since=trend_start, until=trend_end):
        months[row["month"]]["posts_granted"] += row["posts_granted"]
        months[row["month"]]["hires"] += row["hires"]
    rows = list(departements.values())
    return NationalStatistics(
        computed_at=timezone.now(),
        target=national_post_target(),
        totals={name: sum(row.counts[name] for row in rows) for name in FIGURES},
        departements=rows,
        months=list(months.values()),
    )


def national(today: date | None = None) -> NationalStatistics:
    """The public statistics, from the cache when they were computed less than CNFS_PUBLIC_STATISTICS_CACHE ago."""
    today = today or timezone.localdate()
    key = f"public-statistics:{today.isoformat()}"
    statistics = cache.get(key)
    if statistics is None:
        statistics = compute(today)
        cache.set(key, statistics, settings.CNFS_PUBLIC_STATISTICS_CACHE.total_seconds())
    return statistics


# --- open data: monthly activity per département ------------------------------------------------------------------


def monthly_activity(today: date | None = None) -> list[dict]:
    """Accompaniments and people accompanied per département and month, over the complete months (up to the end of
    the month before `today`'s), with the département's name. Two queries."""
    _, until = last_complete_month(today or timezone.localdate())
    rows = activity.monthly_by_departement(until=until)
    names = dict(Departement.objects.values_list("code", "name"))
    return [{**row, "departement_nom": names.get(row["departement"], "")} for row in rows]


MONTHLY_ACTIVITY_COLUMNS = [
    Column(
        "departement",
        "string",
        "Code du département de la structure du conseiller.",
        "03",
        lambda r: r["departement"],
    ),
    Column("departement_nom", "string", "Nom du département.", "Allier", lambda r: r["departement_nom"]),
    Column("mois", "month", "Mois des accompagnements.", "2026-02", lambda r: r["month"]),
    Column(
        "accompagnements",
        "integer",
        "Accompagnements (individuels, ateliers collectifs, demandes ponctuelles) enregistrés par les conseillers "
        "dans le mois.",
        "412",
        lambda r: r["reports"],
    ),
    Column(
        "personnes_accompagnees",
        "integer",
        "Personnes accompagnées dans le mois (la somme des participants de chaque accompagnement).",
        "655",
        lambda r: r["participants"],
    ),
]
