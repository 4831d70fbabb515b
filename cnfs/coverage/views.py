"""Territorial coverage for ANCT (the whole country, filtered by région or département) and a préfecture (its
département or région): the figures by département and by EPCI, the communes in a white zone (list, map data) and
their exports. Every figure comes from cnfs/statistics/coverage.py."""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cnfs.accounts.permissions import role_required
from cnfs.accounts.roles import Role
from cnfs.activity.views import allow_tiles
from cnfs.core.exports import csv_response, dated_filename, xlsx_response
from cnfs.core.replica import reading_replica
from cnfs.statistics import coverage as indicators

from .forms import TerritoryFilterForm
from .models import CoverageState

PAGE_SIZE = 50
ROLES = (Role.ANCT, Role.PREFECTURE)
TABLES = {"departements": "Départements", "epci": "EPCI", "communes": "Zones blanches"}
FORMATS = ("csv", "xlsx")


def _territory(request) -> tuple[TerritoryFilterForm, frozenset | None]:
    form = TerritoryFilterForm(request.GET or None, scope=request.role_context.departement_codes)
    return form, form.departement_codes()


@require_GET
@role_required(*ROLES)
@reading_replica()
def overview(request):
    form, departements = _territory(request)
    departement_rows = indicators.by_departement(departements)
    # Nationally, the 1,255 EPCI make a table too long for a page: it shows once a région or a département is chosen
    # (the export has them all).
    epci_rows = indicators.by_epci(departements) if departements is not None else None
    communes = indicators.white_zone_communes(departements, form.chosen_ordering())
    page = Paginator(communes, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    state = CoverageState.objects.filter(pk=1).first()
    context = {
        "title": "Couverture territoriale",
        "form": form,
        "national": departements is None,
        "departement_rows": departement_rows,
        "epci_rows": epci_rows,
        "total": indicators.total(departement_rows),
        "page": page,
        "query": query.urlencode(),
        "export_query": query.urlencode(),
        "threshold": indicators.threshold_km(),
        "computed_at": state.refreshed_at if state else None,
        "counts": indicators.COUNTS,
        "labels": indicators.LABELS,
        "tiles_url": settings.CNFS_MAP_TILES_URL,
        "tiles_attribution": settings.CNFS_MAP_TILES_ATTRIBUTION,
        "departement_filter": (form.data.get("departement") or "") if departements is not None else "",
    }
    return allow_tiles(render(request, "coverage/overview.html", context))


@require_GET
@role_required(*ROLES)
@reading_replica()
def map_data(request):
    """The communes in a white zone of the filtered territory, for the map (the page's list has the same ones)."""
    _, departements = _territory(request)
    communes = indicators.white_zone_communes(departements).values_list(
        "commune_id",
        "commune__name",
        "commune__population",
        "distance_km",
        "commune__latitude",
        "commune__longitude",
    )
    return JsonResponse(
        {
            "threshold_km": indicators.threshold_km(),
            "communes": [
                {
                    "insee": insee,
                    "name": name,
                    "population": population,
                    "distance_km": round(distance, 1) if distance is not None else None,
                    "lat": lat,
                    "lon": lon,
                }
                for insee, name, population, distance, lat, lon in communes
            ],
        }
    )


@require_GET
@role_required(*ROLES)
@reading_replica()
def export(request, table, fmt):
    """A table of the page, streamed. The national white-zone list is a background export (cnfs/exports)."""
    if table not in TABLES or fmt not in FORMATS:
        raise Http404
    form, departements = _territory(request)
    if table == "communes":
        if departements is None:
            raise Http404("La liste nationale se demande en export en arrière-plan (Mes exports).")
        header = indicators.WHITE_ZONE_HEADER
        rows = indicators.white_zone_rows(
            indicators.white_zone_communes(departements, form.chosen_ordering())
        )
    else:
        header = indicators.table_header(table)
        computed = indicators.by_departement if table == "departements" else indicators.by_epci
        rows = indicators.table_rows(table, computed(departements))
    stem = f"couverture-{table}"
    all_rows = _with_header(header, rows)
    if fmt == "csv":
        return csv_response(all_rows, dated_filename(stem, "csv"))
    return xlsx_response(all_rows, dated_filename(stem, "xlsx"), sheet=TABLES[table])


def _with_header(header, rows):
    yield header
    yield from rows
