"""Grant file screens: the structure completes and transmits its files, the Banque des Territoires reviews its queue
and decides, ANCT follows the hires in progress nationally and can stop one. Objects come through
`visible_to(request.role_context)`: another structure's file is a 404."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from cnfs.accounts.permissions import role_required
from cnfs.accounts.roles import Role
from cnfs.candidates.views import posted
from cnfs.core.text import elide_de
from cnfs.recruitment import workflow as recruitment
from cnfs.recruitment.forms import HireSearchForm
from cnfs.recruitment.models import Match, MatchStatus

from .. import documents, grant_files
from ..forms import DecisionForm, DocumentForm, IdentitiesForm, QueueFilterForm, StopHireForm
from ..grant_files import WORKFLOW
from ..models import DocumentKind, FileStatus, GrantFile, GrantFileDocument, NonConformityReason

PAGE_SIZE = 50
DOCUMENT_KINDS = {kind.value: kind for kind in DocumentKind}


def _files(request):
    return GrantFile.objects.visible_to(request.role_context).select_related(
        "structure__departement", "structure__commune", "match__candidate__user", "post", "job_posting"
    )


def _file(request, pk):
    return get_object_or_404(_files(request), pk=pk)


def _detail_context(request, grant_file):
    docs = list(grant_file.documents.all())
    decisions = list(grant_file.decisions.select_related("by"))
    for decision in decisions:
        decision.reason_labels = [NonConformityReason(reason).label for reason in decision.reasons]
    return {
        "grant_file": grant_file,
        "structure": grant_file.structure,
        "candidate": grant_file.match.candidate,
        "document_rows": [(kind, next((d for d in docs if d.kind == kind), None)) for kind in DocumentKind],
        "pieces": grant_files.pieces(grant_file, docs),
        "missing": grant_files.missing(grant_file, docs),
        "decisions": decisions,
        "last_decision": decisions[-1] if decisions else None,
        "days_left": grant_files.days_left(grant_file),
        "editable": grant_file.status in (FileStatus.DRAFT, FileStatus.NOT_CONFORM),
    }


# --- structure -------------------------------------------------------------------------------------------------------


@role_required(Role.STRUCTURE)
def file_list(request):
    files = _files(request).exclude(status=FileStatus.CANCELLED).prefetch_related("documents")
    rows = [
        (grant_file, grant_files.missing(grant_file, list(grant_file.documents.all())))
        for grant_file in files
    ]
    return render(request, "funding/file_list.html", {"title": "Dossiers de subvention", "rows": rows})


@role_required(Role.STRUCTURE)
def file_detail(request, pk):
    grant_file = grant_files.link_job_posting(_file(request, pk))
    context = _detail_context(request, grant_file)
    identities = IdentitiesForm(instance=grant_file) if context["editable"] else None
    uploads_forms = (
        {kind.value: DocumentForm(prefix=kind.value, label=kind.label) for kind in DocumentKind}
        if context["editable"]
        else {}
    )
    if request.method == "POST" and context["editable"]:
        section = request.POST.get("section", "")
        try:
            if section == "identities":
                identities = IdentitiesForm(posted(request), instance=GrantFile.objects.get(pk=grant_file.pk))
                if identities.is_valid():
                    grant_files.save_identities(grant_file, identities.cleaned_data, by=request.user)
                    messages.success(request, "Les identités et la taille de tenue sont enregistrées.")
                    return redirect("funding:file_detail", pk=grant_file.pk)
            elif section in DOCUMENT_KINDS:
                kind = DOCUMENT_KINDS[section]
                form = DocumentForm(posted(request), request.FILES, prefix=kind.value, label=kind.label)
                uploads_forms[kind.value] = form
                if form.is_valid():
                    upload = form.cleaned_data["document"]
                    grant_files.upload_document(grant_file, kind, upload, upload.file_kind, by=request.user)
                    messages.success(request, f"Document enregistré : {kind.label.lower()}.")
                    return redirect("funding:file_detail", pk=grant_file.pk)
            else:
                raise Http404
        except grant_files.TransitionError as error:
            messages.error(request, str(error))
            return redirect("funding:file_detail", pk=grant_file.pk)
    actions = WORKFLOW.actions(grant_file, by=request.user, role=Role.STRUCTURE)
    return render(
        request,
        "funding/file_detail.html",
        {
            **context,
            "title": f"Dossier de subvention n° {grant_file.pk}",
            "identities": identities,
            "upload_forms": [(kind, uploads_forms.get(kind.value)) for kind in DocumentKind],
            "transmit": next((action for action in actions if action.name == "transmit"), None),
        },
    )


@require_POST
@role_required(Role.STRUCTURE)
def transmit(request, pk):
    grant_file = _file(request, pk)
    try:
        grant_file = grant_files.transmit(grant_file, by=request.user)
        messages.success(
            request,
            f"Dossier transmis à la Banque des Territoires. Elle l'instruit d'ici le "
            f"{grant_file.review_deadline:%d/%m/%Y} ; vous recevrez sa décision par courriel.",
        )
    except grant_files.TransitionForbidden as error:
        return HttpResponseForbidden(str(error))
    except grant_files.TransitionError as error:
        messages.error(request, str(error))
    return redirect("funding:file_detail", pk=grant_file.pk)


@role_required(Role.STRUCTURE)
def deliberation_docx(request, pk):
    grant_file = _file(request, pk)
    content = documents.deliberation(grant_file)
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    name = slugify(grant_file.structure.name) or "structure"
    response["Content-Disposition"] = f'attachment; filename="modele-deliberation-{name}.docx"'
    return response


@role_required(Role.STRUCTURE, Role.BDT, Role.ANCT)
def document_download(request, pk, kind):
    grant_file = _file(request, pk)
    document = get_object_or_404(GrantFileDocument, grant_file=grant_file, kind=kind)
    try:
        handle = open(grant_files.document_path(document), "rb")  # noqa: SIM115 — closed by FileResponse
    except (OSError, ValueError) as error:
        raise Http404("Document introuvable.") from error
    extension = document.stored_name.rsplit(".", 1)[-1]
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"dossier-{grant_file.pk}-{document.kind}.{extension}",
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Banque des Territoires ------------------------------------------------------------------------------------------


@role_required(Role.BDT)
def queue(request):
    form = QueueFilterForm(request.GET or None)
    files = (
        _files(request)
        .filter(status=FileStatus.TRANSMITTED)
        .order_by("review_deadline", "transmitted_at", "pk")
    )
    today = timezone.localdate()
    if form.is_bound and form.is_valid():
        if form.cleaned_data["overdue"]:
            files = files.filter(review_deadline__lt=today)
        if form.cleaned_data["departement"]:
            files = files.filter(structure__departement=form.cleaned_data["departement"])
    elif form.is_bound:
        files = files.none()
    page = Paginator(files, PAGE_SIZE).get_page(request.GET.get("page"))
    for grant_file in page.object_list:
        grant_file.days_left = grant_files.days_left(grant_file, today)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "funding/queue.html",
        {"title": "Dossiers à instruire", "form": form, "page": page, "query": query.urlencode()},
    )


@role_required(Role.BDT)
def review(request, pk):
    grant_file = _file(request, pk)
    form = DecisionForm(posted(request)) if grant_file.status == FileStatus.TRANSMITTED else None
    if request.method == "POST":
        if form is None:
            messages.error(request, grant_files.ALREADY_DECIDED)
            return redirect("funding:review", pk=grant_file.pk)
        if form.is_valid():
            data = form.cleaned_data
            try:
                grant_files.decide(
                    grant_file,
                    by=request.user,
                    conform=data["conform"],
                    reasons=data["reasons"] if not data["conform"] else [],
                    comment=data["comment"] or "",
                )
            except grant_files.TransitionForbidden as error:
                return HttpResponseForbidden(str(error))
            except grant_files.TransitionError as error:
                messages.error(request, str(error))
                return redirect("funding:review", pk=grant_file.pk)
            if data["conform"]:
                messages.success(
                    request,
                    f"Dossier n° {grant_file.pk} conforme : le recrutement est validé, la structure est prévenue.",
                )
            else:
                messages.success(
                    request,
                    f"Dossier n° {grant_file.pk} non conforme : il est renvoyé à la structure avec les motifs.",
                )
            return redirect("funding:queue")
    return render(
        request,
        "funding/review.html",
        {
            **_detail_context(request, grant_file),
            "title": f"Instruction du dossier n° {grant_file.pk}",
            "form": form,
        },
    )


# --- ANCT ------------------------------------------------------------------------------------------------------------


@role_required(Role.ANCT)
def hire_requests(request):
    """ANCT's national view of the hires in progress, with each grant file's status and review deadline."""
    form = HireSearchForm(request.GET or None)
    live_files = GrantFile.objects.live().only("pk", "match_id", "status", "review_deadline", "submission")
    matches = (
        Match.objects.filter(status=MatchStatus.HIRE_REQUESTED)
        .select_related("structure__departement", "candidate__user", "candidate__commune", "post")
        .prefetch_related(Prefetch("grant_files", queryset=live_files, to_attr="live_files"))
        .order_by("status_changed_at", "pk")
    )
    if form.is_bound:
        matches = form.filter(matches)
    page = Paginator(matches, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for match in page.object_list:
        match.grant_file = match.live_files[0] if match.live_files else None
        if match.grant_file is not None:
            match.grant_file.days_left = grant_files.days_left(match.grant_file, today)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"title": "Recrutements en cours", "form": form, "page": page, "query": query.urlencode()}
    partial = request.htmx and not request.htmx.history_restore_request
    template = "funding/includes/hire_results.html" if partial else "funding/hire_requests.html"
    return render(request, template, context)


@require_POST
@role_required(Role.ANCT)
def stop_hire(request, match_pk):
    """ "Arrêter ce recrutement", with a reason: the post is free again, the grant file cancelled."""
    match = get_object_or_404(Match.objects.select_related("candidate__user", "structure"), pk=match_pk)
    form = StopHireForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["reason"]))
        return redirect(f"{reverse('funding:hire_requests')}#match-{match.pk}")
    try:
        recruitment.refuse_hire(match, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(
            request, f"Recrutement {elide_de(match.candidate)} arrêté ; la structure est prévenue."
        )
    except recruitment.TransitionForbidden as error:
        return HttpResponseForbidden(str(error))
    except recruitment.TransitionError as error:
        messages.error(request, str(error))
    return redirect("funding:hire_requests")
