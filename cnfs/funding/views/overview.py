from decimal import Decimal

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from cnfs.accounts.permissions import role_required
from cnfs.accounts.roles import Role
from cnfs.core.exports import csv_response, dated_filename, xlsx_response

from .. import overview
from ..models import Tranche
from ..rules import CENTS
from .common import PAGE_SIZE, query_without_page

EXPORT_HEADER = [
    "Département",
    "Nom du département",
    "Tranches prévues",
    "Montant prévu (€)",
    "Montant versé (€)",
    "Reste à verser (€)",
]


def _euros(value) -> Decimal:
    return Decimal(value or 0).quantize(CENTS)


def _page_context(request, departements, *, title):
    by_number, by_departement = overview.kept_totals(departements)
    return {
        "title": title,
        "totals": overview.totals_of(by_number),
        "by_number": by_number,
        "departements": by_departement,
        "cash_flow": overview.cash_flow(departements),
        "query": query_without_page(request),
    }


@role_required(Role.BDT, Role.ANCT)
def national(request):
    # No per-structure table here: 3,000 structures grouped and sorted would cost more than the rest of the page;
    # each préfecture has its own (paginated), and the export gives the per-département figures.
    context = _page_context(request, None, title="Financement national")
    context["exports"] = True
    return render(request, "funding/overview.html", context)


@role_required(Role.PREFECTURE)
def territory(request):
    context = _page_context(
        request, request.role_context.departement_codes, title="Financement du territoire"
    )
    tranches = Tranche.objects.visible_to(request.role_context)
    context["page"] = Paginator(overview.by_structure(tranches), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "funding/overview.html", context)


@role_required(Role.BDT, Role.ANCT)
def national_export(request, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    rows = [EXPORT_HEADER] + [
        [
            row["departement_id"],
            row["departement__name"],
            row["tranches"],
            _euros(row["forecast"]),
            _euros(row["paid"]),
            _euros(row["to_pay"]),
        ]
        for row in overview.kept_totals()[1]
    ]
    filename = dated_filename("financement-par-departement", fmt)
    if fmt == "xlsx":
        return xlsx_response(rows, filename, sheet="Financement")
    return csv_response(rows, filename)
