"""The figures of a set of activity reports (SPEC §11, §13): the advisor's own statistics, and the same computation
for whoever reads a wider set (a coordinator's team, a hub's départements, the dashboards) — pass any queryset of
reports.

Two queries whatever the number of reports: one aggregate with a filtered count or sum per figure, one grouped by
month. Themes are JSON lists of ASCII codes, counted with jsonb containment on PostgreSQL and a `"code"` match on the
list's text on SQLite.
"""

import json
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import connections
from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import TruncMonth

from .report_models import (
    BREAKDOWNS,
    PlaceKind,
    ProcedureSubTheme,
    ReportKind,
    StructureType,
    report_theme_choices,
)

# Duration bands: (key, label, lowest minutes, highest minutes).
DURATION_BANDS = (
    ("d_0_30", "Jusqu'à 30 min", 0, 30),
    ("d_30_60", "De 31 min à 1 h", 31, 60),
    ("d_60_120", "De 1 h 01 à 2 h", 61, 120),
    ("d_120", "Plus de 2 h", 121, 24 * 60),
)


@dataclass
class Table:
    """One figure: its rows (label, value), shown as a chart and as the same table."""

    key: str
    title: str
    unit: str
    rows: list = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(value for _, value in self.rows)

    @property
    def labels(self) -> list[str]:
        return [label for label, _ in self.rows]

    @property
    def values(self) -> list[int]:
        return [value for _, value in self.rows]

    @property
    def chart_x(self) -> str:
        """The labels as dsfr-chart reads its `x` attribute (a JSON list of series)."""
        return json.dumps([self.labels], ensure_ascii=False)

    @property
    def chart_y(self) -> str:
        return json.dumps([self.values])

    @property
    def chart_name(self) -> str:
        return json.dumps([self.unit.capitalize()], ensure_ascii=False)


@dataclass
class ReportStats:
    reports: int
    participants: int
    new_people: int
    duration_minutes: int
    tables: list

    def table(self, key) -> Table:
        return next(table for table in self.tables if table.key == key)


def _contains(field: str, code: str, vendor: str) -> Q:
    """The JSON list `field` holds `code`: PostgreSQL's jsonb containment, else a `"code"` match on the list's text
    (the codes are plain ASCII words, none inside another between quotes)."""
    if vendor == "postgresql":
        return Q(**{f"{field}__contains": [code]})
    return Q(**{f"{field}__icontains": f'"{code}"'})


def compute(reports) -> ReportStats:
    """Every figure of `reports` (a queryset of ActivityReport, already scoped and filtered)."""
    vendor = connections[reports.db].vendor
    aggregates = {
        "reports": Count("pk"),
        "people": Sum("participants", default=0),
        "already": Sum("already_accompanied", default=0),
        "minutes": Sum("duration_minutes", default=0),
    }
    for kind in ReportKind:
        aggregates[f"kind_{kind}"] = Count("pk", filter=Q(kind=kind))
        aggregates[f"kind_participants_{kind}"] = Sum("participants", filter=Q(kind=kind), default=0)
    for place_kind in PlaceKind:
        aggregates[f"place_{place_kind}"] = Count("pk", filter=Q(place_kind=place_kind))
    for code, _ in report_theme_choices():
        aggregates[f"theme_{code}"] = Count("pk", filter=_contains("themes", code, vendor))
    for sub in ProcedureSubTheme:
        aggregates[f"sub_{sub}"] = Count("pk", filter=_contains("sub_themes", sub, vendor))
    for key, _, low, high in DURATION_BANDS:
        aggregates[key] = Count("pk", filter=Q(duration_minutes__gte=low, duration_minutes__lte=high))
    for _, _, bands in BREAKDOWNS:
        for name, _ in bands:
            aggregates[f"sum_{name}"] = Sum(name, default=0)
    for structure_type in StructureType:
        aggregates[f"redirect_{structure_type}"] = Count("pk", filter=Q(redirected_to=structure_type))
    aggregates["mandates"] = Count("pk", filter=Q(aidants_connect=True))
    aggregates["passes"] = Sum("pass_numerique", default=0)
    figures = reports.order_by().aggregate(**aggregates)

    months = (
        reports.order_by()
        .annotate(month=TruncMonth("date"))
        .values("month")
        .annotate(n=Count("pk"), people=Sum("participants"))
        .order_by("month")
    )

    tables = [
        Table(
            "kinds",
            "Accompagnements par type",
            "accompagnements",
            [(kind.label, figures[f"kind_{kind}"]) for kind in ReportKind],
        ),
        Table(
            "kind_participants",
            "Personnes accompagnées par type",
            "personnes",
            [(kind.label, figures[f"kind_participants_{kind}"]) for kind in ReportKind],
        ),
        Table(
            "themes",
            "Thématiques",
            "accompagnements",
            [(label, figures[f"theme_{code}"]) for code, label in report_theme_choices()],
        ),
        Table(
            "sub_themes",
            "Démarches administratives en ligne",
            "accompagnements",
            [(sub.label, figures[f"sub_{sub}"]) for sub in ProcedureSubTheme],
        ),
        Table(
            "places",
            "Lieux d'accompagnement",
            "accompagnements",
            [(place_kind.label, figures[f"place_{place_kind}"]) for place_kind in PlaceKind],
        ),
        Table(
            "durations",
            "Durées",
            "accompagnements",
            [(label, figures[key]) for key, label, _, _ in DURATION_BANDS],
        ),
        *[
            Table(
                key, label, "personnes", [(band_label, figures[f"sum_{name}"]) for name, band_label in bands]
            )
            for key, label, bands in BREAKDOWNS
        ],
        Table(
            "redirections",
            "Réorientations vers une autre structure",
            "accompagnements",
            [
                (structure_type.label, figures[f"redirect_{structure_type}"])
                for structure_type in StructureType
            ],
        ),
        Table(
            "programmes",
            "Dispositifs",
            "nombre",
            [
                ("Mandats Aidants Connect conclus", figures["mandates"]),
                ("Pass Numérique remis", figures["passes"]),
            ],
        ),
        Table(
            "months",
            "Accompagnements par mois",
            "accompagnements",
            [(f"{row['month']:%m/%Y}", row["n"]) for row in months],
        ),
    ]
    return ReportStats(
        reports=figures["reports"],
        participants=figures["people"],
        new_people=figures["people"] - figures["already"],
        duration_minutes=figures["minutes"],
        tables=tables,
    )


def rows_for_export(stats: ReportStats):
    """The statistics as spreadsheet rows: one block per figure (title, then label and value), a blank line between."""
    yield ["Indicateur", "Valeur"]
    yield ["Accompagnements", stats.reports]
    yield ["Personnes accompagnées", stats.participants]
    yield ["Dont nouvelles personnes", stats.new_people]
    yield ["Temps d'accompagnement (minutes)", stats.duration_minutes]
    for table in stats.tables:
        yield []
        yield [table.title, table.unit]
        yield from ([label, value] for label, value in table.rows)


RECENT_DAYS = 30


@dataclass(frozen=True)
class AdvisorFigures:
    """An advisor's activity at a glance, for the lists of advisors (a coordinator's team, a territory)."""

    recent_reports: int = 0
    recent_participants: int = 0
    last_report: object = None


def per_advisor(reports, *, today) -> dict:
    """{advisor id: AdvisorFigures} over `reports` (already scoped): the reports and people of the last
    RECENT_DAYS days (today included), and the date of the last report. One grouped query."""
    since = today - timedelta(days=RECENT_DAYS - 1)
    recent = Q(date__gte=since, date__lte=today)
    rows = (
        reports.order_by()
        .values("advisor_id")
        .annotate(
            n=Count("pk", filter=recent),
            people=Sum("participants", filter=recent, default=0),
            last=Max("date"),
        )
    )
    return {row["advisor_id"]: AdvisorFigures(row["n"], row["people"], row["last"]) for row in rows}
