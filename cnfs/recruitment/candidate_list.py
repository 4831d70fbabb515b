"""The structure's "Candidatures" list: the live matches plus the candidates it has already acted on, with one
status per row (no row yet = "new"), tabs with counts, filters, search and sorts — a fixed number of queries."""

from django.db.models import Count, F, FilteredRelation, IntegerField, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from cnfs.candidates.models import Candidate

from .matching import held_elsewhere, live_condition
from .models import MatchStatus

TABS = [
    ("new", "Nouvelles", (MatchStatus.NEW,)),
    ("shortlisted", "Présélectionnées", (MatchStatus.SHORTLISTED,)),
    ("not_retained", "Non retenues", (MatchStatus.NOT_RETAINED,)),
    ("hire_requested", "Recrutement demandé", (MatchStatus.HIRE_REQUESTED,)),
    ("hired", "Recrutées", (MatchStatus.HIRED, MatchStatus.TERMINATION_REQUESTED)),
    ("all", "Toutes", None),
]
TAB_STATUSES = {key: statuses for key, _, statuses in TABS}
HIDDEN_STATUSES = (MatchStatus.CLOSED, MatchStatus.TERMINATED)
SORTS = {
    "distance": ("distance_km", "pk"),
    "availability": ("available_from", "distance_km", "pk"),
}


def structure_candidates(structure):
    """Every candidate the structure may see (through matching, or through a match it acted on), annotated with
    `distance_km`, `match_status`, `match_pk`, `match_invited` (the structure invited them), `held_elsewhere`. Empty
    when the structure is not activated or has no location."""
    from .models import Match

    if not (structure.activated and structure.located):
        return Candidate.objects.annotate(
            distance_km=Value(0.0),
            match_status=Value(MatchStatus.NEW.value),
            match_pk=Value(None, output_field=IntegerField()),
            held_elsewhere=Value(False),
            match_invited=Value(False),
        ).none()
    # A row keeps a candidate visible once the structure has acted on them (seen through matching at the time); a
    # row an invitation opened and nobody acted on yet does not: an invitation never widens what a structure sees.
    linked = list(
        Match.objects.filter(structure=structure)
        .exclude(status__in=HIDDEN_STATUSES)
        .exclude(invited=True, status=MatchStatus.NEW)
        .values_list("candidate_id", flat=True)
    )
    queryset = Candidate.objects.filter(erased_at__isnull=True, email_confirmed=True)
    queryset = queryset.filter(live_condition(structure) | Q(pk__in=linked))
    queryset = queryset.annotate(
        # The open match only (one at most, a database constraint); closed and ended ones leave the list.
        own_match=FilteredRelation(
            "matches", condition=Q(matches__structure=structure) & ~Q(matches__status__in=HIDDEN_STATUSES)
        ),
        held_elsewhere=held_elsewhere(structure),
    )
    from cnfs.territories.geo import annotate_distance

    queryset = annotate_distance(queryset, structure.latitude, structure.longitude)
    queryset = queryset.filter(Q(held_elsewhere=False) | Q(pk__in=linked))
    return queryset.annotate(
        match_status=Coalesce(F("own_match__status"), Value(MatchStatus.NEW.value)),
        match_pk=F("own_match__pk"),
        match_invited=Coalesce(F("own_match__invited"), Value(False)),
    )


def apply_filters(queryset, data: dict):
    """`data` is the cleaned data of the filter form."""
    if data.get("pix_level"):
        queryset = queryset.filter(pix_shared=True, pix__level=int(data["pix_level"]))
    if data.get("has_cv"):
        queryset = queryset.exclude(cv_name="")
    if data.get("has_diploma"):
        queryset = queryset.filter(has_diploma=True)
    if data.get("was_advisor"):
        queryset = queryset.filter(was_advisor=True)
    if data.get("available_now"):
        queryset = queryset.filter(available_from__lte=timezone.localdate())
    if data.get("distance"):
        queryset = queryset.filter(distance_km__lte=int(data["distance"]))
    for word in (data.get("q") or "").split()[:5]:
        queryset = queryset.filter(Q(user__first_name__icontains=word) | Q(user__last_name__icontains=word))
    return queryset


def tab_counts(queryset) -> dict:
    aggregates = {
        key: Count("pk", filter=Q(match_status__in=statuses))
        for key, statuses in TAB_STATUSES.items()
        if statuses
    }
    aggregates["all"] = Count("pk")
    return queryset.aggregate(**aggregates)


def for_tab(queryset, tab: str):
    statuses = TAB_STATUSES.get(tab)
    return queryset.filter(match_status__in=statuses) if statuses else queryset


def sorted_rows(queryset, sort: str):
    return queryset.select_related("user", "commune", "pix").order_by(*SORTS.get(sort, SORTS["distance"]))
