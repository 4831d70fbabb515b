from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from cnfs.activity.views import allow_tiles
from cnfs.core.exports import dated_filename
from cnfs.core.opendata import LICENCE, LICENCE_URL
from cnfs.core.replica import reading_replica
from cnfs.statistics import indicators
from cnfs.statistics import public as public_statistics

from . import opendata

PROGRAMME = {
    "people_far_from_digital": "13 millions",
    "advisors": "4 000",
    "budget": "200 M€",
}


class PublicPage(TemplateView):
    title = ""
    extra = None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = self.title
        context["programme"] = PROGRAMME
        context["retention"] = retention_periods()
        return context


def _duration(delta) -> str:
    days = delta.days
    if days and days % 365 == 0:
        years = days // 365
        return f"{years} an{'s' if years > 1 else ''}"
    return f"{days} jour{'s' if days > 1 else ''}"


def retention_periods() -> dict:
    """The retention periods the privacy page states, from the settings the retention task applies."""
    return {
        "inactivity": _duration(settings.CNFS_CANDIDATE_INACTIVITY),
        "notice": _duration(settings.CNFS_RETENTION_WARNING_NOTICE),
        "unconfirmed": _duration(settings.CNFS_UNCONFIRMED_ACCOUNT_RETENTION),
    }


def public_page(route, template, name, title):
    return path(route, login_not_required(PublicPage.as_view(template_name=template, title=title)), name=name)


# --- public statistics and open data (no login) ----------------------------------------------------------------------


@require_GET
@login_not_required
@reading_replica()
def statistics(request):
    figures = public_statistics.national()
    context = {
        "title": "Statistiques du dispositif",
        "figures": figures,
        "labels": public_statistics.FIGURE_LABELS,
        "monthly_labels": indicators.MONTHLY_LABELS,
        "map_figures": [
            (name, public_statistics.FIGURE_LABELS[name]) for name in public_statistics.MAP_FIGURES
        ],
        "tiles_url": settings.CNFS_MAP_TILES_URL,
        "tiles_attribution": settings.CNFS_MAP_TILES_ATTRIBUTION,
    }
    return allow_tiles(render(request, "public/statistics.html", context))


@require_GET
@login_not_required
@reading_replica()
def open_data(request):
    files = [(item, item.updated()) for item in opendata.FILES]
    context = {
        "title": "Données ouvertes",
        "files": files,
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "dictionary_filename": dated_filename(opendata.DICTIONARY_STEM, "csv"),
    }
    return render(request, "public/open_data.html", context)


def _file_view(stem):
    @require_GET
    @login_not_required
    def download(request):
        return opendata.file(stem).response()

    return download


open_data_structures = _file_view("structures")
open_data_posts = _file_view("postes")
open_data_monthly_activity = _file_view("activite-mensuelle-par-departement")


@require_GET
@login_not_required
@reading_replica()
def open_data_dictionary(request):
    return opendata.dictionary_response()
