"""The figures of a set of activity reports (SPEC §11, §13): the advisor's own statistics, and the same computation
for whoever reads a wider set (a coordinator's team, a hub's départements, the dashboards) — pass any queryset of
reports.

Every additive figure is declared once in FIGURES (a filtered count or sum); it computes from the reports
themselves (`compute`: two queries whatever the number of reports, one aggregate, one grouped by month) and from the
monthly rollups kept per advisor (cnfs/activity/rollups.py, one column per figure) with the same `build`. Themes are JSON lists of ASCII codes, counted with jsonb containment on PostgreSQL and a `"code"` match on the
list's text on SQLite.
"""

import json
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import connections
from django.db.models import Count, DateField, Max, Q, Sum
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


@dataclass(frozen=True)
class Figure:
    """One additive figure of a set of reports: the number of reports meeting `condition` (`field` None), or the sum
    of `summed` over them. Defined once: it computes from the reports (`raw`) and from the monthly rollups, which
    keep it in a column of its `key` (`rolled`)."""

    key: str
    summed: str | None = None
    condition: Q | None = None
    contains: tuple[str, str] | None = None  # (JSON list field, code): a theme or sub-theme held

    def _filter(self, vendor: str) -> Q | None:
        if self.contains:
            return _contains(*self.contains, vendor)
        return self.condition

    def raw(self, vendor: str):
        """The aggregate over ActivityReport rows."""
        if self.summed is None:
            return Count("pk", filter=self._filter(vendor))
        return Sum(self.summed, filter=self._filter(vendor), default=0)

    def rolled(self):
        """The aggregate over ActivityRollup rows."""
        return Sum(self.key, default=0)

    def of(self, report) -> int:
        """The figure of one report (what a new report adds to its month's rollups): the same definition, read on
        the report's values."""
        if not self._holds(report):
            return 0
        return 1 if self.summed is None else int(getattr(report, self.summed) or 0)

    def _holds(self, report) -> bool:
        if self.contains:
            field_name, code = self.contains
            return code in (getattr(report, field_name) or ())
        if self.condition is None:
            return True
        assert self.condition.connector == Q.AND and not self.condition.negated
        for lookup, expected in self.condition.children:
            name, _, operator = lookup.partition("__")
            value = getattr(report, name)
            if operator == "":
                held = value == expected
            elif operator in ("gte", "lte"):
                held = value is not None and (value >= expected if operator == "gte" else value <= expected)
            else:
                raise ValueError(f"lookup {lookup!r} non évaluable sur un compte rendu")
            if not held:
                return False
        return True


def _figures() -> tuple[Figure, ...]:
    figures = [
        Figure("reports"),
        Figure("people", "participants"),
        Figure("already", "already_accompanied"),
        Figure("minutes", "duration_minutes"),
    ]
    for kind in ReportKind:
        figures.append(Figure(f"kind_{kind}", condition=Q(kind=kind)))
        figures.append(Figure(f"kind_participants_{kind}", "participants", Q(kind=kind)))
    figures += [Figure(f"place_{place_kind}", condition=Q(place_kind=place_kind)) for place_kind in PlaceKind]
    figures += [Figure(f"theme_{code}", contains=("themes", code)) for code, _ in report_theme_choices()]
    figures += [Figure(f"sub_{sub}", contains=("sub_themes", sub)) for sub in ProcedureSubTheme]
    figures += [
        Figure(key, condition=Q(duration_minutes__gte=low, duration_minutes__lte=high))
        for key, _, low, high in DURATION_BANDS
    ]
    figures += [Figure(f"sum_{name}", name) for _, _, bands in BREAKDOWNS for name, _ in bands]
    figures += [
        Figure(f"redirect_{structure_type}", condition=Q(redirected_to=structure_type))
        for structure_type in StructureType
    ]
    figures += [Figure("mandates", condition=Q(aidants_connect=True)), Figure("passes", "pass_numerique")]
    return tuple(figures)


# Every additive figure, in the rollups' column order.
FIGURES = _figures()
FIGURE_KEYS = tuple(figure.key for figure in FIGURES)


def raw_aggregates(vendor: str) -> dict:
    """{key: aggregate} of every figure over ActivityReport rows (for `.aggregate()` or a grouped `.annotate()`)."""
    return {figure.key: figure.raw(vendor) for figure in FIGURES}


def rolled_aggregates() -> dict:
    return {figure.key: figure.rolled() for figure in FIGURES}


def raw_figures(reports) -> tuple[dict, dict]:
    """({key: value} of every figure, {month: (reports, participants)}) of a queryset of reports: two queries."""
    figures = reports.order_by().aggregate(**raw_aggregates(connections[reports.db].vendor))
    months = (
        reports.order_by()
        .annotate(month=TruncMonth("date", output_field=DateField()))
        .values("month")
        .annotate(n=Count("pk"), people=Sum("participants", default=0))
    )
    return figures, {_as_date(row["month"]): (row["n"], row["people"]) for row in months}


def rolled_figures(rollups) -> tuple[dict, dict]:
    """The same as `raw_figures`, from a queryset of ActivityRollup rows."""
    figures = rollups.order_by().aggregate(**rolled_aggregates())
    months = (
        rollups.order_by()
        .values("month")
        .annotate(n=Sum("reports", default=0), n_people=Sum("people", default=0))
        .filter(n__gt=0)
    )
    return figures, {row["month"]: (row["n"], row["n_people"]) for row in months}


def _as_date(value):
    return value.date() if hasattr(value, "hour") else value


def combine(*parts: tuple[dict, dict]) -> tuple[dict, dict]:
    """The figures of disjoint sets of reports added up (whole months from rollups, edge days from reports)."""
    figures = dict.fromkeys(FIGURE_KEYS, 0)
    months = {}
    for part_figures, part_months in parts:
        for key in FIGURE_KEYS:
            figures[key] += part_figures[key] or 0
        for month, (n, people) in part_months.items():
            before = months.get(month, (0, 0))
            months[month] = (before[0] + n, before[1] + people)
    return figures, months


def compute(reports) -> ReportStats:
    """Every figure of `reports` (a queryset of ActivityReport, already scoped and filtered)."""
    return build(*raw_figures(reports))


def build(figures: dict, months: dict) -> ReportStats:
    """The statistics from every figure's value and the (reports, participants) per month."""
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
            [(f"{month:%m/%Y}", n) for month, (n, _) in sorted(months.items()) if n],
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
