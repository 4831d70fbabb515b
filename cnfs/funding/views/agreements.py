from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from cnfs.accounts.permissions import role_required
from cnfs.accounts.roles import Role
from cnfs.core.workflow import TransitionError
from cnfs.structures.models import PostStatus, Structure

from .. import agreements, documents
from ..forms import AgreementForm, AgreementSignatureForm
from ..models import LIVE_AGREEMENT_STATUSES, AgreementStatus, GrantAgreement
from .common import PAGE_SIZE, add_errors, docx_response, query_without_page

READERS = (Role.STRUCTURE, Role.BDT, Role.ANCT, Role.PREFECTURE)


@role_required(Role.BDT, Role.ANCT)
def agreement_list(request):
    """The structures whose granted posts have no live agreement yet, and every agreement (newest first)."""
    live = GrantAgreement.objects.filter(structure=OuterRef("pk"), status__in=LIVE_AGREEMENT_STATUSES)
    to_prepare = (
        Structure.objects.annotate(granted=Count("posts", filter=~Q(posts__status=PostStatus.RETIRED)))
        .filter(granted__gt=0)
        .exclude(Exists(live))
        .select_related("departement")
        .order_by("name", "pk")
    )
    agreement_page = Paginator(
        GrantAgreement.objects.select_related("structure__departement")
        .annotate(posts=Count("lines"))
        .order_by("-created_at", "-pk"),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    context = {
        "title": "Conventions de subventionnement",
        "to_prepare": Paginator(to_prepare, PAGE_SIZE).get_page(request.GET.get("a_preparer")),
        "page": agreement_page,
        "query": query_without_page(request),
        "can_prepare": request.role_context.role == Role.BDT,
    }
    return render(request, "funding/agreement_list.html", context)


def _prepare(request, structure, *, renewal_of=None):
    form = AgreementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            agreement = agreements.prepare_agreement(
                structure, by=request.user, renewal_of=renewal_of, **form.cleaned_data
            )
        except ValidationError as error:
            add_errors(form, error)
        except TransitionError as error:
            messages.error(request, str(error))
            return redirect("funding:agreements")
        else:
            messages.success(request, f"Convention n° {agreement.number} préparée : elle est à signer.")
            return redirect("funding:agreement_detail", pk=agreement.pk)
    posts = structure.posts.granted().order_by("pk")
    context = {
        "title": "Préparer un reconventionnement"
        if renewal_of
        else "Préparer la convention de subventionnement",
        "structure": structure,
        "renewal_of": renewal_of,
        "posts": posts,
        "form": form,
    }
    return render(request, "funding/agreement_form.html", context, status=400 if form.errors else 200)


@role_required(Role.BDT)
def agreement_create(request, structure_pk):
    return _prepare(request, get_object_or_404(Structure, pk=structure_pk))


@role_required(Role.BDT)
def agreement_renew(request, pk):
    previous = get_object_or_404(
        GrantAgreement.objects.select_related("structure"), pk=pk, status=AgreementStatus.SIGNED
    )
    return _prepare(request, previous.structure, renewal_of=previous)


def _agreement(request, pk):
    return get_object_or_404(
        GrantAgreement.objects.visible_to(request.role_context).select_related(
            "structure__departement", "renewal_of"
        ),
        pk=pk,
    )


@role_required(*READERS)
def agreement_detail(request, pk):
    agreement = _agreement(request, pk)
    role = request.role_context.role
    context = {
        "title": f"Convention n° {agreement.number}",
        "agreement": agreement,
        "lines": agreement.lines.order_by("post_id"),
        "totals": agreements.totals(agreement),
        "renewals": agreement.renewals.order_by("pk"),
        "sign_form": AgreementSignatureForm()
        if role == Role.BDT and agreement.status == AgreementStatus.TO_SIGN
        else None,
        "can_renew": role == Role.BDT and agreement.status == AgreementStatus.SIGNED,
    }
    return render(request, "funding/agreement_detail.html", context)


@require_POST
@role_required(Role.BDT)
def agreement_sign(request, pk):
    agreement = get_object_or_404(GrantAgreement.objects.select_related("structure", "renewal_of"), pk=pk)
    form = AgreementSignatureForm(request.POST)
    if form.is_valid():
        try:
            agreements.sign_agreement(agreement, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        except TransitionError as error:
            messages.error(request, str(error))
            return redirect("funding:agreement_detail", pk=agreement.pk)
        else:
            messages.success(request, f"Signature de la convention n° {agreement.number} enregistrée.")
            return redirect("funding:agreement_detail", pk=agreement.pk)
    context = {
        "title": f"Convention n° {agreement.number}",
        "agreement": agreement,
        "lines": agreement.lines.order_by("post_id"),
        "totals": agreements.totals(agreement),
        "renewals": agreement.renewals.order_by("pk"),
        "sign_form": form,
        "can_renew": False,
    }
    return render(request, "funding/agreement_detail.html", context, status=400)


@role_required(*READERS)
def agreement_docx(request, pk):
    agreement = _agreement(request, pk)
    lines = list(agreement.lines.order_by("post_id"))
    return docx_response(
        documents.grant_agreement(agreement, lines, agreements.totals(agreement)),
        f"convention-{agreement.number}.docx",
    )
