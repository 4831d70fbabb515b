"""Territorial coverage (SPEC §13): posts granted, advisors in post and places visible on the public map per 10,000
inhabitants, and the communes in a white zone (farther than CNFS_COVERAGE_WHITE_ZONE_KM from every visible place,
cnfs/coverage), by département and by EPCI — one computation for the page and its exports.

Populations are the communes' (Commune.population, current communes: a municipal arrondissement's population is
already its city's), summed over the scope: an EPCI that spans two départements counts, in a département's table,
its communes of that département only. A structure or a place in a municipal arrondissement counts in its city's EPCI.
Each table is a constant number of GROUP BY queries, whatever the number of rows."""

from dataclasses import dataclass, field

from django.db.models import Count, F, Sum
from django.db.models.functions import Coalesce

from cnfs.activity.models import Place
from cnfs.coverage.models import CommuneCoverage, white_zone_km
from cnfs.recruitment.models import Advisor, AdvisorStatus
from cnfs.structures.models import Post
from cnfs.territories.models import Commune, CommuneType, Departement, Epci

PER = 10_000
COUNTS = ("posts_granted", "advisors_in_post", "places")
FIELDS = (
    "population",
    "posts_granted",
    "advisors_in_post",
    "places",
    "white_zone_communes",
    "white_zone_population",
)
LABELS = {
    "population": "Population",
    "posts_granted": "Postes attribués",
    "advisors_in_post": "Conseillers en poste",
    "places": "Lieux d'activité visibles",
    "white_zone_communes": "Communes en zone blanche",
    "white_zone_population": "Population en zone blanche",
}


@dataclass
class CoverageRow:
    code: str  # département code or EPCI SIREN
    name: str
    departement: str = ""  # the EPCI's département(s) in the scope, "03, 63"
    values: dict = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))

    def per_10000(self, name: str) -> float | None:
        """`name` (posts_granted, advisors_in_post, places) per 10,000 inhabitants, to 2 decimals; None without
        population."""
        population = self.values["population"]
        return round(self.values[name] * PER / population, 2) if population else None

    @property
    def figures(self) -> list[tuple[str, int, float | None]]:
        """(name, count, per 10,000 inhabitants) of posts granted, advisors in post and places, for the templates."""
        return [(name, self.values[name], self.per_10000(name)) for name in COUNTS]

    @property
    def white_zone_share(self) -> float | None:
        """The share of the population in a white zone, in %."""
        population = self.values["population"]
        return round(self.values["white_zone_population"] * 100 / population, 1) if population else None


def _scoped(queryset, path, departements):
    return queryset if departements is None else queryset.filter(**{f"{path}__in": list(departements)})


def _grouped(queryset, key, departements, departement_path, **aggregates) -> dict:
    rows = _scoped(queryset, departement_path, departements).order_by().annotate(key=key).values("key")
    return {row.pop("key"): row for row in rows.annotate(**aggregates) if row["key"] is not None}


# Where each table's rows are counted: its département (the one the other indicators use) and its commune.
DEPARTEMENT_PATHS = {
    "communes": "departement_id",
    "posts": "structure__departement_id",
    "advisors": "structure__departement_id",
    "places": "commune__departement_id",
    "white": "commune__departement_id",
}
COMMUNE_PATHS = {
    "communes": "",
    "posts": "structure__commune__",
    "advisors": "structure__commune__",
    "places": "commune__",
    "white": "commune__",
}


def _parts(key_of, departements) -> list[dict]:
    """The per-key figures of every table: `key_of(table)` gives the grouping expression of a table's rows."""
    tables = {
        "communes": (Commune.objects.filter(type=CommuneType.COMMUNE), {"population": Sum("population")}),
        "posts": (Post.objects.granted(), {"posts_granted": Count("pk")}),
        "advisors": (Advisor.objects.filter(status=AdvisorStatus.ACTIVE), {"advisors_in_post": Count("pk")}),
        "places": (Place.objects.public(), {"places": Count("pk")}),
        "white": (
            CommuneCoverage.objects.white_zone(),
            {"white_zone_communes": Count("pk"), "white_zone_population": Sum("commune__population")},
        ),
    }
    return [
        _grouped(queryset, key_of(table), departements, DEPARTEMENT_PATHS[table], **aggregates)
        for table, (queryset, aggregates) in tables.items()
    ]


def _rows(parts, names, departements_of=None) -> list[CoverageRow]:
    codes = sorted(set().union(*parts))
    rows = []
    for code in codes:
        row = CoverageRow(
            code=code, name=names.get(code, ""), departement=(departements_of or {}).get(code, "")
        )
        for part in parts:
            row.values.update({k: v or 0 for k, v in part.get(code, {}).items()})
        rows.append(row)
    return rows


def by_departement(departements=None) -> list[CoverageRow]:
    """One row per département of the scope (None: the whole country) that has communes, by code."""
    parts = _parts(lambda table: F(DEPARTEMENT_PATHS[table]), departements)
    names = dict(_scoped(Departement.objects.all(), "code", departements).values_list("code", "name"))
    return [row for row in _rows(parts, names) if row.code in names]


def _epci(table):
    # A municipal arrondissement has no EPCI of its own: its city's.
    prefix = COMMUNE_PATHS[table]
    return Coalesce(f"{prefix}epci_id", f"{prefix}parent__epci_id")


def by_epci(departements=None) -> list[CoverageRow]:
    """One row per EPCI with communes in the scope, by name; communes outside any EPCI are left out."""
    parts = _parts(_epci, departements)
    sirens = set().union(*parts)
    names = dict(Epci.objects.filter(siren__in=sirens).values_list("siren", "name"))
    departements_of = {}
    pairs = _scoped(Commune.objects.filter(epci_id__in=sirens), "departement_id", departements)
    for siren, code in pairs.order_by("departement_id").values_list("epci_id", "departement_id").distinct():
        departements_of[siren] = f"{departements_of[siren]}, {code}" if siren in departements_of else code
    rows = _rows(parts, names, departements_of)
    return sorted(rows, key=lambda row: (row.name, row.code))


def total(rows: list[CoverageRow], name: str = "Total") -> CoverageRow:
    """The sum of the rows (no query)."""
    result = CoverageRow(code="", name=name)
    for key in FIELDS:
        result.values[key] = sum(row.values[key] for row in rows)
    return result


WHITE_ZONE_ORDERINGS = {
    "population": ("-commune__population", "commune__name", "pk"),
    "population_asc": ("commune__population", "commune__name", "pk"),
    "distance": ("-distance_km", "commune__name", "pk"),
    "name": ("commune__name", "pk"),
}


def white_zone_communes(departements=None, ordering: str = "population"):
    """The communes in a white zone in the scope, most populated first by default: a queryset of CommuneCoverage
    with the commune, its département, its EPCI and the nearest visible place (None: no place at all)."""
    queryset = CommuneCoverage.objects.white_zone().in_departements(departements)
    order = WHITE_ZONE_ORDERINGS.get(ordering, WHITE_ZONE_ORDERINGS["population"])
    return queryset.select_related("commune__departement", "commune__epci").order_by(*order)


WHITE_ZONE_HEADER = [
    "Code INSEE",
    "Commune",
    "Département",
    "EPCI",
    "Population",
    "Distance au lieu visible le plus proche (km)",
]


WHITE_ZONE_COLUMNS = (
    "commune_id",
    "commune__name",
    "commune__departement_id",
    "commune__epci__name",
    "commune__population",
    "distance_km",
)


def white_zone_row(values) -> list:
    """A plain row of the white-zone list from the WHITE_ZONE_COLUMNS values."""
    insee, name, departement, epci, population, distance = values
    return [
        insee,
        name,
        departement,
        epci or "",
        population,
        round(distance, 1) if distance is not None else "",
    ]


def white_zone_rows(queryset):
    """Plain rows of the white-zone list (header excluded), read in chunks."""
    for values in queryset.values_list(*WHITE_ZONE_COLUMNS).iterator(chunk_size=2000):
        yield white_zone_row(values)


def table_header(kind: str) -> list[str]:
    first = ["Code", "Département"] if kind == "departements" else ["SIREN", "EPCI", "Département(s)"]
    return [
        *first,
        LABELS["population"],
        *(column for name in COUNTS for column in (LABELS[name], f"{LABELS[name]} pour 10 000 habitants")),
        LABELS["white_zone_communes"],
        LABELS["white_zone_population"],
        "Part de la population en zone blanche (%)",
    ]


def table_rows(kind: str, rows: list[CoverageRow]):
    for row in rows:
        first = [row.code, row.name] if kind == "departements" else [row.code, row.name, row.departement]
        yield [
            *first,
            row.values["population"],
            *(value for name in COUNTS for value in (row.values[name], row.per_10000(name))),
            row.values["white_zone_communes"],
            row.values["white_zone_population"],
            row.white_zone_share,
        ]


def threshold_km() -> float:
    return white_zone_km()
