"""Post change requests seen by the préfecture (opinion on additions) and ANCT (decision)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render

from cnfs.accounts.permissions import role_required
from cnfs.accounts.roles import Role

from .. import changes
from ..forms import ChangeDecisionForm, ChangeOpinionForm
from ..models import PostChangeRequest, StructureApplication
from ..workflow import TransitionError, TransitionForbidden


def _scoped(request):
    applications = StructureApplication.objects.visible_to(request.role_context)
    return PostChangeRequest.objects.filter(application__in=applications).select_related(
        "application__departement", "application__structure"
    )


@role_required(Role.PREFECTURE, Role.ANCT)
def change_list(request):
    page = Paginator(_scoped(request), 50).get_page(request.GET.get("page"))
    return render(
        request, "concertation/changes.html", {"title": "Demandes de modification de postes", "page": page}
    )


DECISIONS = {"accept", "accept_return", "refuse"}


@role_required(Role.PREFECTURE, Role.ANCT)
def change_detail(request, pk):
    change = get_object_or_404(_scoped(request), pk=pk)
    actions = changes.WORKFLOW.action_names(change, by=request.user, role=request.role_context.role)
    can_opine = "give_opinion" in actions
    can_decide = bool(actions & DECISIONS)
    form = None
    if can_opine:
        form = ChangeOpinionForm(request.POST or None)
    elif can_decide:
        form = ChangeDecisionForm(request.POST or None)
    if request.method == "POST":
        if form is None:
            messages.error(request, "Aucune action possible sur cette demande.")
            return redirect("concertation:change_detail", pk=pk)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if can_opine:
                    changes.give_change_opinion(
                        change, by=request.user, value=data["value"], comment=data["comment"]
                    )
                elif data["accept"]:
                    changes.accept_change(
                        change,
                        by=request.user,
                        committee_date=data["committee_date"],
                        comment=data["comment"],
                    )
                else:
                    changes.refuse_change(change, by=request.user, comment=data["comment"])
            except TransitionForbidden as error:
                raise PermissionDenied(str(error)) from error
            except TransitionError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "C'est enregistré.")
                return redirect("concertation:change_detail", pk=pk)
    return render(
        request,
        "concertation/change_detail.html",
        {
            "title": str(change),
            "change": change,
            "form": form,
            "transitions": change.transitions.select_related("by"),
        },
        status=400 if request.method == "POST" else 200,
    )
