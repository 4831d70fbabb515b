"""The public API, version 1 (/api/v1/): read-only, documented by its OpenAPI 3 document (/api/v1/openapi.json)
and the page /api/.

Open to all: structures and posts (public fields), monthly public statistics by département. With a token issued by
ANCT (Authorization: Bearer …), within the token's scopes and départements: the recruitment funnel by territory.
Every list is paginated by cursor; every error is a problem detail (RFC 9457); every client is rate-limited (per
token, or per address without one). The figures come from cnfs.statistics.indicators, as on the pages."""

import re
from datetime import date, datetime
from typing import Annotated

from django.conf import settings
from django.http import Http404
from django.utils import timezone
from ninja import Field, NinjaAPI, Query, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from ninja.security import HttpBearer
from ninja.throttling import BaseThrottle
from pydantic import BeforeValidator, create_model

from cnfs.accounts import ratelimit
from cnfs.activity import opendata, standard
from cnfs.activity.models import ActivityReport, Place
from cnfs.core import opendata as opendata_columns
from cnfs.core.forms import date_bounds
from cnfs.core.replica import reading_replica
from cnfs.journal.context import client_ip
from cnfs.statistics import indicators
from cnfs.structures import opendata as structures_opendata
from cnfs.structures.models import PostStatus
from cnfs.territories.models import Departement, Region

from . import pagination, tokens
from .models import ApiScope, ApiToken
from .problems import PROBLEM_TYPE, problem

DEPARTEMENT = r"^(?:[0-9]{2}|2[AB]|97[1-6])$"
REGION = r"^[0-9]{2}$"
MONTH = r"^[0-9]{4}-(?:0[1-9]|1[0-2])$"
CURSOR = r"^[A-Za-z0-9_-]+$"
ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
ISO_DATETIME = re.compile(
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}"
)  # base64url, as `next` writes it
MAX_LIMIT = 500


class CnfsApi(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """Errors are documented with the media type they are sent with (application/problem+json)."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for operations in schema["paths"].values():
            for operation in operations.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if int(status) >= 400 and "application/json" in content:
                        response["content"] = {PROBLEM_TYPE: content["application/json"]}
        return schema


class TokenAuth(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request, token):
        return tokens.authenticate(token)


class RateLimit(BaseThrottle):
    """So many requests per token (or per client address without one) in a window (CNFS_RATE_LIMITS "api_token"
    and "api_client"), counted in the database so that every worker shares the count."""

    def allow_request(self, request) -> bool:
        token = getattr(request, "auth", None)
        if isinstance(token, ApiToken):
            kind, value = "api_token", f"token:{token.pk}"
        else:
            kind, value = "api_client", client_ip(request) or "unknown"
        limit, period = settings.CNFS_RATE_LIMITS[kind]
        seconds = max(1, int(period.total_seconds()))
        self.retry_after = seconds - int(timezone.now().timestamp()) % seconds
        return ratelimit.hit("api", kind, value) <= limit

    def wait(self):
        return getattr(self, "retry_after", None)


api = CnfsApi(
    title="API cnfs — Conseiller numérique France Services",
    version="1",
    description=(
        "Données publiques du dispositif Conseiller numérique France Services (structures, postes, statistiques "
        "mensuelles), et, avec un jeton délivré par l'ANCT, l'entonnoir de recrutement par territoire. Lecture "
        "seule ; pagination par curseur ; erreurs au format « problem details » (RFC 9457)."
    ),
    urls_namespace="api-v1",
    docs_url=None,
    throttle=[RateLimit()],
)


# --- errors ----------------------------------------------------------------------------------------------------------


def _field_name(location) -> str:
    parts = [str(part) for part in location if part not in ("query", "path", "body")]
    return ".".join(parts) or "requête"


MESSAGES = {
    "string_pattern_mismatch": "valeur mal formée (forme attendue : {pattern})",
    "string_too_long": "texte trop long ({max_length} caractères au plus)",
    "greater_than_equal": "valeur trop petite (au moins {ge})",
    "less_than_equal": "valeur trop grande (au plus {le})",
    "int_parsing": "nombre entier attendu",
    "int_from_float": "nombre entier attendu",
    "datetime_parsing": "date et heure ISO 8601 attendues (exemple : 2026-01-31T08:00:00)",
    "datetime_from_date_parsing": "date et heure ISO 8601 attendues (exemple : 2026-01-31T08:00:00)",
    "datetime_type": "date et heure ISO 8601 attendues (exemple : 2026-01-31T08:00:00)",
    "value_error": "date et heure ISO 8601 attendues (exemple : 2026-01-31T08:00:00)",
    "missing": "paramètre obligatoire",
}


def _message(error: dict) -> str:
    template = MESSAGES.get(error.get("type", ""), "valeur invalide")
    try:
        return template.format(**(error.get("ctx") or {}))
    except (KeyError, IndexError):
        return MESSAGES.get(error.get("type", ""), "valeur invalide").split(" (")[0]


@api.exception_handler(ValidationError)
def invalid(request, error):
    errors = [{"parametre": _field_name(e.get("loc", ())), "message": _message(e)} for e in error.errors]
    names = ", ".join(sorted({e["parametre"] for e in errors}))
    return problem(request, 400, f"Paramètre invalide : {names}.", errors=errors)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, error):
    detail = "Cette donnée demande un jeton valide : en-tête « Authorization: Bearer <jeton> »."
    return problem(request, 401, detail, headers={"WWW-Authenticate": "Bearer"})


@api.exception_handler(Throttled)
def throttled(request, error):
    detail = "Trop de requêtes pour ce client : réessayez plus tard (voir l'en-tête Retry-After)."
    return problem(request, 429, detail, headers={"Retry-After": str(error.wait or 60)})


@api.exception_handler(HttpError)
def http_error(request, error):
    return problem(request, error.status_code, str(error))


@api.exception_handler(Http404)
def not_found(request, error):
    return problem(request, 404, str(error) or "Cette ressource n'existe pas.")


# --- schemas ---------------------------------------------------------------------------------------------------------


class Problem(Schema):
    type: str = Field(description="Type d'erreur (about:blank : voir le statut et le titre).")
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[dict] | None = Field(None, description="Paramètres refusés et motif.")


PY_TYPES = {"integer": int, "number": float, "string": str, "date": date, "datetime": datetime}


def _schema(name: str, columns) -> type[Schema]:
    """A response schema from the open-data columns (cnfs.core.opendata.Column): the API and the CSV files publish the
    same fields, described once."""
    fields = {}
    for column in columns:
        kind = PY_TYPES[column.type]
        fields[column.name] = (
            kind | None if column.nullable else kind,
            Field(description=column.description),
        )
    return create_model(name, __base__=Schema, **fields)


StructureOut = _schema("StructureOut", structures_opendata.STRUCTURE_COLUMNS)


class StructurePage(Schema):
    results: list[StructureOut]
    next: str | None = Field(description="Adresse de la page suivante, absente sur la dernière.")


PostOut = _schema("PostOut", structures_opendata.POST_COLUMNS)


class PostPage(Schema):
    results: list[PostOut]
    next: str | None


class MonthlyOut(Schema):
    departement: str
    mois: str = Field(description="AAAA-MM")
    structures_activees: int
    postes_attribues: int
    recrutements: int


class MonthlyPage(Schema):
    results: list[MonthlyOut]
    next: str | None


class FunnelOut(Schema):
    departement: str
    nom: str
    candidatures: int
    avis_prefet: int
    decisions_positives: int
    decisions_negatives: int
    postes_attribues: int
    recrutements: int
    conseillers_en_poste: int
    postes_a_pourvoir: int
    postes_date_limite_proche: int


class FunnelPage(Schema):
    results: list[FunnelOut]
    next: str | None


ERRORS = {400: Problem, 404: Problem, 429: Problem}
TOKEN_ERRORS = {400: Problem, 401: Problem, 403: Problem, 404: Problem, 429: Problem}


# --- filters ---------------------------------------------------------------------------------------------------------


class Territory(Schema):
    departement: Annotated[str | None, Field(None, pattern=DEPARTEMENT, description="Code du département.")]
    region: Annotated[str | None, Field(None, pattern=REGION, description="Code de la région.")]


def _iso_only(value):
    """A date and time as ISO 8601 text only (pydantic would also take a number as a Unix timestamp)."""
    if isinstance(value, str) and not ISO_DATETIME.match(value):
        raise ValueError("ISO 8601 attendu")
    return value


class ListFilters(Territory):
    modifie_depuis: Annotated[datetime | None, BeforeValidator(_iso_only)] = Field(
        None,
        description="Seulement ce qui a changé depuis cet instant (ISO 8601 ; heure de Paris sans fuseau).",
    )
    cursor: str | None = Field(
        None, max_length=400, pattern=CURSOR, description="Curseur de la page (donné par « next »)."
    )
    limit: int = Field(100, ge=1, le=MAX_LIMIT, description=f"Lignes par page (1 à {MAX_LIMIT}).")


def _territory_codes(filters: Territory, allowed=None) -> list[str] | None:
    """The départements a filter asks for, within `allowed` (None: everywhere); 404 for an unknown territory or
    one outside `allowed`."""
    codes = None
    if filters.departement:
        if not Departement.objects.filter(code=filters.departement).exists():
            raise Http404(f"Le département {filters.departement} n'existe pas.")
        codes = [filters.departement]
    if filters.region:
        if not Region.objects.filter(code=filters.region).exists():
            raise Http404(f"La région {filters.region} n'existe pas.")
        in_region = set(Departement.objects.filter(region_id=filters.region).values_list("code", flat=True))
        codes = sorted(in_region if codes is None else in_region & set(codes))
    if allowed is not None:
        if codes is not None and not set(codes) <= set(allowed):
            raise Http404("Ce territoire est hors du périmètre de ce jeton.")
        codes = sorted(allowed) if codes is None else codes
    return codes


def _since(value: datetime | None) -> datetime | None:
    """The instant asked for, in Paris time when given without a zone, brought within the dates the platform keeps
    (before the first one, everything has changed since; after the last one, nothing has)."""
    if value is None:
        return None
    low, high = (datetime.combine(day, datetime.min.time()) for day in date_bounds())
    naive = value if timezone.is_naive(value) else value.replace(tzinfo=None)
    if naive < low or naive > high:
        value = min(max(naive, low), high)
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _page(request, queryset, filters, serialize):
    """One page of `queryset` (ordered by id) after the cursor."""
    after = pagination.decode(filters.cursor, size=1)
    if after is not None:
        if not isinstance(after[0], int):
            raise HttpError(400, pagination.INVALID_CURSOR)
        queryset = queryset.filter(pk__gt=after[0])
    rows = list(queryset.order_by("pk")[: filters.limit + 1])
    more = len(rows) > filters.limit
    rows = rows[: filters.limit]
    return {
        "results": [serialize(row) for row in rows],
        "next": pagination.next_url(request, [rows[-1].pk] if rows else None, more),
    }


# --- open data -------------------------------------------------------------------------------------------------------


@api.get(
    "/structures",
    response={200: StructurePage, **ERRORS},
    summary="Structures accueillantes",
    tags=["Données ouvertes"],
)
def structures(request, filters: Query[ListFilters]):
    """Les structures activées du dispositif, avec leurs postes attribués et pourvus."""
    codes = _territory_codes(filters)
    queryset = structures_opendata.public_structures()
    if codes is not None:
        queryset = queryset.filter(departement_id__in=codes)
    if since := _since(filters.modifie_depuis):
        queryset = queryset.filter(updated_at__gte=since)

    def serialize(structure):
        return opendata_columns.record(structures_opendata.STRUCTURE_COLUMNS, structure)

    return _page(request, queryset, filters, serialize)


class PostFilters(ListFilters):
    statut: Annotated[
        str | None,
        Field(None, pattern="^(" + "|".join(PostStatus.values) + ")$", description="Statut du poste."),
    ] = None


@api.get("/postes", response={200: PostPage, **ERRORS}, summary="Postes", tags=["Données ouvertes"])
def posts(request, filters: Query[PostFilters]):
    """Les postes attribués par les comités, leur date limite de recrutement et leur statut."""
    codes = _territory_codes(filters)
    queryset = structures_opendata.public_posts()
    if codes is not None:
        queryset = queryset.filter(structure__departement_id__in=codes)
    if filters.statut:
        queryset = queryset.filter(status=filters.statut)
    if since := _since(filters.modifie_depuis):
        queryset = queryset.filter(updated_at__gte=since)

    def serialize(post):
        return opendata_columns.record(structures_opendata.POST_COLUMNS, post)

    return _page(request, queryset, filters, serialize)


class MonthlyFilters(Territory):
    depuis: Annotated[str | None, Field(None, pattern=MONTH, description="Premier mois (AAAA-MM).")]
    jusqu_a: Annotated[str | None, Field(None, pattern=MONTH, description="Dernier mois (AAAA-MM).")]
    cursor: str | None = Field(
        None, max_length=400, pattern=CURSOR, description="Curseur de la page (donné par « next »)."
    )
    limit: int = Field(100, ge=1, le=MAX_LIMIT, description=f"Lignes par page (1 à {MAX_LIMIT}).")


def _month(value: str | None) -> date | None:
    if not value:
        return None
    year, month = (int(part) for part in value.split("-"))
    if year < 1:
        raise HttpError(400, "Mois hors des limites.")
    return date(year, month, 1)


@api.get(
    "/statistiques/mensuelles",
    response={200: MonthlyPage, **ERRORS},
    summary="Statistiques mensuelles par département",
    tags=["Données ouvertes"],
)
@reading_replica()
def monthly_statistics(request, filters: Query[MonthlyFilters]):
    """Par département et par mois : structures activées, postes attribués (mois du comité), recrutements."""
    codes = _territory_codes(filters)
    since, until = _month(filters.depuis), _month(filters.jusqu_a)
    if since and until and since > until:
        raise HttpError(400, "Le mois « depuis » doit précéder le mois « jusqu_a ».")
    rows = indicators.monthly(codes, since=since, until=until)
    after = pagination.decode(filters.cursor, size=2)
    if after is not None:
        rows = [r for r in rows if [r["departement"], r["month"].isoformat()] > [str(v) for v in after]]
    page, more = rows[: filters.limit], len(rows) > filters.limit
    return {
        "results": [
            {
                "departement": r["departement"],
                "mois": f"{r['month']:%Y-%m}",
                "structures_activees": r["structures_activated"],
                "postes_attribues": r["posts_granted"],
                "recrutements": r["hires"],
            }
            for r in page
        ],
        "next": pagination.next_url(
            request, [page[-1]["departement"], page[-1]["month"].isoformat()] if page else None, more
        ),
    }


def _place_schema():
    """The national standard's columns (lieux de médiation numérique 1.0.2), typed from its table schema."""
    fields = {}
    for column in standard.schema()["fields"]:
        kind = {"number": float | None, "date": date}.get(column.get("type"), str)
        description = (column.get("description") or "").split("\n")[0][:300]
        fields[column["name"]] = (kind, Field(description=description))
    return create_model("PlaceOut", __base__=Schema, **fields)


PlaceOut = _place_schema()


class PlacePage(Schema):
    results: list[PlaceOut]
    next: str | None


@api.get(
    "/lieux",
    response={200: PlacePage, **ERRORS},
    summary="Lieux d'activité (standard national)",
    tags=["Données ouvertes"],
)
def places(request, filters: Query[ListFilters]):
    """Les lieux d'activité visibles sur la carte publique, dans les colonnes du standard national des lieux de
    médiation numérique (1.0.2), comme le fichier de données ouvertes."""
    codes = _territory_codes(filters)
    queryset = Place.objects.public().select_related("commune", "structure")
    if codes is not None:
        queryset = queryset.filter(commune__departement_id__in=codes)
    if since := _since(filters.modifie_depuis):
        queryset = queryset.filter(updated_at__gte=since)
    return _page(request, queryset, filters, opendata.standard_row)


# --- with a token ----------------------------------------------------------------------------------------------------


def _token_departements(token: ApiToken) -> list[str] | None:
    codes = [d.pk for d in token.departements.all()]
    return codes or None


def _require(token: ApiToken, scope: str):
    if not token.allows(scope):
        raise HttpError(403, f"Ce jeton n'ouvre pas l'accès à « {ApiScope(scope).label} ».")


class ReportOut(Schema):
    id: int
    date: date
    departement: str = Field(description="Département de la structure du conseiller.")
    type: str
    type_de_lieu: str
    commune_insee: str | None = Field(
        description="Commune du lieu, de la personne à domicile ou de l'autre lieu."
    )
    duree_minutes: int
    thematiques: list[str]
    demarches: list[str]
    materiel: list[str]
    participants: int
    deja_accompagnes: int
    ages: dict[str, int]
    genres: dict[str, int]
    situations: dict[str, int]
    niveau_atelier: str
    autonomie: str
    reorientation: str
    mandat_aidants_connect: bool
    pass_numerique: int
    modifie_le: datetime


class ReportPage(Schema):
    results: list[ReportOut]
    next: str | None


def _iso_date_only(value):
    if isinstance(value, str) and not ISO_DATE.match(value):
        raise ValueError("AAAA-MM-JJ attendu")
    return value


class ReportFilters(ListFilters):
    depuis: Annotated[date | None, BeforeValidator(_iso_date_only)] = Field(
        None, description="Premier jour (AAAA-MM-JJ)."
    )
    jusqu_a: Annotated[date | None, BeforeValidator(_iso_date_only)] = Field(
        None, description="Dernier jour (AAAA-MM-JJ)."
    )


AGES = {"moins_12": "age_under_12", "12_17": "age_12_18", "18_34": "age_18_35", "35_59": "age_35_60"}
AGES["60_et_plus"] = "age_over_60"
GENRES = {"femmes": "gender_female", "hommes": "gender_male", "autre": "gender_other"}
SITUATIONS = {
    "scolaires_etudiants": "situation_student",
    "en_emploi": "situation_employed",
    "demandeurs_emploi": "situation_job_seeker",
    "retraites": "situation_retired",
    "autre": "situation_other",
}


def _report(report) -> dict:
    """A report without anything that could name someone: no notes, no workshop title, no advisor."""
    commune = report.place.commune_id if report.place_id else report.commune_id
    return {
        "id": report.pk,
        "date": report.date,
        "departement": report.advisor.structure.departement_id,
        "type": report.kind,
        "type_de_lieu": report.place_kind,
        "commune_insee": commune,
        "duree_minutes": report.duration_minutes,
        "thematiques": report.themes,
        "demarches": report.sub_themes,
        "materiel": report.equipment,
        "participants": report.participants,
        "deja_accompagnes": report.already_accompanied,
        "ages": {key: getattr(report, field) for key, field in AGES.items()},
        "genres": {key: getattr(report, field) for key, field in GENRES.items()},
        "situations": {key: getattr(report, field) for key, field in SITUATIONS.items()},
        "niveau_atelier": report.level,
        "autonomie": report.autonomy,
        "reorientation": report.redirected_to,
        "mandat_aidants_connect": report.aidants_connect,
        "pass_numerique": report.pass_numerique,
        "modifie_le": report.updated_at,
    }


@api.get(
    "/activite/comptes-rendus",
    auth=TokenAuth(),
    response={200: ReportPage, **TOKEN_ERRORS},
    summary="Comptes rendus d'activité anonymisés (jeton)",
    tags=["Avec un jeton"],
)
def activity_reports(request, filters: Query[ReportFilters]):
    """Les comptes rendus d'activité des conseillers, sans notes, titre d'atelier ni conseiller (des nombres et des
    catégories seulement), dans le périmètre du jeton (portée « activity »)."""
    _require(request.auth, ApiScope.ACTIVITY)
    codes = _territory_codes(filters, allowed=_token_departements(request.auth))
    if filters.depuis and filters.jusqu_a and filters.depuis > filters.jusqu_a:
        raise HttpError(400, "La date « depuis » doit précéder la date « jusqu_a ».")
    queryset = ActivityReport.objects.select_related("advisor__structure", "place").defer("notes", "title")
    if codes is not None:
        queryset = queryset.filter(advisor__structure__departement_id__in=codes)
    if filters.depuis:
        queryset = queryset.filter(date__gte=filters.depuis)
    if filters.jusqu_a:
        queryset = queryset.filter(date__lte=filters.jusqu_a)
    if since := _since(filters.modifie_depuis):
        queryset = queryset.filter(updated_at__gte=since)
    return _page(request, queryset, filters, _report)


@api.get(
    "/recrutement/entonnoir",
    auth=TokenAuth(),
    response={200: FunnelPage, **TOKEN_ERRORS},
    summary="Entonnoir de recrutement par département (jeton)",
    tags=["Avec un jeton"],
)
@reading_replica()
def funnel(request, filters: Query[Territory]):
    """Candidatures, avis, décisions, postes attribués, recrutements, conseillers en poste et postes à pourvoir, par
    département, dans le périmètre du jeton (portée « funnel »)."""
    _require(request.auth, ApiScope.FUNNEL)
    codes = _territory_codes(filters, allowed=_token_departements(request.auth))
    rows = indicators.funnel(codes)
    return {
        "results": [
            {
                "departement": row.departement,
                "nom": row.name,
                "candidatures": row.counts["applications"],
                "avis_prefet": row.counts["opinions"],
                "decisions_positives": row.counts["positive_decisions"],
                "decisions_negatives": row.counts["negative_decisions"],
                "postes_attribues": row.counts["posts_granted"],
                "recrutements": row.counts["hires"],
                "conseillers_en_poste": row.counts["advisors_in_post"],
                "postes_a_pourvoir": row.counts["open_posts"],
                "postes_date_limite_proche": row.counts["deadlines_at_risk"],
            }
            for row in rows
        ],
        "next": None,
    }


def _open(patterns):
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            _open(pattern.url_patterns)
        else:
            pattern.callback.login_required = False  # what login_not_required sets: the API has its own auth


def urls():
    """The API's URL patterns, open without a session (LoginRequiredMiddleware): tokens do the checking."""
    patterns, app_name, namespace = api.urls
    _open(patterns)
    return patterns, app_name, namespace
