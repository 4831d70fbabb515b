"""Background exports: "Mes exports" (the user's recent exports and the form that starts one), the start (POST),
the status page with its progress fragment (polled by HTMX while the export is queued or running) and the download,
an attachment served to whoever requested or joined the export only (anyone else: 404), 410 once expired."""

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from cnfs.accounts.permissions import role_required
from cnfs.core.exports import XLSX_CONTENT_TYPE
from cnfs.journal.services import record

from . import services
from .forms import ExportRequestForm
from .models import BackgroundExport, ExportFormat, ExportStatus
from .registry import EXPORT_ROLES, KINDS, describe_params, kind_label

RECENT = 30
CONTENT_TYPES = {ExportFormat.CSV: "text/csv; charset=utf-8", ExportFormat.XLSX: XLSX_CONTENT_TYPE}


def _mine(request, pk) -> BackgroundExport:
    export = get_object_or_404(BackgroundExport.objects.visible_to(request.user), pk=pk)
    export.kind_label = kind_label(export.kind)
    return export


def _ttl_hours() -> int:
    return int(services.ttl().total_seconds() // 3600)


def _list_page(request, form, status=200):
    exports = list(BackgroundExport.objects.visible_to(request.user).order_by("-created_at", "-id")[:RECENT])
    for export in exports:
        export.kind_label = kind_label(export.kind)
    return render(
        request,
        "exports/list.html",
        {"title": "Mes exports", "form": form, "exports": exports, "ttl_hours": _ttl_hours()},
        status=status,
    )


@require_GET
@role_required(*EXPORT_ROLES)
def export_list(request):
    return _list_page(request, ExportRequestForm(role_context=request.role_context))


@require_POST
@role_required(*EXPORT_ROLES)
def export_start(request):
    kind = KINDS.get(str(request.POST.get("kind", "")))
    if kind is None:
        raise Http404("Ce type d'export n'existe pas.")
    if request.role_context.role not in kind.roles:
        raise PermissionDenied("Votre rôle actuel ne donne pas accès à cet export.")
    form = ExportRequestForm(request.POST, role_context=request.role_context)
    if not form.is_valid():
        return _list_page(request, form, status=400)
    export, _ = services.request_export(
        kind.key,
        form.cleaned_data["format"],
        form.params(),
        user=request.user,
        assignment=request.role_context.current,
    )
    return redirect("exports:detail", pk=export.pk)


@require_GET
@role_required(*EXPORT_ROLES)
def export_detail(request, pk):
    export = _mine(request, pk)
    return render(
        request,
        "exports/detail.html",
        {
            "title": f"Export n° {export.pk}",
            "export": export,
            "filters_label": describe_params(export.params),
        },
    )


@require_GET
@role_required(*EXPORT_ROLES)
def export_progress(request, pk):
    return render(request, "exports/includes/progress.html", {"export": _mine(request, pk)})


@require_GET
@role_required(*EXPORT_ROLES)
def export_download(request, pk):
    export = _mine(request, pk)
    if export.is_expired():
        return render(
            request,
            "exports/expired.html",
            {"title": "Export expiré", "export": export, "ttl_hours": _ttl_hours()},
            status=410,
        )
    if export.status != ExportStatus.DONE:
        return redirect("exports:detail", pk=export.pk)
    try:
        handle = open(services.file_path(export), "rb")  # noqa: SIM115 — closed by FileResponse
    except (OSError, ValueError) as error:
        raise Http404("Fichier introuvable.") from error
    record(
        "export.downloaded",
        export,
        by=request.user,
        after={"kind": export.kind, "format": export.format, "size": export.size},
    )
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=services.filename(export),
        content_type=CONTENT_TYPES[export.format],
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
