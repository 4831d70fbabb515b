from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from cnfs.accounts.permissions import role_required
from cnfs.accounts.roles import Role
from cnfs.candidates import cv
from cnfs.candidates.models import Candidate
from cnfs.candidates.views import posted
from cnfs.core.text import elide_de
from cnfs.journal.services import record
from cnfs.structures.services import posts_summary

from . import exports, workflow
from .candidate_list import (
    COUNT_CAP,
    TABS,
    apply_filters,
    candidate_page,
    for_tab,
    page_number,
    rows_of,
    sorted_rows,
    structure_candidates,
)
from .forms import CandidateFilterForm, EvaluationForm, InviteCandidateForm
from .invitations import invite_candidate
from .models import InterviewEvaluation, Match, MatchStatus

PAGE_SIZE = 50
STRUCTURE_ACTIONS = workflow.STRUCTURE_ACTIONS


def _structure(request):
    return request.role_context.structure


def _candidate_in_scope(request, pk):
    """The candidate as the structure sees them (404 when they do not match it), with distance and status."""
    structure = _structure(request)
    candidate = get_object_or_404(
        structure_candidates(structure, pk=pk).select_related("user", "commune", "pix"), pk=pk
    )
    return structure, candidate


def _open_match(structure, candidate):
    return (
        Match.objects.live().filter(structure=structure, candidate=candidate).select_related("post").first()
    )


@role_required(Role.STRUCTURE)
def candidate_list(request):
    structure = _structure(request)
    form = CandidateFilterForm(request.GET or None)
    filters = form.filters()
    tab = request.GET.get("onglet", "new")
    if tab not in {key for key, _, _ in TABS}:
        tab = "new"
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        rows = sorted_rows(
            for_tab(apply_filters(structure_candidates(structure), filters), tab),
            filters.get("sort") or "distance",
        )
        record("recruitment.candidates_exported", structure, after={"format": export, "tab": tab})
        return exports.csv_response(rows) if export == "csv" else exports.xlsx_response(rows)
    found = candidate_page(structure, filters, tab, page_number(request.GET.get("page")), PAGE_SIZE)
    paginator = Paginator([], PAGE_SIZE)
    paginator.count = found.count  # counted with the tabs
    page = paginator.page(found.number)
    page.object_list = rows_of(structure, found.ids)
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("onglet", None)
    query.pop("export", None)
    return render(
        request,
        "recruitment/candidate_list.html",
        {
            "title": "Candidatures",
            "structure": structure,
            "posts": posts_summary(structure),
            "form": form,
            "tab": tab,
            "tabs": [(key, label, found.counts[key]) for key, label, _ in TABS],
            "capped_tabs": found.capped,
            "count_cap": f"{COUNT_CAP:,}".replace(",", "\u00a0"),  # « plus de 1 000 »
            "page": page,
            "query": query.urlencode(),
        },
    )


@role_required(Role.STRUCTURE)
def candidate_detail(request, pk):
    structure, candidate = _candidate_in_scope(request, pk)
    match = _open_match(structure, candidate)
    status = match.status if match else MatchStatus.NEW
    subject = match or Match(structure=structure, candidate=candidate, status=MatchStatus.NEW)
    offered = workflow.WORKFLOW.actions(subject, by=request.user, role=Role.STRUCTURE)
    return render(
        request,
        "recruitment/candidate_detail.html",
        {
            "title": str(candidate),
            "candidate": candidate,
            "structure": structure,
            "match": match,
            "status_label": MatchStatus(status).label,
            "actions": [action for action in offered if action.enabled],
            "pix": candidate.shared_pix(),
            "refusals": [action.reason for action in offered if not action.enabled],
        },
    )


@require_POST
@role_required(Role.STRUCTURE)
def match_action(request, pk, action):
    if action not in STRUCTURE_ACTIONS:
        raise Http404
    structure, candidate = _candidate_in_scope(request, pk)
    with transaction.atomic():
        match = workflow.open_match(structure, candidate, by=request.user)
    try:
        if action == "shortlist":
            workflow.shortlist_with_email(match, by=request.user)
            messages.success(request, f"{candidate} est présélectionné(e).")
        elif action == "request_hire":
            workflow.request_hire(match, by=request.user)
            messages.success(
                request,
                f"Candidature {elide_de(candidate)} validée : votre dossier de subvention est ouvert. Prochaine "
                "étape : complétez-le dans « Dossiers de subvention » puis transmettez-le à la Banque des "
                "Territoires ; sa décision de conformité validera le recrutement.",
            )
        else:
            getattr(workflow, action)(match, by=request.user)
            messages.success(request, f"C'est enregistré : {workflow.TRANSITIONS[action].label.lower()}.")
    except workflow.TransitionForbidden as error:
        return HttpResponseForbidden(str(error))
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
    structure, candidate = _candidate_in_scope(request, pk)
    return structure, candidate, _open_match(structure, candidate)


EVALUATION_TEXT_FIELDS = ("interviewers", "conclusion")


def _evaluation_changes(previous, values: dict) -> tuple[dict, dict]:
    """What a save of the grid changes, for the journal: scores and the interview date with their values before
    and after; free texts (interviewers, conclusion, comments) by field name only, never their content."""
    old = {
        "interview_date": previous.interview_date if previous else None,
        "scores": dict(previous.scores) if previous else {},
        "comments": dict(previous.comments) if previous else {},
        **{field: getattr(previous, field) if previous else "" for field in EVALUATION_TEXT_FIELDS},
    }
    before, after = {}, {}
    if old["interview_date"] != values["interview_date"]:
        before["interview_date"], after["interview_date"] = old["interview_date"], values["interview_date"]
    changed_scores = {
        key
        for key in old["scores"].keys() | values["scores"].keys()
        if old["scores"].get(key) != values["scores"].get(key)
    }
    if changed_scores:
        before["scores"] = {key: old["scores"].get(key) for key in sorted(changed_scores)}
        after["scores"] = {key: values["scores"].get(key) for key in sorted(changed_scores)}
    texts = [field for field in EVALUATION_TEXT_FIELDS if (old[field] or "") != (values[field] or "")]
    texts += [
        f"comments.{key}"
        for key in sorted(old["comments"].keys() | values["comments"].keys())
        if old["comments"].get(key, "") != values["comments"].get(key, "")
    ]
    if texts:
        after["edited_fields"] = texts
    return before, after


@role_required(Role.STRUCTURE)
def evaluation(request, pk):
    structure, candidate, match = _evaluation_match(request, pk)
    current = getattr(match, "evaluation", None) if match else None
    form = EvaluationForm(posted(request), evaluation=current)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            match = match or workflow.open_match(structure, candidate, by=request.user)
            values = form.values()
            previous = InterviewEvaluation.objects.select_for_update().filter(match=match).first()
            before, after = _evaluation_changes(previous, values)
            saved, created = InterviewEvaluation.objects.update_or_create(
                match=match, defaults={**values, "updated_by": request.user}
            )
            record(
                "match.evaluation_saved",
                match,
                before=before,
                after={**after, "total": saved.total, "created": created},
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
    structure, candidate, match = _evaluation_match(request, pk)
    if match is None:
        match = Match(structure=structure, candidate=candidate)
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
