"""The advisor's activity reports (list with filters, create, edit, duplicate, delete, CSV/XLSX exports) and their
own statistics (charts, the same figures as tables, XLSX)."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from cnfs.accounts.permissions import role_required
from cnfs.accounts.roles import Role
from cnfs.core.exports import csv_response, dated_filename, xlsx_response
from cnfs.core.replica import reading_replica

from . import reports, rollups, stats
from .models import current_advisor
from .report_forms import ReportFilterForm, ReportForm
from .report_models import BREAKDOWNS, DURATION_PRESETS, ActivityReport, report_theme_choices
from .views import _advisor_or_403

PAGE_SIZE = 50


def _own_report(request, pk):
    _advisor_or_403(request)
    return get_object_or_404(ActivityReport.objects.visible_to(request.role_context), pk=pk)


def _filtered(request, advisor):
    form = ReportFilterForm(request.GET or None, advisor=advisor)
    queryset = (
        form.apply(ActivityReport.objects.by(advisor))
        if form.is_bound
        else ActivityReport.objects.by(advisor)
    )
    return form, queryset


def _query(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@role_required(Role.ADVISOR)
@require_GET
def report_list(request):
    advisor = current_advisor(request.role_context)
    form, queryset = _filtered(request, advisor)
    page = Paginator(
        queryset.select_related("place", "commune").order_by("-date", "-pk"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "activity/report_list.html",
        {
            "title": "Mes comptes rendus d'activité",
            "form": form,
            "page": page,
            "query": _query(request),
            "advisor": advisor,
        },
    )


def _form_page(request, form, title, *, report=None, duplicate_of=None):
    return render(
        request,
        "activity/report_form.html",
        {"title": title, "form": form, "report": report, "duplicate_of": duplicate_of},
    )


def _save(request, advisor, initial, title, *, duplicate_of=None):
    # A post is validated against the presets in any order; their order (a query) is only for the page shown.
    presets = DURATION_PRESETS if request.method == "POST" else reports.duration_presets(advisor)
    form = ReportForm(
        request.POST or None,
        advisor=advisor,
        presets=presets,
        initial={
            **(ReportForm.initial_from(initial, presets) if initial else {"date": timezone.localdate()}),
            "submission_key": uuid.uuid4(),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            reports.create_report(
                advisor, form.values(), by=request.user, submission_key=form.cleaned_data["submission_key"]
            )
        except ValidationError as error:
            form.apply(error)
        else:
            messages.success(request, "Le compte rendu est enregistré.")
            if "another" in request.POST:
                return redirect("activity:report_create")
            return redirect("activity:report_list")
    if request.method == "POST":
        form.set_presets(reports.duration_presets(advisor))
    return _form_page(request, form, title, duplicate_of=duplicate_of)


@role_required(Role.ADVISOR)
def report_create(request):
    advisor = _advisor_or_403(request)
    return _save(request, advisor, None, "Nouveau compte rendu d'activité")


@role_required(Role.ADVISOR)
def report_duplicate(request, pk):
    report = _own_report(request, pk)
    return _save(
        request,
        report.advisor,
        reports.duplicate_values(report),
        "Dupliquer un compte rendu d'activité",
        duplicate_of=report,
    )


@role_required(Role.ADVISOR)
def report_edit(request, pk):
    report = _own_report(request, pk)
    presets = reports.duration_presets(report.advisor)
    initial = {name: getattr(report, name) for name in reports.EDITABLE_FIELDS}
    form = ReportForm(
        request.POST or None,
        advisor=report.advisor,
        presets=presets,
        initial=ReportForm.initial_from(initial, presets),
    )
    if request.method == "POST" and form.is_valid():
        try:
            reports.update_report(report, form.values(), by=request.user)
        except ValidationError as error:
            form.apply(error)
        else:
            messages.success(request, "Le compte rendu est mis à jour.")
            return redirect("activity:report_list")
    return _form_page(request, form, f"Modifier le compte rendu du {report.date:%d/%m/%Y}", report=report)


@role_required(Role.ADVISOR)
def report_delete(request, pk):
    report = _own_report(request, pk)
    if request.method == "POST":
        reports.delete_report(report, by=request.user)
        messages.success(request, "Le compte rendu est supprimé.")
        return redirect("activity:report_list")
    return render(
        request,
        "activity/report_delete.html",
        {"title": f"Supprimer le compte rendu du {report.date:%d/%m/%Y}", "report": report},
    )


EXPORT_HEADER = [
    "Date",
    "Type",
    "Titre de l'atelier",
    "Niveau",
    "Lieu",
    "Lieu d'activité",
    "Commune (code INSEE)",
    "Durée (minutes)",
    "Thématiques",
    "Démarches administratives",
    "Matériel",
    "Participants",
    "Déjà accompagnés",
    *[label for _, _, bands in BREAKDOWNS for _, label in bands],
    "Autonomie",
    "Réorientation",
    "Mandat Aidants Connect",
    "Pass Numérique remis",
]


def _export_rows(queryset, *, with_advisor=False):
    from .report_models import Autonomy, Equipment, PlaceKind, ProcedureSubTheme, ReportKind, StructureType

    themes = dict(report_theme_choices())
    subs, equipment = dict(ProcedureSubTheme.choices), dict(Equipment.choices)
    kinds, places = dict(ReportKind.choices), dict(PlaceKind.choices)
    autonomy, structures = dict(Autonomy.choices), dict(StructureType.choices)
    bands = [name for _, _, group in BREAKDOWNS for name, _ in group]
    people = (
        ["advisor__candidate__user__first_name", "advisor__candidate__user__last_name"]
        if with_advisor
        else []
    )
    yield (["Conseiller"] if with_advisor else []) + EXPORT_HEADER
    columns = [
        "date", "kind", "title", "level", "place_kind", "place__name", "commune_id", "duration_minutes",
        "themes", "sub_themes", "equipment", "participants", "already_accompanied", *bands, "autonomy",
        "redirected_to", "aidants_connect", "pass_numerique",
    ]  # fmt: skip
    for row in queryset.order_by("-date", "-pk").values_list(*columns, *people).iterator(chunk_size=2000):
        row = dict(zip(columns + people, row, strict=True))
        person = [" ".join(row[name] for name in people)] if with_advisor else []
        yield person + [
            row["date"],
            kinds.get(row["kind"], row["kind"]),
            row["title"],
            row["level"],
            places.get(row["place_kind"], row["place_kind"]),
            row["place__name"] or "",
            row["commune_id"] or "",
            row["duration_minutes"],
            ", ".join(themes.get(code, code) for code in row["themes"]),
            ", ".join(subs.get(code, code) for code in row["sub_themes"]),
            ", ".join(equipment.get(code, code) for code in row["equipment"]),
            row["participants"],
            row["already_accompanied"],
            *[row[name] for name in bands],
            autonomy.get(row["autonomy"], ""),
            structures.get(row["redirected_to"], ""),
            "oui" if row["aidants_connect"] else "non",
            row["pass_numerique"],
        ]


@role_required(Role.ADVISOR)
@require_GET
def report_export(request, fmt):
    advisor = _advisor_or_403(request)
    _, queryset = _filtered(request, advisor)
    rows = _export_rows(queryset)
    if fmt == "csv":
        return csv_response(rows, dated_filename("comptes-rendus-activite", "csv"))
    return xlsx_response(rows, dated_filename("comptes-rendus-activite", "xlsx"), sheet="Comptes rendus")


def _own_stats(request, advisor):
    """The advisor's figures over the form's period, from the monthly rollups (the same as stats.compute over their
    reports)."""
    form = ReportFilterForm(request.GET or None, advisor=advisor, period_only=True)
    return form, rollups.figures(advisors=[advisor.pk] if advisor else [], **form.period())


@role_required(Role.ADVISOR)
@require_GET
def my_stats(request):
    advisor = current_advisor(request.role_context)
    form, figures = _own_stats(request, advisor)
    return render(
        request,
        "activity/report_stats.html",
        {
            "title": "Mes statistiques",
            "form": form,
            "stats": figures,
            "query": _query(request),
            "advisor": advisor,
        },
    )


@role_required(Role.ADVISOR)
@require_GET
def my_stats_export(request):
    advisor = _advisor_or_403(request)
    _, figures = _own_stats(request, advisor)
    return xlsx_response(
        stats.rows_for_export(figures),
        dated_filename("mes-statistiques", "xlsx"),
        sheet="Statistiques",
    )


SCOPE_ROLES = (Role.ANCT, Role.PREFECTURE, Role.HUB, Role.STRUCTURE, Role.COORDINATOR)


def _scope_reports(request):
    form = ReportFilterForm(request.GET or None, period_only=True)
    queryset = ActivityReport.objects.visible_to(request.role_context)
    return form, (form.apply(queryset) if form.is_bound else queryset)


def _scope_stats(request):
    """The figures of the advisors in the role's scope — the advisors whose current structure is in the
    préfecture's or hub's départements, or is the structure; a coordinator's team; all for ANCT (as
    ActivityReport.objects.visible_to) — over the form's period, from the monthly rollups."""
    form = ReportFilterForm(request.GET or None, period_only=True)
    context = request.role_context
    scope = {}
    if context.role in (Role.PREFECTURE, Role.HUB):
        scope["departements"] = context.departement_codes or ()
    elif context.role == Role.STRUCTURE:
        scope["structures"] = [context.current.structure_id]
    elif context.role == Role.COORDINATOR:  # the team's advisors, by visible_to's own rule
        scope["advisors"] = (
            ActivityReport.objects.visible_to(context)
            .order_by()
            .values_list("advisor_id", flat=True)
            .distinct()
        )
    return form, rollups.figures(**scope, **form.period())


@role_required(*SCOPE_ROLES)
@require_GET
@reading_replica()
def scope_stats(request):
    """The activity of the advisors in the role's scope (national, département or région, hub, structure, a
    coordinator's team), with the advisor's own statistics page and the same figures."""
    form, figures = _scope_stats(request)
    coordinator = request.role_context.role == Role.COORDINATOR
    return render(
        request,
        "activity/report_stats.html",
        {
            "title": "Activité de mon équipe" if coordinator else "Activité des conseillers",
            "form": form,
            "stats": figures,
            "query": _query(request),
            "scope": True,
            "export_url": "activity:scope_stats_export",
        },
    )


@role_required(*SCOPE_ROLES)
@require_GET
@reading_replica()
def scope_stats_export(request):
    _, figures = _scope_stats(request)
    return xlsx_response(
        stats.rows_for_export(figures),
        dated_filename("activite-des-conseillers", "xlsx"),
        sheet="Statistiques",
    )


@role_required(Role.COORDINATOR)
@require_GET
def team_report_export(request, fmt):
    """The coordinator's team's reports (ActivityReport.objects.visible_to), with the period filter, one line each with
    its advisor's name."""
    _, queryset = _scope_reports(request)
    rows = _export_rows(queryset, with_advisor=True)
    if fmt == "csv":
        return csv_response(rows, dated_filename("comptes-rendus-equipe", "csv"))
    return xlsx_response(rows, dated_filename("comptes-rendus-equipe", "xlsx"), sheet="Comptes rendus")
