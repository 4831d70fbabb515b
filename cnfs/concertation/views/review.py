"""Préfecture and ANCT: lists of applications at their scope, detail, opinion, committee decisions."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from cnfs.accounts.permissions import role_required
from cnfs.accounts.roles import Role
from cnfs.journal.models import JournalEntry
from cnfs.structures.models import Post

from .. import exports, workflow
from ..forms import (
    AbandonForm,
    ApplicationFilterForm,
    BatchDecisionForm,
    DecisionForm,
    DuplicateForm,
    OpinionForm,
)
from ..models import PostChangeRequest, PrefectOpinion, StructureApplication, attach_posts_granted

PAGE_SIZE = 50


def _scoped(request):
    return StructureApplication.objects.visible_to(request.role_context)


def _filtered(request):
    national = request.role_context.role == Role.ANCT
    form = ApplicationFilterForm(request.GET or None, national=national)
    queryset = form.filter(_scoped(request).with_list_data())
    return form, queryset


@role_required(Role.PREFECTURE, Role.ANCT)
def application_list(request):
    form, queryset = _filtered(request)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = attach_posts_granted(page.object_list)  # the page first, then its rows' posts
    query = request.GET.copy()
    query.pop("page", None)
    national = request.role_context.role == Role.ANCT
    return render(
        request,
        "concertation/list.html",
        {
            "title": "Candidatures des structures" if national else "Candidatures du territoire",
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "national": national,
            "batch_form": BatchDecisionForm(queryset=StructureApplication.objects.none())
            if national
            else None,
        },
    )


@role_required(Role.PREFECTURE, Role.ANCT)
def application_export(request, fmt):
    _, queryset = _filtered(request)
    queryset = queryset.with_posts_granted()
    if fmt == "csv":
        return exports.as_csv(queryset)
    if fmt == "xlsx":
        return exports.as_xlsx(queryset)
    raise Http404


def _get(request, pk):
    return get_object_or_404(
        _scoped(request).select_related(
            "wave", "commune__epci", "departement__region", "structure", "duplicate_of"
        ),
        pk=pk,
    )


DECISIONS = {"accept", "refuse", "ask_further_examination"}


def _actions(request, application) -> set[str]:
    """What the table lets the current user do on this application now."""
    return workflow.WORKFLOW.action_names(application, by=request.user, role=request.role_context.role)


def _has_opinion(application) -> bool:
    return PrefectOpinion.objects.filter(application=application).exists()


@role_required(Role.PREFECTURE, Role.ANCT)
def application_detail(request, pk):
    application = _get(request, pk)
    opinion = getattr(application, "opinion", None)
    actions = _actions(request, application)
    context = {
        "title": application.display_name,
        "application": application,
        "opinion": opinion,
        "decisions": application.decisions.select_related("by"),
        "transitions": application.transitions.select_related("by"),
        "change_requests": PostChangeRequest.objects.filter(application=application),
        "journal": JournalEntry.objects.for_object(application)[:50],
        "granted": application.posts_granted(),
        "posts": Post.objects.granted()
        .filter(granted_by__application=application)
        .select_related("granted_by")
        .order_by("deadline", "pk"),
        "actions": actions,
        "can_decide": bool(actions & DECISIONS),
    }
    if "give_opinion" in actions:
        context["opinion_form"] = OpinionForm()
    if context["can_decide"]:
        initial = {"posts": opinion.suggested_posts if opinion and opinion.suggested_posts else None}
        context["decision_form"] = DecisionForm(initial=initial, opinion_given=opinion is not None)
    if "mark_duplicate" in actions:
        context["duplicate_form"] = DuplicateForm(queryset=_scoped(request))
    return render(request, "concertation/detail.html", context)


@role_required(Role.PREFECTURE)
def give_opinion(request, pk):
    application = _get(request, pk)
    form = OpinionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            workflow.give_opinion(application, by=request.user, **form.cleaned_data)
        except workflow.TransitionForbidden as error:
            raise PermissionDenied(str(error)) from error
        except workflow.TransitionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "L'avis du préfet est enregistré et transmis à l'ANCT.")
            return redirect("concertation:detail", pk=application.pk)
    return render(
        request,
        "concertation/form_page.html",
        {
            "title": f"Avis du préfet — {application.display_name}",
            "application": application,
            "form": form,
            "submit_label": "Enregistrer l'avis",
        },
        status=400 if request.method == "POST" else 200,
    )


@role_required(Role.ANCT)
def decide(request, pk):
    application = _get(request, pk)
    form = DecisionForm(request.POST or None, opinion_given=_has_opinion(application))
    if request.method == "POST" and form.is_valid():
        try:
            decision = workflow.decide(application, by=request.user, **form.decision_data())
        except workflow.TransitionForbidden as error:
            raise PermissionDenied(str(error)) from error
        except workflow.TransitionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Décision n° {decision.number} enregistrée.")
            return redirect("concertation:detail", pk=application.pk)
    return render(
        request,
        "concertation/form_page.html",
        {
            "title": f"Décision du comité — {application.display_name}",
            "application": application,
            "form": form,
            "submit_label": "Enregistrer la décision",
        },
        status=400 if request.method == "POST" else 200,
    )


@role_required(Role.ANCT)
@require_POST
def decide_batch(request):
    form = BatchDecisionForm(request.POST, queryset=_scoped(request).filter(status__in=workflow.PENDING))
    if form.is_valid():
        data = form.decision_data()
        applications = data.pop("applications")
        try:
            decisions = workflow.decide_batch(list(applications), by=request.user, **data)
        except workflow.TransitionForbidden as error:
            raise PermissionDenied(str(error)) from error
        except workflow.TransitionError as error:
            messages.error(request, f"Aucune décision enregistrée. {error}")
        else:
            messages.success(request, f"{len(decisions)} décision(s) enregistrée(s).")
    else:
        errors = [
            f"{form.fields[f].label if f in form.fields else ''} : {' '.join(e)}"
            for f, e in form.errors.items()
        ]
        messages.error(request, "Aucune décision enregistrée. " + " ".join(errors))
    query = request.POST.get("query", "")
    return redirect(reverse("concertation:list") + (f"?{query}" if query else ""))


@role_required(Role.ANCT)
def abandon(request, pk):
    """ANCT files an application the structure no longer follows up: it leaves every active list."""
    application = _get(request, pk)
    form = AbandonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            workflow.abandon(application, by=request.user, reason=form.cleaned_data["reason"])
        except workflow.TransitionForbidden as error:
            raise PermissionDenied(str(error)) from error
        except workflow.TransitionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "La candidature est classée comme abandonnée.")
            return redirect("concertation:detail", pk=application.pk)
    return render(
        request,
        "concertation/form_page.html",
        {
            "title": f"Classer comme abandonnée — {application.display_name}",
            "application": application,
            "form": form,
            "submit_label": "Classer comme abandonnée",
        },
        status=400 if request.method == "POST" else 200,
    )


@role_required(Role.ANCT)
@require_POST
def mark_duplicate(request, pk):
    application = _get(request, pk)
    form = DuplicateForm(request.POST, queryset=_scoped(request).exclude(pk=application.pk))
    if form.is_valid():
        try:
            workflow.mark_duplicate(application, by=request.user, duplicate_of=form.cleaned_data["original"])
        except workflow.TransitionForbidden as error:
            raise PermissionDenied(str(error)) from error
        except workflow.TransitionError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "La candidature est marquée comme doublon.")
    else:
        messages.error(request, " ".join(form.errors.get("original", [])))
    return redirect("concertation:detail", pk=application.pk)
