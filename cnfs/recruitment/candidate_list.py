"""The structure's "Candidatures" list: the live matches plus the candidates it has already acted on, with one
status per row (no row yet = "new"), tabs with counts, filters, search and sorts — a fixed number of queries."""

from django.db.models import Count, Exists, F, FilteredRelation, IntegerField, OuterRef, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from cnfs.accounts.models import User
from cnfs.candidates.models import Candidate
from cnfs.territories.geo import annotate_distance

from .matching import held_elsewhere, matching_candidates, pk_in
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


def structure_candidates(structure, *, pk=None):
    """Every candidate the structure may see (through matching, or through a match it acted on), annotated with
    `distance_km`, `match_status`, `match_pk`, `match_invited` (the structure invited them), `held_elsewhere`. Empty
    when the structure is not activated or has no location; `pk` narrows it to one candidate.

    Two steps with a size known to the planner: the ids (the live matches, one indexed query; plus the candidates the
    structure has already acted on), then the list itself from those ids, so that filters, counts and sorts run over
    a set PostgreSQL and SQLite can estimate (given the matching condition itself, PostgreSQL guesses one row and then
    joins other tables row by row)."""
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
    linked = (
        Match.objects.filter(structure=structure)
        .exclude(status__in=HIDDEN_STATUSES)
        .exclude(invited=True, status=MatchStatus.NEW)
    )
    live = matching_candidates(structure)
    if pk is not None:
        linked, live = linked.filter(candidate_id=pk), live.filter(pk=pk)
    ids = set(live.values_list("pk", flat=True)) | set(
        linked.order_by().values_list("candidate_id", flat=True)
    )
    return _with_status(Candidate.objects.filter(pk_in(ids)), structure)


def _with_status(queryset, structure):
    """The rows as the structure sees them: distance, its open match and status, and whether another structure
    holds the candidate (a subquery, evaluated only for the rows that are read: a page, one candidate)."""
    queryset = queryset.filter(erased_at__isnull=True, email_confirmed=True).annotate(
        # The open match only (one at most, a database constraint); closed and ended ones leave the list.
        own_match=FilteredRelation(
            "matches", condition=Q(matches__structure=structure) & ~Q(matches__status__in=HIDDEN_STATUSES)
        ),
        held_elsewhere=held_elsewhere(structure),
    )
    queryset = annotate_distance(queryset, structure.latitude, structure.longitude)
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
        # A correlated lookup of the candidate's own account (by primary key), rather than a join that made
        # PostgreSQL scan every account in the country for each search (28 → 14 ms at national volume).
        named = User.objects.filter(pk=OuterRef("user_id")).filter(
            Q(first_name__icontains=word) | Q(last_name__icontains=word)
        )
        queryset = queryset.filter(Exists(named))
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


def page_rows(structure, page_slice) -> list:
    """The rows of one page of `sorted_rows`: their ids first (filter, sort and limit over the candidates alone),
    then those rows only, with their account, commune and Pix result. In one query, the database joins the related
    tables for every candidate before sorting when it misjudges how many rows a tab keeps."""
    ids = list(page_slice.values_list("pk", flat=True))
    if not ids:
        return []
    rows = _with_status(Candidate.objects.filter(pk__in=ids), structure).select_related(
        "user", "commune", "pix"
    )
    by_pk = {row.pk: row for row in rows}
    return [by_pk[pk] for pk in ids]
