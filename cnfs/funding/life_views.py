"""Screens of the life of a post: the structure's contracts (termination request, extension), ANCT's terminations to
validate, the post's history, the quarterly reports (filed by the structure, late ones for the Banque des Territoires
and ANCT) and the deadline radar of each role."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cnfs.accounts.permissions import role_required
from cnfs.accounts.roles import Role
from cnfs.core.text import euros
from cnfs.core.workflow import TransitionError, TransitionForbidden

from . import radar as radar_module
from . import reports, terminations
from .life_forms import (
    ContractExtensionForm,
    DepartementFilterForm,
    QuarterlyReportForm,
    RadarFilterForm,
    RefuseTerminationForm,
    TerminationRequestForm,
)
from .models import Contract, ContractStatus, QuarterlyReport, Termination, TerminationStatus
from .views.common import visible_posts

PAGE_SIZE = 50


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# --- contracts, terminations, extensions ----------------------------------------------------------------------------


@role_required(Role.STRUCTURE)
def structure_contracts(request):
    contracts = (
        Contract.objects.visible_to(request.role_context)
        .select_related("match__candidate", "post")
        .prefetch_related("extensions", "terminations")
        .order_by("status", "-signed_on", "-pk")
    )
    for contract in contracts:
        contract.open_termination = next(
            (t for t in contract.terminations.all() if t.status == TerminationStatus.REQUESTED), None
        )
    return render(
        request,
        "funding/life/structure_contracts.html",
        {"title": "Contrats et ruptures", "contracts": contracts, "active": ContractStatus.ACTIVE},
    )


def _active_contract(request, pk):
    return get_object_or_404(
        Contract.objects.visible_to(request.role_context).select_related(
            "match__candidate", "post", "structure"
        ),
        pk=pk,
    )


@role_required(Role.STRUCTURE)
def request_termination(request, pk):
    contract = _active_contract(request, pk)
    form = TerminationRequestForm(request.POST or None, contract=contract)
    if request.method == "POST" and form.is_valid():
        try:
            terminations.request_termination(
                contract,
                by=request.user,
                motive=form.cleaned_data["motive"],
                day=form.cleaned_data["date"],
                comment=form.cleaned_data["comment"],
            )
        except TransitionForbidden as error:
            return HttpResponseForbidden(str(error))
        except terminations.TerminationError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            messages.success(request, "Votre demande de rupture est transmise à l'ANCT, qui doit la valider.")
            return redirect("funding:structure_contracts")
    return render(
        request,
        "funding/life/termination_request.html",
        {"title": f"Demander la rupture du contrat n° {contract.pk}", "contract": contract, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@role_required(Role.STRUCTURE, Role.ANCT)
def extend_contract(request, pk):
    contract = _active_contract(request, pk)
    form = ContractExtensionForm(request.POST or None, contract=contract)
    if request.method == "POST" and form.is_valid():
        try:
            terminations.extend_contract(contract, by=request.user, end_date=form.cleaned_data["end_date"])
        except terminations.TerminationError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            messages.success(
                request, f"Le contrat est prolongé jusqu'au {form.cleaned_data['end_date']:%d/%m/%Y}."
            )
            return redirect("funding:post_history", pk=contract.post_id)
    return render(
        request,
        "funding/life/contract_extension.html",
        {"title": f"Prolonger le contrat n° {contract.pk}", "contract": contract, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@role_required(Role.ANCT)
def termination_list(request):
    form = DepartementFilterForm(request.GET or None)
    items = Termination.objects.filter(status=TerminationStatus.REQUESTED).select_related(
        "structure__departement", "contract"
    )
    if form.is_valid() and form.cleaned_data["departement"]:
        items = items.filter(structure__departement=form.cleaned_data["departement"])
    page = Paginator(items.order_by("requested_at", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "funding/life/termination_list.html",
        {"title": "Ruptures à valider", "form": form, "page": page, "query": _query_without_page(request)},
    )


@role_required(Role.ANCT)
def termination_detail(request, pk, refuse_form=None):
    termination = get_object_or_404(
        Termination.objects.select_related("structure", "contract__post", "contract__match__candidate"), pk=pk
    )
    tranches = termination.contract.tranches.order_by("number")
    return render(
        request,
        "funding/life/termination_detail.html",
        {
            "title": f"Rupture n° {termination.pk}",
            "termination": termination,
            "tranches": tranches,
            "to_recover": terminations.amount_to_recover(termination),
            "refuse_form": refuse_form or RefuseTerminationForm(),
            "requested": termination.status == TerminationStatus.REQUESTED,
        },
        status=400 if refuse_form is not None else 200,
    )


@require_POST
@role_required(Role.ANCT)
def validate_termination(request, pk):
    termination = get_object_or_404(Termination, pk=pk)
    try:
        termination = terminations.validate_termination(termination, by=request.user)
    except TransitionForbidden as error:
        return HttpResponseForbidden(str(error))
    except TransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            f"Rupture validée : {termination.months_served} mois effectués, {euros(termination.amount_due)} € dus. "
            "Le poste est de nouveau libre.",
        )
    return redirect("funding:termination_detail", pk=pk)


@require_POST
@role_required(Role.ANCT)
def refuse_termination(request, pk):
    termination = get_object_or_404(Termination, pk=pk)
    form = RefuseTerminationForm(request.POST)
    if not form.is_valid():
        return termination_detail(request, pk, refuse_form=form)
    try:
        terminations.refuse_termination(termination, by=request.user, reason=form.cleaned_data["reason"])
    except TransitionForbidden as error:
        return HttpResponseForbidden(str(error))
    except TransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Rupture refusée ; la structure est prévenue.")
    return redirect("funding:termination_detail", pk=pk)


@role_required(Role.STRUCTURE, Role.PREFECTURE, Role.ANCT, Role.BDT)
def post_history(request, pk):
    """The post's history: its lines on every agreement, its contracts with their extensions and terminations, its
    tranches and payments, its status changes (occupancy, reopening)."""
    post = get_object_or_404(visible_posts(request).select_related("structure"), pk=pk)
    contracts = post.contracts.prefetch_related(
        "extensions", Prefetch("terminations", queryset=Termination.objects.order_by("requested_at"))
    ).order_by("start_date", "pk")
    return render(
        request,
        "funding/life/post_history.html",
        {
            "title": f"Historique du poste n° {post.pk}",
            "post": post,
            "transitions": post.transitions.order_by("at", "pk"),
            "contracts": contracts,
            "lines": post.agreement_lines.select_related("agreement").order_by(
                "agreement__starts_on", "agreement_id"
            ),
            "tranches": post.tranches.select_related("payment").order_by("contract_id", "number"),
            "can_extend": request.role_context.role in (Role.STRUCTURE, Role.ANCT),
        },
    )


# --- quarterly reports -----------------------------------------------------------------------------------------------


@role_required(Role.STRUCTURE)
def quarterly_reports(request):
    structure = request.role_context.structure
    today = timezone.localdate()
    status = reports.reports_status(type(structure).objects.filter(pk=structure.pk), today=today)
    row = status[0] if status else None
    initial = {}
    if row and row.missing:
        initial = {"year": row.missing[0].year, "quarter": row.missing[0].number}
    form = QuarterlyReportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            reports.submit_report(structure, by=request.user, **form.cleaned_data)
        except reports.ReportError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            period = reports.Quarter(form.cleaned_data["year"], form.cleaned_data["quarter"])
            messages.success(request, f"Le rapport du {period.label} est déposé.")
            return redirect("funding:quarterly_reports")
    return render(
        request,
        "funding/life/quarterly_reports.html",
        {
            "title": "Rapports trimestriels",
            "row": row,
            "late": row.late(today) if row else [],
            "due": row.due(today) if row else [],
            "filed": QuarterlyReport.objects.filter(structure=structure),
            "form": form if row else None,
            "report_days": reports.report_days(),
        },
        status=400 if request.method == "POST" else 200,
    )


@role_required(Role.BDT, Role.ANCT)
def late_reports(request):
    """The structures whose quarterly report is late (or due), filterable by département."""
    form = DepartementFilterForm(request.GET or None)
    today = timezone.localdate()
    structures = None
    if form.is_valid() and form.cleaned_data["departement"]:
        from cnfs.structures.models import Structure

        structures = Structure.objects.filter(departement=form.cleaned_data["departement"])
    rows = [r for r in reports.reports_status(structures, today=today) if r.missing]
    for row in rows:
        row.late_quarters = row.late(today)
        row.due_quarters = row.due(today)
    rows.sort(key=lambda r: (-len(r.late_quarters), r.structure.name, r.structure.pk))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "funding/life/late_reports.html",
        {
            "title": "Rapports trimestriels en retard",
            "form": form,
            "page": page,
            "late_count": sum(1 for r in rows if r.late_quarters),
            "query": _query_without_page(request),
        },
    )


# --- deadline radar --------------------------------------------------------------------------------------------------

RADAR_TITLES = {
    Role.STRUCTURE: "Échéances de mes postes",
    Role.PREFECTURE: "Échéances du territoire",
    Role.ANCT: "Échéances nationales",
    Role.BDT: "Échéances de mes dossiers et versements",
}


@role_required(Role.STRUCTURE, Role.PREFECTURE, Role.ANCT, Role.BDT)
def radar(request):
    role = request.role_context.role
    today = timezone.localdate()
    posts = radar_module.posts_for(request.role_context, today=today)
    form = RadarFilterForm(request.GET or None)
    risk = None
    if form.is_valid():
        if form.cleaned_data["departement"]:
            posts = posts.filter(structure__departement=form.cleaned_data["departement"])
        risk = form.cleaned_data["risk"] or None
    rows = radar_module.radar(posts, today=today, risk=risk)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "funding/life/radar.html",
        {
            "title": RADAR_TITLES[role],
            "form": form,
            "page": page,
            "filters": role in (Role.ANCT, Role.PREFECTURE, Role.BDT),
            "counts": {key: sum(1 for r in rows if r.risk == key) for key, _ in radar_module.RISK_CHOICES},
            "at_risk_days": radar_module.at_risk_days(),
            "query": _query_without_page(request),
            "is_structure": role == Role.STRUCTURE,
        },
    )
