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


def _page_context(request, tranches, *, title, per_structure):
    by_number = overview.by_tranche_number(tranches)
    context = {
        "title": title,
        "totals": overview.totals_of(by_number),
        "by_number": by_number,
        "departements": list(overview.by_departement(tranches)),
        "cash_flow": overview.cash_flow(tranches),
        "query": query_without_page(request),
    }
    if per_structure:
        context["page"] = Paginator(overview.by_structure(tranches), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
    return context


@role_required(Role.BDT, Role.ANCT)
def national(request):
    # No per-structure table here: 3,000 structures grouped and sorted would cost more than the rest of the page;
    # each préfecture has its own (paginated), and the export gives the per-département figures.
    context = _page_context(request, Tranche.objects.all(), title="Financement national", per_structure=False)
    context["exports"] = True
    return render(request, "funding/overview.html", context)


@role_required(Role.PREFECTURE)
def territory(request):
    tranches = Tranche.objects.visible_to(request.role_context)
    context = _page_context(request, tranches, title="Financement du territoire", per_structure=True)
    return render(request, "funding/overview.html", context)


@role_required(Role.BDT, Role.ANCT)
def national_export(request, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    rows = [EXPORT_HEADER] + [
        [
            row["structure__departement_id"],
            row["structure__departement__name"],
            row["tranches"],
            _euros(row["forecast"]),
            _euros(row["paid"]),
            _euros(row["to_pay"]),
        ]
        for row in overview.by_departement(Tranche.objects.all())
    ]
    filename = dated_filename("financement-par-departement", fmt)
    if fmt == "xlsx":
        return xlsx_response(rows, filename, sheet="Financement")
    return csv_response(rows, filename)
