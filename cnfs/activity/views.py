"""Places of activity: the advisor's own (list, create, edit, share), those of a role's scope (structure, préfecture,
hub, ANCT: read only), the public map and place page, and the open-data files (no login)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_GET, require_POST

from cnfs.accounts.permissions import role_required
from cnfs.accounts.roles import Role

from . import hours, opendata, services
from .forms import MapSearchForm, PlaceForm, ShareForm
from .models import Place, current_advisor
from .nearby import annotate_open_now, nearest_places

PAGE_SIZE = 50


def _advisor_or_403(request):
    advisor = current_advisor(request.role_context)
    if advisor is None:
        raise PermissionDenied(
            "Votre fiche de conseiller numérique n'est pas active : vos lieux s'ouvrent à votre prise de poste."
        )
    return advisor


def _own_place(request, pk):
    return get_object_or_404(Place.objects.visible_to(request.role_context).select_related("commune"), pk=pk)


def _apply_errors(form, error: ValidationError):
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages_ in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages_)


@role_required(Role.ADVISOR)
def my_places(request):
    advisor = current_advisor(request.role_context)
    places = list(
        Place.objects.visible_to(request.role_context)
        .select_related("commune")
        .prefetch_related("advisors__candidate__user")
        .order_by("name", "pk")
    )
    annotate_open_now(places)
    return render(
        request,
        "activity/my_places.html",
        {"title": "Mes lieux d'activité", "places": places, "advisor": advisor},
    )


@role_required(Role.ADVISOR)
def place_create(request):
    advisor = _advisor_or_403(request)
    form = PlaceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            place = services.create_place(advisor, form.values(), by=request.user)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, f"Le lieu « {place.name} » est enregistré.")
            return redirect("activity:my_places")
    return render(request, "activity/place_form.html", {"title": "Nouveau lieu d'activité", "form": form})


@role_required(Role.ADVISOR)
def place_edit(request, pk):
    place = _own_place(request, pk)
    form = PlaceForm(request.POST or None, place=place)
    if request.method == "POST" and form.is_valid():
        try:
            place = services.update_place(place, form.values(), by=request.user)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, f"Le lieu « {place.name} » est mis à jour.")
            return redirect("activity:my_places")
    return render(
        request,
        "activity/place_form.html",
        {"title": f"Modifier « {place.name} »", "form": form, "place": place},
    )


@role_required(Role.ADVISOR)
def place_share(request, pk):
    place = _own_place(request, pk)
    advisor = _advisor_or_403(request)
    form = ShareForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.advisor.pk == advisor.pk:
            form.add_error("email", "C'est votre propre adresse : indiquez celle d'un autre conseiller.")
        elif services.share_place(place, form.advisor, by=request.user):
            messages.success(request, "Ce conseiller tient désormais ce lieu avec vous.")
            return redirect("activity:my_places")
        else:
            form.add_error("email", "Ce conseiller tient déjà ce lieu.")
    holders = place.advisors.select_related("candidate__user").order_by("pk")
    return render(
        request,
        "activity/place_share.html",
        {"title": f"Partager « {place.name} »", "form": form, "place": place, "holders": holders},
    )


@require_POST
@role_required(Role.ADVISOR)
def place_leave(request, pk):
    """The advisor no longer holds a shared place (the last holder cannot: the place would belong to nobody)."""
    place = _own_place(request, pk)
    advisor = _advisor_or_403(request)
    try:
        services.leave_place(place, advisor, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("activity:place_share", pk=place.pk)
    messages.success(request, f"Vous ne tenez plus le lieu « {place.name} ».")
    return redirect("activity:my_places")


@role_required(Role.STRUCTURE, Role.PREFECTURE, Role.HUB, Role.ANCT)
def scope_places(request):
    queryset = (
        Place.objects.visible_to(request.role_context)
        .select_related("commune")
        .prefetch_related("advisors__candidate__user")
        .order_by("commune__departement_id", "name", "pk")
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "activity/scope_places.html",
        {"title": "Lieux d'activité des conseillers", "page": page, "places": page.object_list},
    )


# --- public -----------------------------------------------------------------------------------------------------------


def tiles_origin() -> str:
    parts = urlsplit(settings.CNFS_MAP_TILES_URL.replace("{s}", "a"))
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""


def allow_tiles(response):
    """The map page alone may load images from the tile server (the site's CSP allows 'self' only)."""
    origin = tiles_origin()
    if origin:
        csp = dict(settings.SECURE_CSP)
        csp["img-src"] = [*csp.get("img-src", []), origin]
        response._csp_config = csp
    return response


@require_GET
@login_not_required
def public_map(request):
    form = MapSearchForm(
        request.GET if ("commune" in request.GET or "commune_insee" in request.GET) else None
    )
    result = commune = None
    if form.is_bound and form.is_valid():
        commune = form.cleaned_data["commune"]
        if commune.latitude is None or commune.longitude is None:
            form.add_error(
                "commune", "Cette commune n'a pas de coordonnées connues : essayez une commune voisine."
            )
        else:
            result = nearest_places(commune.latitude, commune.longitude)
    context = {
        "title": "Trouver un conseiller numérique près de chez moi",
        "form": form,
        "commune": commune,
        "result": result,
        "tiles_url": settings.CNFS_MAP_TILES_URL,
        "tiles_attribution": settings.CNFS_MAP_TILES_ATTRIBUTION,
    }
    return allow_tiles(render(request, "activity/public_map.html", context))


@require_GET
@login_not_required
def public_place(request, pk):
    place = get_object_or_404(Place.objects.public().select_related("commune__departement"), pk=pk)
    now = timezone.now()
    open_now = hours.is_open(place.opening_hours, place.departement_code, now)
    change = hours.next_change(place.opening_hours, place.departement_code, now)
    next_change = ""
    if change is not None:
        verb = "Ferme" if open_now else "Ouvre"
        next_change = f"{verb} le {date_format(change, 'l j F')} à {change:%H:%M} (heure locale)."
    context = {
        "title": place.name,
        "place": place,
        "open_now": open_now,
        "next_change": next_change,
        "week": hours.weekly_summary(place.opening_hours),
        "holidays_closed": hours.split_holidays(place.opening_hours)[1],
        "tiles_url": settings.CNFS_MAP_TILES_URL,
        "tiles_attribution": settings.CNFS_MAP_TILES_ATTRIBUTION,
    }
    return allow_tiles(render(request, "activity/public_place.html", context))


@require_GET
@login_not_required
def open_data(request):
    return render(
        request, "activity/open_data.html", {"title": "Données ouvertes : lieux de médiation numérique"}
    )


@require_GET
@login_not_required
def open_data_csv(request):
    return opendata.standard_csv_response()


@require_GET
@login_not_required
def open_data_json(request):
    return opendata.standard_json_response()


@require_GET
@login_not_required
def open_data_data_inclusion(request):
    return opendata.di_json_response()
