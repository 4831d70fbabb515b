"""The dashboards (SPEC §13): each role's figures at its scope — recruitment funnel, funding, training, activity and
a map by département or région — filtered by period and territory, each chart with its table, each table exported
in CSV and XLSX with the page's filters. The figures come from cnfs/statistics (one computation per indicator)."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from cnfs.accounts.permissions import role_required
from cnfs.accounts.roles import Role
from cnfs.activity.views import allow_tiles
from cnfs.core.exports import csv_response, dated_filename, xlsx_response
from cnfs.core.replica import reading_replica
from cnfs.statistics import dashboards
from cnfs.statistics.scope import DASHBOARD_ROLES, narrowed, role_scope

from .statistics_forms import DashboardFilterForm

# Large lists of the scope, built in the background by cnfs/exports (registry kinds), offered under the tables.
BACKGROUND_KINDS = {Role.ANCT: "posts", Role.PREFECTURE: "posts", Role.BDT: "posts"}


def _filters(request):
    """The scope narrowed by the valid filters, the period and the form (a territory outside the scope: 404)."""
    scope = role_scope(request.role_context)
    form = DashboardFilterForm(request.GET or None, scope=scope, today=timezone.localdate())
    if form.is_bound:
        form.is_valid()
    scope = narrowed(scope, **form.territory())
    since, until = form.period()
    return scope, dashboards.Period(since, until), form


def _query(request) -> str:
    return request.GET.urlencode()


@role_required(*DASHBOARD_ROLES)
@require_GET
@reading_replica()
def statistics(request):
    scope, period, form = _filters(request)
    sections, shared = [], dashboards.Shared(scope, period)
    for key in scope.sections:
        options = {"level": form.map_level()} if key == "map" else {}
        sections.append(dashboards.build(scope, period, key, shared, **options))
    context = {
        "title": "Tableau de bord",
        "scope": scope,
        "period": period,
        "form": form,
        "sections": sections,
        "query": _query(request),
        "tiles_url": settings.CNFS_MAP_TILES_URL,
        "tiles_attribution": settings.CNFS_MAP_TILES_ATTRIBUTION,
        "background_kind": BACKGROUND_KINDS.get(request.role_context.role),
        "status": 400 if form.errors else 200,
    }
    return allow_tiles(render(request, "dashboard/statistics.html", context, status=context["status"]))


@role_required(*DASHBOARD_ROLES)
@require_GET
@reading_replica()
def statistics_export(request, table, fmt):
    """One table of the dashboard, with the page's filters, in CSV or XLSX (aggregates: at most a row per
    département and month, written synchronously)."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    scope, period, form = _filters(request)
    section = dashboards.section_of(table)
    if section not in scope.sections:
        raise Http404("Ce tableau ne fait pas partie de votre tableau de bord.")
    options = {"level": "region" if table == "map_region" else "departement"} if section == "map" else {}
    built = dashboards.build(scope, period, section, **options)
    found = next((t for t in built.tables if t.key == table), None)
    if found is None:
        raise Http404("Ce tableau ne fait pas partie de votre tableau de bord.")
    rows = [found.columns, *found.rows]
    filename = dated_filename(f"tableau-de-bord-{table.replace('_', '-')}", fmt)
    if fmt == "xlsx":
        return xlsx_response(rows, filename, sheet=found.title[:31])
    return csv_response(rows, filename)
