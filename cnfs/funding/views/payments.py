from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from cnfs.accounts.permissions import role_required
from cnfs.accounts.roles import Role
from cnfs.core.text import euros
from cnfs.core.workflow import TransitionError

from .. import payments
from ..forms import PaymentForm
from ..models import AgreementPost, Tranche
from .common import PAGE_SIZE, add_errors, query_without_page


@role_required(Role.BDT)
def payments_due(request):
    """ "Versements à enregistrer": tranches due and unpaid, the oldest due date first, overdue ones flagged, and
    those whose post no signed agreement carries yet said so (they cannot be paid before)."""
    today = timezone.localdate()
    page = Paginator(
        payments.due_tranches(today=today)
        .select_related("structure__departement", "contract")
        .annotate(
            agreement_signed=Exists(
                AgreementPost.objects.filter(post_id=OuterRef("post_id"), agreement__signed_on__isnull=False)
            )
        ),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    context = {
        "title": "Versements à enregistrer",
        "page": page,
        "today": today,
        "query": query_without_page(request),
    }
    return render(request, "funding/payments_due.html", context)


@role_required(Role.BDT)
def payment_create(request, tranche_pk):
    tranche = get_object_or_404(Tranche.objects.select_related("structure", "contract"), pk=tranche_pk)
    if hasattr(tranche, "payment"):
        messages.error(request, payments.ALREADY_PAID)
        return redirect("funding:payments_due")
    form = PaymentForm(
        request.POST or None, initial={"amount": tranche.amount, "paid_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        errors = payments.payment_errors(tranche, form.cleaned_data)
        if errors:
            add_errors(form, ValidationError(errors))
        else:
            try:
                payments.record_payment(tranche, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_errors(form, error)
            except TransitionError as error:
                messages.error(request, str(error))
                return redirect("funding:payments_due")
            else:
                messages.success(
                    request,
                    f"Versement de la tranche {tranche.number} ({euros(tranche.amount)} €) à {tranche.structure} enregistré.",
                )
                return redirect("funding:payments_due")
    context = {
        "title": f"Enregistrer le versement de la tranche {tranche.number}",
        "tranche": tranche,
        "form": form,
    }
    return render(request, "funding/payment_form.html", context, status=400 if form.errors else 200)
