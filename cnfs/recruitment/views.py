from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from cnfs.accounts.permissions import role_required
from cnfs.accounts.roles import Role
from cnfs.candidates import cv
from cnfs.candidates.models import Candidate
from cnfs.candidates.views import posted
from cnfs.concertation.posts import posts_taken
from cnfs.journal.services import record

from . import exports, workflow
from .candidate_list import (
    TABS,
    apply_filters,
    for_tab,
    page_rows,
    sorted_rows,
    structure_candidates,
    tab_counts,
)
from .forms import CandidateFilterForm, EvaluationForm, InviteCandidateForm, RefuseHireForm
from .invitations import invite_candidate
from .models import InterviewEvaluation, Match, MatchStatus
from .structure_facts import facts_for

PAGE_SIZE = 50
STRUCTURE_ACTIONS = {"shortlist", "not_retain", "reset", "request_hire", "cancel_hire_request"}


def _structure(request):
    return request.role_context.structure


def _candidate_in_scope(request, pk):
    """The candidate as the structure sees them (404 when they do not match it), with distance and status."""
    facts = facts_for(_structure(request))
    candidate = get_object_or_404(
        structure_candidates(facts, pk=pk).select_related("user", "commune", "pix"), pk=pk
    )
    return facts, candidate


@role_required(Role.STRUCTURE)
def candidate_list(request):
    structure = _structure(request)
    facts = facts_for(structure)
    form = CandidateFilterForm(request.GET or None)
    filters = form.filters()
    tab = request.GET.get("onglet", "new")
    if tab not in {key for key, _, _ in TABS}:
        tab = "new"
    queryset = apply_filters(structure_candidates(facts), filters)
    rows = sorted_rows(for_tab(queryset, tab), filters.get("sort") or "distance")
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        record("recruitment.candidates_exported", structure, after={"format": export, "tab": tab})
        return exports.csv_response(rows) if export == "csv" else exports.xlsx_response(rows)
    counts = tab_counts(queryset)
    paginator = Paginator(rows, PAGE_SIZE)
    paginator.count = counts[tab]  # already counted with the tabs: one pass less over the matches
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = page_rows(facts, page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("onglet", None)
    query.pop("export", None)
    return render(
        request,
        "recruitment/candidate_list.html",
        {
            "title": "Candidatures",
            "facts": facts,
            "taken": posts_taken(structure),
            "form": form,
            "tab": tab,
            "tabs": [(key, label, counts[key]) for key, label, _ in TABS],
            "page": page,
            "query": query.urlencode(),
        },
    )


@role_required(Role.STRUCTURE)
def candidate_detail(request, pk):
    facts, candidate = _candidate_in_scope(request, pk)
    match = Match.objects.filter(structure=facts.structure, candidate=candidate).first()
    status = match.status if match else MatchStatus.NEW
    actions = [t for t in workflow.allowed_transitions(status) if t.name in STRUCTURE_ACTIONS]
    return render(
        request,
        "recruitment/candidate_detail.html",
        {
            "title": str(candidate),
            "candidate": candidate,
            "facts": facts,
            "match": match,
            "status_label": MatchStatus(status).label,
            "actions": actions,
            "pix": candidate.shared_pix(),
            "refusal": workflow.hire_refusal_reason(match)
            if match and status == MatchStatus.SHORTLISTED
            else None,
        },
    )


@require_POST
@role_required(Role.STRUCTURE)
def match_action(request, pk, action):
    if action not in STRUCTURE_ACTIONS:
        raise Http404
    facts, candidate = _candidate_in_scope(request, pk)
    with transaction.atomic():
        match = workflow.open_match(facts.structure, candidate, by=request.user)
    try:
        if action == "shortlist":
            workflow.shortlist_with_email(match, by=request.user)
            messages.success(request, f"{candidate} est présélectionné(e).")
        elif action == "request_hire":
            workflow.request_hire(match, by=request.user)
            messages.success(
                request,
                f"Candidature de {candidate} validée. Prochaine étape : votre dossier de demande de subvention, "
                "que l'ANCT et la Banque des Territoires examineront avant de valider le recrutement.",
            )
        else:
            getattr(workflow, action)(match, by=request.user)
            messages.success(request, f"C'est enregistré : {workflow.TRANSITIONS[action].label.lower()}.")
    except workflow.TransitionError as error:
        messages.error(request, str(error))
    return redirect("recruitment:candidate_detail", pk=candidate.pk)


@role_required(Role.CANDIDATE, Role.STRUCTURE)
def candidate_cv(request, pk):
    """The CV, as an attachment: to the candidate themself, or to a structure the candidate matches; 404 otherwise."""
    if request.role_context.role == Role.CANDIDATE:
        candidate = get_object_or_404(Candidate, pk=pk, user=request.user, erased_at__isnull=True)
    else:
        _, candidate = _candidate_in_scope(request, pk)
    if not candidate.cv_name:
        raise Http404("Pas de CV.")
    try:
        handle = open(cv.path_of(candidate.cv_name), "rb")  # noqa: SIM115 — closed by FileResponse
    except (OSError, ValueError) as error:
        raise Http404("CV introuvable.") from error
    response = FileResponse(
        handle, as_attachment=True, filename=f"CV-{candidate.pk}.pdf", content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _evaluation_match(request, pk):
    facts, candidate = _candidate_in_scope(request, pk)
    match = (
        Match.objects.filter(structure=facts.structure, candidate=candidate)
        .select_related("structure")
        .first()
    )
    return facts, candidate, match


@role_required(Role.STRUCTURE)
def evaluation(request, pk):
    facts, candidate, match = _evaluation_match(request, pk)
    current = getattr(match, "evaluation", None) if match else None
    form = EvaluationForm(posted(request), evaluation=current)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            match = match or workflow.open_match(facts.structure, candidate, by=request.user)
            values = form.values()
            saved, created = InterviewEvaluation.objects.update_or_create(
                match=match, defaults={**values, "updated_by": request.user}
            )
            record(
                "match.evaluation_saved",
                match,
                after={"scores": values["scores"], "total": saved.total, "created": created},
            )
        messages.success(request, f"Grille enregistrée : total {saved.total} / {saved.max_total}.")
        return redirect("recruitment:evaluation", pk=candidate.pk)
    return render(
        request,
        "recruitment/evaluation.html",
        {
            "title": f"Grille d'entretien — {candidate}",
            "candidate": candidate,
            "form": form,
            "evaluation": current,
            "guide": exports.INTERVIEW_GUIDE,
        },
    )


@role_required(Role.STRUCTURE)
def evaluation_docx(request, pk):
    facts, candidate, match = _evaluation_match(request, pk)
    if match is None:
        match = Match(structure=facts.structure, candidate=candidate)
        current = None
    else:
        current = getattr(match, "evaluation", None)
    content = exports.evaluation_docx(match, current)
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response["Content-Disposition"] = f'attachment; filename="grille-entretien-{candidate.pk}.docx"'
    return response


@role_required(Role.STRUCTURE)
def invite(request):
    form = InviteCandidateForm(posted(request))
    if request.method == "POST" and form.is_valid():
        invitation = invite_candidate(_structure(request), form.cleaned_data["email"], by=request.user)
        if invitation is None:
            form.add_error("email", "Vous avez déjà invité cette adresse.")
        else:
            messages.success(
                request,
                f"Invitation envoyée à {invitation.email}. La candidature apparaîtra dans votre liste "
                "dès que la personne sera inscrite.",
            )
            return redirect("recruitment:candidate_list")
    return render(request, "recruitment/invite.html", {"form": form, "title": "Inviter un candidat"})


@role_required(Role.ANCT)
def hire_requests(request):
    matches = (
        Match.objects.filter(status=MatchStatus.HIRE_REQUESTED)
        .select_related("structure__departement", "candidate__user", "candidate__commune")
        .order_by("status_changed_at", "pk")
    )
    page = Paginator(matches, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "recruitment/hire_requests.html",
        {"title": "Recrutements à valider", "page": page, "refuse_form": RefuseHireForm()},
    )


@require_POST
@role_required(Role.ANCT)
def validate_hire(request, match_pk):
    match = get_object_or_404(Match.objects.select_related("candidate__user", "structure"), pk=match_pk)
    try:
        workflow.hire(match, by=request.user)
        messages.success(request, f"Recrutement de {match.candidate} par {match.structure} validé.")
    except workflow.TransitionError as error:
        messages.error(request, str(error))
    return redirect("recruitment:hire_requests")


@require_POST
@role_required(Role.ANCT)
def refuse_hire(request, match_pk):
    match = get_object_or_404(Match.objects.select_related("candidate__user", "structure"), pk=match_pk)
    form = RefuseHireForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["reason"]))
        return redirect(f"{reverse('recruitment:hire_requests')}#match-{match.pk}")
    try:
        workflow.refuse_hire(match, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, f"Recrutement de {match.candidate} refusé ; la structure est prévenue.")
    except workflow.TransitionError as error:
        messages.error(request, str(error))
    return redirect("recruitment:hire_requests")
