from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify

from cnfs.accounts.permissions import role_required
from cnfs.accounts.roles import Role
from cnfs.core.themes import labels
from cnfs.core.workflow import TransitionError
from cnfs.recruitment.models import Match, MatchStatus

from .. import contracts, documents, overview
from ..agreements import live_agreement
from ..forms import ContractForm
from ..models import Contract, GrantAgreement, Tranche
from .common import PAGE_SIZE, add_errors, docx_response, query_without_page

READERS = (Role.STRUCTURE, Role.BDT, Role.ANCT, Role.PREFECTURE)


@role_required(Role.STRUCTURE)
def structure_overview(request):
    """ "Contrat et financement": hires awaiting their contract, the contracts and their tranches (forecast vs
    paid), the agreements."""
    structure = request.role_context.structure
    tranches = Tranche.objects.filter(structure=structure)
    page = Paginator(
        Contract.objects.filter(structure=structure)
        .select_related("match__candidate__user")
        .prefetch_related("tranches__payment")
        .order_by("-signed_on", "-pk"),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    context = {
        "title": "Contrat et financement",
        "structure": structure,
        "awaiting": list(contracts.awaiting_contract(structure)),
        "page": page,
        "query": query_without_page(request),
        "by_number": (by_number := overview.by_tranche_number(tranches)),
        "totals": overview.totals_of(by_number),
        "agreement": live_agreement(structure),
        "agreements": GrantAgreement.objects.filter(structure=structure).order_by("-created_at", "-pk"),
    }
    return render(request, "funding/structure_overview.html", context)


@role_required(Role.STRUCTURE)
def contract_create(request, match_pk):
    structure = request.role_context.structure
    match = get_object_or_404(
        Match.objects.filter(structure=structure, status=MatchStatus.HIRED).select_related(
            "post", "candidate__user", "structure"
        ),
        pk=match_pk,
    )
    form = ContractForm(request.POST or None, structure=structure)
    if request.method == "POST" and form.is_valid():
        errors = contracts.contract_errors(match, match.post, form.cleaned_data)
        if errors:
            add_errors(form, ValidationError(errors))
        else:
            try:
                contract = contracts.record_contract(match, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_errors(form, error)
            except TransitionError as error:
                messages.error(request, str(error))
                return redirect("funding:structure")
            else:
                messages.success(
                    request,
                    "Contrat enregistré : le calendrier des trois tranches de la subvention est établi.",
                )
                return redirect("funding:contract_detail", pk=contract.pk)
    posting = contracts.job_posting_for(match)
    context = {
        "title": "Enregistrer le contrat",
        "match": match,
        "form": form,
        "posting": posting,
    }
    return render(request, "funding/contract_form.html", context, status=400 if form.errors else 200)


def _contract(request, pk):
    return get_object_or_404(
        Contract.objects.visible_to(request.role_context).select_related(
            "structure__departement", "post", "match__candidate__user"
        ),
        pk=pk,
    )


@role_required(*READERS)
def contract_detail(request, pk):
    contract = _contract(request, pk)
    context = {
        "title": f"Contrat n° {contract.pk}",
        "contract": contract,
        "missions": labels(contract.missions),
        "tranches": contract.tranches.select_related("payment").order_by("number"),
        "can_extend_deadline": request.role_context.role == Role.ANCT,
    }
    return render(request, "funding/contract_detail.html", context)


@role_required(*READERS)
def contract_docx(request, pk):
    contract = _contract(request, pk)
    return docx_response(
        documents.project_contract(contract), f"contrat-{contract.pk}-{slugify(contract.structure.name)}.docx"
    )
