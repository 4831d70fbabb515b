"""The advisors of a territory ("Conseillers du territoire"): a hub's départements, a préfecture's département or
région — each advisor in post with their structure, its commune, their places of activity and their reports of the
last 30 days (stats.per_advisor, as a coordinator's team page), filtered by département, exported as CSV or XLSX
from the same query."""

from django import forms
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from cnfs.accounts.permissions import role_required
from cnfs.accounts.roles import Role
from cnfs.core.exports import csv_response, dated_filename, xlsx_response
from cnfs.core.forms import DsfrForm
from cnfs.recruitment.models import Advisor, AdvisorStatus
from cnfs.territories.models import Departement

from . import stats
from .models import Place
from .report_models import ActivityReport

PAGE_SIZE = 50
ROLES = (Role.HUB, Role.PREFECTURE)


class DepartementFilterForm(DsfrForm):
    departement = forms.ChoiceField(
        label="Département",
        required=False,
        error_messages={"invalid_choice": "Choisissez l'un des départements de votre territoire."},
    )

    def __init__(self, *args, codes, **kwargs):
        super().__init__(*args, **kwargs)
        departements = Departement.objects.filter(code__in=codes).order_by("code")
        self.fields["departement"].choices = [("", "Tous les départements")] + [
            (d.code, f"{d.code} — {d.name}") for d in departements
        ]


def territory_advisors(role_context, departement: str = ""):
    """The advisors in post whose structure is in the role's départements (one of them when `departement`)."""
    codes = role_context.departement_codes
    queryset = Advisor.objects.filter(status=AdvisorStatus.ACTIVE)
    if codes is not None:
        queryset = queryset.filter(structure__departement_id__in=codes)
    if departement:
        queryset = queryset.filter(structure__departement_id=departement)
    return (
        queryset.select_related("candidate__user", "structure__commune")
        .prefetch_related(
            Prefetch("places", queryset=Place.objects.only("pk", "name").order_by("name", "pk"))
        )
        .order_by(
            "structure__departement_id", "candidate__user__last_name", "candidate__user__first_name", "pk"
        )
    )


def _filtered(request):
    form = DepartementFilterForm(request.GET or None, codes=request.role_context.departement_codes or ())
    departement = form.cleaned_data["departement"] if form.is_bound and form.is_valid() else ""
    return form, territory_advisors(request.role_context, departement)


def _figures(request, advisors):
    reports = ActivityReport.objects.visible_to(request.role_context).filter(advisor__in=advisors)
    return stats.per_advisor(reports, today=timezone.localdate())


@role_required(*ROLES)
@require_GET
def scope_advisors(request):
    form, queryset = _filtered(request)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    advisors = list(page.object_list)
    figures = _figures(request, [advisor.pk for advisor in advisors])
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "activity/scope_advisors.html",
        {
            "title": "Conseillers du territoire",
            "form": form,
            "page": page,
            "rows": [(advisor, figures.get(advisor.pk, stats.AdvisorFigures())) for advisor in advisors],
            "recent_days": stats.RECENT_DAYS,
            "query": query.urlencode(),
        },
    )


def _export_rows(request, queryset):
    figures = _figures(request, queryset.values("pk"))
    yield [
        "Conseiller",
        "Structure",
        "SIRET de la structure",
        "Commune de la structure",
        "Département",
        "Lieux d'activité",
        f"Comptes rendus ({stats.RECENT_DAYS} derniers jours)",
        f"Personnes accompagnées ({stats.RECENT_DAYS} derniers jours)",
        "Dernier compte rendu",
    ]
    for advisor in queryset.iterator(chunk_size=500):
        figure = figures.get(advisor.pk, stats.AdvisorFigures())
        structure = advisor.structure
        yield [
            advisor.candidate.user.full_name,
            structure.name,
            structure.siret,
            structure.commune.name if structure.commune_id else "",
            structure.departement_id,
            ", ".join(place.name for place in advisor.places.all()),
            figure.recent_reports,
            figure.recent_participants,
            figure.last_report or "",
        ]


@role_required(*ROLES)
@require_GET
def scope_advisors_export(request, fmt):
    _, queryset = _filtered(request)
    rows = _export_rows(request, queryset)
    if fmt == "csv":
        return csv_response(rows, dated_filename("conseillers-du-territoire", "csv"))
    return xlsx_response(rows, dated_filename("conseillers-du-territoire", "xlsx"), sheet="Conseillers")
