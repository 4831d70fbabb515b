"""The kinds of background export: each declares its label, the roles that may request it, the filters it accepts,
its header and its rows — a `values_list` queryset scoped exactly as the pages scope (`visible_to(role_context)`),
read in chunks (`iterator(chunk_size=…)`) and turned into one list of plain values per row. The same queryset gives
the count the progress bar needs.

    KINDS["posts"].rows(context, params)  # an iterator, never a list of every row
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from cnfs.accounts.roles import Role
from cnfs.candidates.models import Candidate, Distance
from cnfs.concertation import exports as application_columns
from cnfs.concertation.models import StructureApplication
from cnfs.statistics import coverage as coverage_indicators
from cnfs.structures.models import Post, PostStatus, Structure, StructureType


def chunk_size() -> int:
    return getattr(settings, "CNFS_EXPORT_CHUNK_SIZE", 2000)


@dataclass(frozen=True)
class ExportKind:
    key: str
    label: str
    roles: frozenset
    header: list[str]
    # (role context, normalised params) → a values_list queryset, ordered, of the columns `make_row` takes
    queryset: Callable[..., QuerySet]
    make_row: Callable[[tuple], list]
    filters: tuple[str, ...] = ("departement",)
    sheet: str = "Export"
    stem: str = "export"
    description: str = ""
    choices: dict = field(default_factory=dict)  # filter name → {value: label}, for filters with a fixed list

    def rows(self, context, params) -> Iterator[list]:
        for values in self.queryset(context, params).iterator(chunk_size=chunk_size()):
            yield self.make_row(values)

    def count(self, context, params) -> int:
        return self.queryset(context, params).count()


def _local_date(value):
    return timezone.localdate(value) if value else None


def _yes_no(value) -> str:
    return "oui" if value else "non"


def _in_departement(queryset, params, field_name):
    code = params.get("departement")
    return queryset.filter(**{field_name: code}) if code else queryset


# --- posts ------------------------------------------------------------------------------------------------------------

POST_STATUS_LABELS = dict(PostStatus.choices)


def _posts(context, params):
    posts = Post.objects.all()
    if context.role not in (Role.ANCT, Role.BDT):  # every post nationally: no subquery
        posts = posts.filter(structure__in=Structure.objects.visible_to(context))
    posts = _in_departement(posts, params, "structure__departement_id")
    if params.get("status"):
        posts = posts.filter(status=params["status"])
    return posts.order_by("id").values_list(
        "id",
        "structure_id",
        "structure__usual_name",
        "structure__name",
        "structure__siret",
        "structure__departement_id",
        "structure__departement__name",
        "committee_date",
        "deadline",
        "status",
    )


def _post_row(values):
    pk, structure_id, usual_name, name, siret, code, departement, committee, deadline, status = values
    return [
        pk,
        structure_id,
        usual_name or name,
        siret,
        code,
        departement,
        committee,
        deadline,
        POST_STATUS_LABELS.get(status, status),
    ]


POSTS = ExportKind(
    key="posts",
    label="Postes",
    description="Chaque poste attribué : structure, département, date du comité, date limite de recrutement, statut.",
    roles=frozenset({Role.ANCT, Role.PREFECTURE, Role.BDT}),
    header=[
        "N° du poste",
        "N° de la structure",
        "Structure",
        "SIRET",
        "Département",
        "Nom du département",
        "Date du comité",
        "Date limite de recrutement",
        "Statut",
    ],
    queryset=_posts,
    make_row=_post_row,
    filters=("departement", "status"),
    choices={"status": POST_STATUS_LABELS},
    sheet="Postes",
    stem="postes",
)


# --- structures -------------------------------------------------------------------------------------------------------

TYPE_LABELS = dict(StructureType.choices)


def _structures(context, params):
    structures = Structure.objects.visible_to(context).filter(activated_at__isnull=False)
    structures = _in_departement(structures, params, "departement_id")
    return (
        structures.annotate(
            granted=Count("posts", filter=~Q(posts__status=PostStatus.RETIRED)),
            occupied=Count("posts", filter=Q(posts__status=PostStatus.OCCUPIED)),
        )
        .order_by("id")
        .values_list(
            "id",
            "usual_name",
            "name",
            "siret",
            "type",
            "commune__name",
            "commune_id",
            "departement_id",
            "departement__name",
            "activated_at",
            "granted",
            "occupied",
        )
    )


def _structure_row(values):
    pk, usual_name, name, siret, kind, commune, insee, code, departement, activated, granted, occupied = (
        values
    )
    return [
        pk,
        usual_name or name,
        siret,
        TYPE_LABELS.get(kind, kind),
        commune or "",
        insee or "",
        code,
        departement,
        _local_date(activated),
        granted,
        occupied,
    ]


STRUCTURES = ExportKind(
    key="structures",
    label="Structures",
    description="Les structures activées, avec leurs postes attribués et pourvus.",
    roles=frozenset({Role.ANCT, Role.PREFECTURE, Role.BDT}),
    header=[
        "N° de la structure",
        "Structure",
        "SIRET",
        "Type",
        "Commune",
        "Code INSEE",
        "Département",
        "Nom du département",
        "Activée le",
        "Postes attribués",
        "Postes pourvus",
    ],
    queryset=_structures,
    make_row=_structure_row,
    sheet="Structures",
    stem="structures",
)


# --- candidates (ANCT) ------------------------------------------------------------------------------------------------

DISTANCE_LABELS = dict(Distance.choices)


def _candidates(context, params):
    candidates = Candidate.objects.filter(erased_at__isnull=True)
    candidates = _in_departement(candidates, params, "commune__departement_id")
    return candidates.order_by("id").values_list(
        "id",
        "commune__name",
        "commune_id",
        "commune__departement_id",
        "email_confirmed",
        "is_available",
        "available_from",
        "max_distance",
        "was_advisor",
        "created_at",
    )


def _candidate_row(values):
    pk, commune, insee, code, confirmed, available, available_from, distance, was_advisor, created = values
    return [
        pk,
        commune,
        insee,
        code,
        _yes_no(confirmed),
        _yes_no(available),
        available_from,
        DISTANCE_LABELS.get(distance, distance),
        _yes_no(was_advisor),
        _local_date(created),
    ]


CANDIDATES = ExportKind(
    key="candidates",
    label="Candidats (sans données nominatives)",
    description="Les candidats inscrits : commune, disponibilité, mobilité ; ni nom ni coordonnées.",
    roles=frozenset({Role.ANCT}),
    header=[
        "N° du candidat",
        "Commune",
        "Code INSEE",
        "Département",
        "Adresse confirmée",
        "Disponible",
        "Disponible à partir du",
        "Mobilité",
        "Déjà conseiller numérique",
        "Inscrit le",
    ],
    queryset=_candidates,
    make_row=_candidate_row,
    sheet="Candidats",
    stem="candidats",
)


# --- structures' applications: the columns of the list's synchronous export (cnfs/concertation/exports.py) ----------


def _applications(context, params):
    applications = StructureApplication.objects.visible_to(context).with_posts_granted()
    applications = _in_departement(applications, params, "departement_id")
    return applications.order_by("id").values_list(*application_columns.FIELDS)


_APPLICATION_MAKERS = [
    (positions, make)
    for positions, (_, _, make) in zip(
        application_columns.POSITIONS, application_columns.COLUMNS, strict=True
    )
]


def _application_row(values):
    return [make(*(values[i] for i in positions)) for positions, make in _APPLICATION_MAKERS]


APPLICATIONS = ExportKind(
    key="applications",
    label="Candidatures des structures",
    description="Les candidatures transmises, avec l'avis du préfet et les postes accordés.",
    roles=frozenset({Role.ANCT, Role.PREFECTURE}),
    header=[label for label, _, _ in application_columns.COLUMNS],
    queryset=_applications,
    make_row=_application_row,
    sheet="Candidatures",
    stem="candidatures",
)


# --- communes in a white zone (territorial coverage, cnfs/statistics/coverage.py) --------------------------------------


def _white_zones(context, params):
    departements = context.departement_codes
    code = params.get("departement")
    if code:
        departements = {code} if departements is None or code in departements else set()
    return coverage_indicators.white_zone_communes(departements).values_list(
        *coverage_indicators.WHITE_ZONE_COLUMNS
    )


WHITE_ZONES = ExportKind(
    key="white_zones",
    label="Communes en zone blanche",
    description="Les communes loin de tout lieu d'activité visible sur la carte publique, les plus peuplées d'abord.",
    roles=frozenset({Role.ANCT, Role.PREFECTURE}),
    header=coverage_indicators.WHITE_ZONE_HEADER,
    queryset=_white_zones,
    make_row=coverage_indicators.white_zone_row,
    sheet="Zones blanches",
    stem="zones-blanches",
)


KINDS: dict[str, ExportKind] = {
    kind.key: kind for kind in (POSTS, STRUCTURES, APPLICATIONS, CANDIDATES, WHITE_ZONES)
}
EXPORT_ROLES = frozenset().union(*(kind.roles for kind in KINDS.values()))


def kinds_for(role) -> list[ExportKind]:
    return [kind for kind in KINDS.values() if role in kind.roles]


def kind_label(key: str) -> str:
    kind = KINDS.get(key)
    return kind.label if kind else "Export retiré"


def describe_params(params: dict) -> str:
    """The filters of an export in French ("département 03, statut « Libre »"), for its page."""
    parts = []
    if params.get("departement"):
        parts.append(f"département {params['departement']}")
    if params.get("status"):
        parts.append(f"statut « {POST_STATUS_LABELS.get(params['status'], params['status'])} »")
    return ", ".join(parts) or "sans filtre"
