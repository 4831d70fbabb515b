"""The dashboards' sections (SPEC §13): each one a list of tables computed by the indicators' own functions
(indicators.funnel, funding.overview's kept totals, training.figures, statistics.activity), over a scope
(statistics.scope) and a period. The page draws each table as a chart and shows it as a table; the exports write
the same rows. Nothing here re-derives a figure: it only arranges what those functions answer.

    section = build(scope, period, "recruitment")   # → Section(tables=[...]), a constant number of queries
"""

import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property

from cnfs.concertation.conf import national_post_target
from cnfs.funding import overview
from cnfs.funding.models import Tranche
from cnfs.funding.rules import CENTS
from cnfs.training import figures as training_figures
from cnfs.training.models import SessionStatus, TrainingStatus

from . import activity, indicators, maps
from .scope import Scope, advisor_matches

SECTION_TITLES = {
    "recruitment": "Recrutement",
    "funding": "Financement",
    "training": "Formation",
    "activity": "Activité",
    "map": "Carte",
}
TRANCHE_LABELS = {1: "Tranche 1 (20 %)", 2: "Tranche 2 (30 %)", 3: "Tranche 3 (50 %)", 4: "Solde"}


LONG_TABLE = 15


@dataclass(frozen=True)
class Period:
    """Months from `since` to `until` (first and last days, both included)."""

    since: date | None = None
    until: date | None = None


@dataclass
class Chart:
    kind: str  # "bar" or "line"
    label_column: int
    value_columns: tuple
    horizontal: bool = False


@dataclass
class FigureTable:
    """One table of a section: its columns and rows (plain values), and how to chart it (None: no chart)."""

    key: str
    title: str
    columns: list
    rows: list = field(default_factory=list)
    chart: Chart | None = None
    note: str = ""

    @property
    def empty(self) -> bool:
        return not self.rows

    @property
    def display_rows(self) -> list[list[str]]:
        """The rows as the page writes them (numbers the French way), formatted here once rather than cell by cell
        in the template."""
        return [[display(value) for value in row] for row in self.rows]

    @property
    def long(self) -> bool:
        """Many rows (a row per département): the page folds the table, open on demand."""
        return len(self.rows) > LONG_TABLE

    def _chart_values(self, index):
        return [float(row[index]) if isinstance(row[index], Decimal) else row[index] for row in self.rows]

    @property
    def has_chart(self) -> bool:
        if not self.chart or not self.rows:
            return False
        return any(any(self._chart_values(i)) for i in self.chart.value_columns)

    @property
    def chart_x(self) -> str:
        labels = [str(row[self.chart.label_column]) for row in self.rows]
        return json.dumps([labels] * len(self.chart.value_columns), ensure_ascii=False)

    @property
    def chart_y(self) -> str:
        return json.dumps([self._chart_values(i) for i in self.chart.value_columns])

    @property
    def chart_name(self) -> str:
        return json.dumps([self.columns[i] for i in self.chart.value_columns], ensure_ascii=False)


@dataclass
class Section:
    key: str
    title: str
    tables: list
    figures: list = field(default_factory=list)  # (label, value) key figures shown first

    def table(self, key) -> FigureTable:
        return next(table for table in self.tables if table.key == key)


class Shared:
    """The computations several sections of one page read (the funnel, the kept funding totals, the monthly activity
    per département), made once per page."""

    def __init__(self, scope: Scope, period: Period):
        self.scope, self.period = scope, period

    @cached_property
    def funnel(self):
        return indicators.funnel(self.scope.departements)

    @cached_property
    def kept_totals(self):
        return overview.kept_totals(self.scope.departements)

    @cached_property
    def monthly_activity(self):
        return activity.monthly_by_departement(
            self.scope.departements, since=self.period.since, until=self.period.until
        )


def euros(value) -> Decimal:
    return Decimal(value or 0).quantize(CENTS)


NARROW_SPACE = "\u202f"


def display(value) -> str:
    """A figure the French way: 1 504 166,67 for amounts, 12 345 for counts; text as it is."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return str(value)
    text = f"{value:,}" if isinstance(value, int) else f"{value:,.2f}"
    return text.replace(",", NARROW_SPACE).replace(".", ",")


def _month_label(day: date) -> str:
    return f"{day:%m/%Y}"


# --- recruitment -----------------------------------------------------------------------------------------------------


def recruitment(scope: Scope, period: Period, shared: Shared) -> Section:
    rows = shared.funnel
    total = indicators.funnel_total(rows)
    target = national_post_target()
    funnel_table = FigureTable(
        "funnel",
        "Entonnoir du recrutement",
        ["Étape", "Nombre"],
        [[indicators.FUNNEL_LABELS[name], total[name]] for name in indicators.FUNNEL_FIELDS],
        Chart("bar", 0, (1,), horizontal=True),
    )
    by_departement = FigureTable(
        "funnel_departements",
        "Recrutement par département",
        ["Département", "Nom", *(indicators.FUNNEL_LABELS[name] for name in indicators.FUNNEL_FIELDS)],
        [
            [row.departement, row.name, *(row.counts[name] for name in indicators.FUNNEL_FIELDS)]
            for row in rows
        ],
    )
    months = indicators.monthly(scope.departements, since=period.since, until=period.until)
    per_month = {}
    for row in months:
        sums = per_month.setdefault(row["month"], dict.fromkeys(indicators.MONTHLY_FIELDS, 0))
        for name in indicators.MONTHLY_FIELDS:
            sums[name] += row[name]
    monthly = FigureTable(
        "recruitment_months",
        "Recrutement par mois",
        ["Mois", *(indicators.MONTHLY_LABELS[name] for name in indicators.MONTHLY_FIELDS)],
        [
            [_month_label(month), *(sums[name] for name in indicators.MONTHLY_FIELDS)]
            for month, sums in sorted(per_month.items())
        ],
        Chart("line", 0, (1, 2, 3)),
    )
    key_figures = [
        ("Postes attribués", total["posts_granted"]),
        ("Objectif national de postes", target),
        ("Conseillers en poste", total["advisors_in_post"]),
        ("Postes à pourvoir", total["open_posts"]),
        ("Dates limites proches ou dépassées", total["deadlines_at_risk"]),
    ]
    if scope.departements is None:
        share = round(100 * total["posts_granted"] / target) if target else 0
        key_figures.insert(2, ("Part de l'objectif atteinte", f"{share} %"))
    return Section(
        "recruitment", SECTION_TITLES["recruitment"], [funnel_table, monthly, by_departement], key_figures
    )


# --- funding ---------------------------------------------------------------------------------------------------------

FUNDING_COLUMNS = ["Prévu (€)", "Versé (€)", "Reste à verser (€)", "Tranches"]


def _money_row(row) -> list:
    return [euros(row["forecast"]), euros(row["paid"]), euros(row["to_pay"]), row["tranches"]]


def funding(scope: Scope, period: Period, shared: Shared) -> Section:
    if scope.by_territory:
        by_number, by_departement = shared.kept_totals
        flow = overview.cash_flow(scope.departements)
    else:  # a structure's own tranches, as its funding page aggregates them (no kept totals per structure)
        tranches = Tranche.objects.filter(structure_id__in=list(scope.structures or ()))
        by_number, by_departement, flow = overview.by_tranche_number(tranches), [], None
    totals = overview.totals_of(by_number)
    tables = [
        FigureTable(
            "funding_tranches",
            "Subvention par tranche",
            ["Tranche", *FUNDING_COLUMNS],
            [[TRANCHE_LABELS.get(row["number"], row["number"]), *_money_row(row)] for row in by_number],
            Chart("bar", 0, (1, 2)),
        )
    ]
    if flow is not None:
        tables.append(
            FigureTable(
                "funding_months",
                "Versements prévus par mois",
                ["Mois", "Montant à verser (€)", "Tranches"],
                [
                    [_month_label(row["month"]), euros(row["amount"]), row["tranches"]]
                    for row in flow["months"]
                ],
                Chart("bar", 0, (1,)),
                note=(
                    f"En retard (échues et non versées) : {euros(flow['overdue']['amount'])} €, "
                    f"{flow['overdue']['tranches']} tranche(s)."
                ),
            )
        )
        tables.append(
            FigureTable(
                "funding_departements",
                "Subvention par département",
                ["Département", "Nom", *FUNDING_COLUMNS],
                [
                    [row["departement_id"], row["departement__name"], *_money_row(row)]
                    for row in by_departement
                ],
            )
        )
    key_figures = [
        ("Subvention prévue (€)", euros(totals["forecast"])),
        ("Versée (€)", euros(totals["paid"])),
        ("Reste à verser (€)", euros(totals["to_pay"])),
    ]
    return Section("funding", SECTION_TITLES["funding"], tables, key_figures)


# --- training --------------------------------------------------------------------------------------------------------


def training(scope: Scope, period: Period, shared: Shared) -> Section:
    if scope.advisors is not None:
        trainings = training_figures.scoped_trainings(matches=advisor_matches(scope.advisors))
    else:
        trainings = training_figures.scoped_trainings(
            departements=scope.departements, structures=scope.structures
        )
    summary = training_figures.summary(trainings)
    tables = [
        FigureTable(
            "training_paths",
            "Parcours de formation",
            ["Parcours", "Conseillers", "Formations terminées"],
            [list(row) for row in training_figures.by_path(trainings)],
            Chart("bar", 0, (1, 2)),
        ),
        FigureTable(
            "training_states",
            "Formations par étape",
            ["Étape", "Conseillers"],
            [
                [status.label, summary[status.value]]
                for status in TrainingStatus
                if status != TrainingStatus.CANCELLED
            ],
            Chart("bar", 0, (1,), horizontal=True),
        ),
    ]
    if scope.by_territory:
        sessions = training_figures.session_counts(scope.departements)
        tables.append(
            FigureTable(
                "training_sessions",
                "Sessions de formation",
                ["Sessions", "Nombre"],
                [
                    *([status.label, sessions[status.value]] for status in SessionStatus),
                    ["Inscriptions (sessions non annulées)", sessions["registered"]],
                    ["Sessions sous le seuil de 8 inscrits", sessions["below_minimum"]],
                ],
            )
        )
    key_figures = [
        ("Conseillers en formation ou à former", summary["total"] - summary[TrainingStatus.CANCELLED]),
        ("Formations terminées", summary[TrainingStatus.COMPLETED]),
        ("Démarrages tardifs", summary["late_starts"]),
    ]
    return Section("training", SECTION_TITLES["training"], tables, key_figures)


# --- activity --------------------------------------------------------------------------------------------------------


def activity_section(scope: Scope, period: Period, shared: Shared) -> Section:
    stats = activity.figures(**scope.activity_axes(), since=period.since, until=period.until)
    tables = []
    for table in stats.tables:
        kind = "line" if table.key == "months" else "bar"
        tables.append(
            FigureTable(
                f"activity_{table.key}",
                table.title,
                ["Mois" if table.key == "months" else "Catégorie", table.unit.capitalize()],
                [[label, value] for label, value in table.rows],
                Chart(kind, 0, (1,), horizontal=kind == "bar"),
            )
        )
    if scope.by_territory:
        per_departement = {}
        for row in shared.monthly_activity:
            sums = per_departement.setdefault(row["departement"], [0, 0])
            sums[0] += row["reports"]
            sums[1] += row["participants"]
        tables.append(
            FigureTable(
                "activity_departements",
                "Activité par département",
                ["Département", "Accompagnements", "Personnes accompagnées"],
                [[code, *sums] for code, sums in sorted(per_departement.items())],
            )
        )
    key_figures = [
        ("Accompagnements", stats.reports),
        ("Personnes accompagnées", stats.participants),
        ("Dont nouvelles personnes", stats.new_people),
        ("Temps d'accompagnement (heures)", round(stats.duration_minutes / 60)),
    ]
    return Section("activity", SECTION_TITLES["activity"], tables, key_figures)


# --- map -------------------------------------------------------------------------------------------------------------

MAP_INDICATORS = {
    "posts_granted": "Postes attribués",
    "advisors_in_post": "Conseillers en poste",
    "reports": "Accompagnements sur la période",
    "forecast": "Subvention prévue (€)",
}


def map_section(scope: Scope, period: Period, shared: Shared, *, level: str = "departement") -> Section:
    """The main indicators per département (or région), with the point where the map draws each."""
    places = maps.departement_places(scope.departements)
    values = {code: dict.fromkeys(MAP_INDICATORS, 0) for code in places}
    indicators_shown = ["forecast"] if scope.role == "bdt" else list(MAP_INDICATORS)
    if "posts_granted" in indicators_shown:
        for row in shared.funnel:
            if row.departement in values:
                values[row.departement]["posts_granted"] = row.counts["posts_granted"]
                values[row.departement]["advisors_in_post"] = row.counts["advisors_in_post"]
        for row in shared.monthly_activity:
            if row["departement"] in values:
                values[row["departement"]]["reports"] += row["reports"]
    for row in shared.kept_totals[1]:
        if row["departement_id"] in values:
            values[row["departement_id"]]["forecast"] = euros(row["forecast"])
    if level == "region":
        regions = maps.region_places(places)
        sums = {code: dict.fromkeys(MAP_INDICATORS, 0) for code in regions}
        for code, place in places.items():
            for name, value in values[code].items():
                sums[place["region"]][name] += value
        points, values = regions, sums
        columns = ["Région", "Nom"]
    else:
        points = places
        columns = ["Département", "Nom"]
    rows = [
        [code, point["name"], *(values[code][name] for name in indicators_shown)]
        for code, point in sorted(points.items())
    ]
    table = FigureTable(
        "map_region" if level == "region" else "map_departements",
        "Indicateurs par région" if level == "region" else "Indicateurs par département",
        [*columns, *(MAP_INDICATORS[name] for name in indicators_shown)],
        rows,
    )
    # What the map draws: a circle per place with a point, its area proportional to the first indicator.
    table.markers = [
        {
            "code": code,
            "name": point["name"],
            "lat": point["latitude"],
            "lon": point["longitude"],
            "values": [[MAP_INDICATORS[name], float(values[code][name])] for name in indicators_shown],
        }
        for code, point in sorted(points.items())
        if point["latitude"] is not None and point["longitude"] is not None
    ]
    return Section("map", SECTION_TITLES["map"], [table])


BUILDERS = {
    "recruitment": recruitment,
    "funding": funding,
    "training": training,
    "activity": activity_section,
    "map": map_section,
}


def build(scope: Scope, period: Period, key: str, shared: Shared | None = None, **options) -> Section:
    """One section; pass the page's `Shared` to build several without computing a figure twice."""
    return BUILDERS[key](scope, period, shared or Shared(scope, period), **options)


SECTION_OF_PREFIX = {
    "funnel": "recruitment",
    "recruitment": "recruitment",
    "funding": "funding",
    "training": "training",
    "activity": "activity",
    "map": "map",
}


def section_of(table_key: str) -> str | None:
    """The section a table's key belongs to ("activity_themes" → "activity"), None when none does."""
    return SECTION_OF_PREFIX.get(table_key.split("_", 1)[0])
