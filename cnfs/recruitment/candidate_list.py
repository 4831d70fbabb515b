"""The structure's "Candidatures" list: the live matches plus the candidates it has already acted on, with one
status per row (no row yet = "new"), tabs with counts, filters, search and sorts — a fixed number of queries.

The page itself (`candidate_page`) reads the structure's pool of live candidates once ("new" and "all" tabs), or
counts at most COUNT_CAP + 1 of them (the other tabs): see its docstring. `structure_candidates` is the whole list as one queryset
(the exports, one candidate's page, and the tests' reference)."""

from dataclasses import dataclass

from django.db.models import Count, Exists, F, FilteredRelation, IntegerField, OuterRef, Q, Value, Window
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
# On the tabs of the candidates a structure acted on, the "new" and "all" badges count its live pool up to this many
# rows and then say "plus de 1 000": a badge needs no more, and those tabs then never read the whole pool.
COUNT_CAP = 1000


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
    return rows_of(structure, list(page_slice.values_list("pk", flat=True)))


@dataclass
class CandidatePage:
    """One page of the list: `ids` in order, its `number`, the count of each tab (`capped`: the tabs whose count
    is a lower bound, "plus de COUNT_CAP", never the current tab), and `count`, the current tab's count."""

    ids: list
    counts: dict
    capped: frozenset
    count: int
    number: int


def _sort_key(sort: str):
    if sort == "availability":
        return lambda row: (row[2], row[1], row[0])
    return lambda row: (row[1], row[0])


def page_number(raw) -> int:
    """The requested page as `Paginator.get_page` reads it: not an integer → 1 (out of range: see candidate_page)."""
    try:
        return int(raw)
    except (TypeError, ValueError):
        return 1


def candidate_page(structure, data: dict, tab: str, number: int, per_page: int) -> CandidatePage:
    """The ids of page `number` (1-based; out of range: the last page, like `Paginator.get_page`) of `tab` with the
    filters `data`, and the tab counts: the rows, order and counts of
    `sorted_rows(for_tab(apply_filters(structure_candidates(…))))`, except that on the tabs of the candidates the
    structure acted on, the "new" and "all" badges stop at COUNT_CAP + 1 ("plus de 1 000").

    The list is the union of two disjoint sets:
    - the candidates the structure acted on (its open matches, but an invitation nobody acted on yet): few, read
      with their status, distance and availability in one query, counted and sorted in Python;
    - the live pool (the matching condition, one indexed query) less those: status "new".
    On the "new" and "all" tabs, ONE query reads the pool: the ids of the requested page's rows and of those before
    it, in order (ORDER BY … LIMIT number × per_page, a top-N sort), with the pool's size (COUNT(*) OVER (), computed
    on the same pass). On the other tabs, the rows are the acted-on set alone, and the pool is only counted for the
    badges, at most COUNT_CAP + 1 rows (`SELECT count(*) FROM (… LIMIT n)`).
    Both sets are filtered by the same SQL, and merged by the same sort key as ORDER BY (distance, then id as the
    tie-break; the distance computed by the same SQL expression in both queries)."""
    if not (structure.activated and structure.located):
        counts = {key: 0 for key, _, _ in TABS}
        return CandidatePage([], counts, frozenset(), 0, 1)
    from .models import Match

    statuses = dict(
        Match.objects.filter(structure=structure)
        .exclude(status__in=HIDDEN_STATUSES)
        .exclude(invited=True, status=MatchStatus.NEW)
        .values_list("candidate_id", "status")
    )
    acted = apply_filters(
        annotate_distance(
            Candidate.objects.filter(pk_in(statuses), erased_at__isnull=True, email_confirmed=True),
            structure.latitude,
            structure.longitude,
        ),
        data,
    )
    acted = [
        (pk, distance, available, statuses[pk])
        for pk, distance, available in acted.values_list("pk", "distance_km", "available_from")
    ]
    pool = apply_filters(matching_candidates(structure).exclude(pk_in(statuses)), data)
    counts = {
        key: sum(row[3] in tab_statuses for row in acted) for key, _, tab_statuses in TABS if tab_statuses
    }
    number = min(number, 10**6)  # a page number a database LIMIT takes (page=10**30 is the last page)
    tab_statuses = TAB_STATUSES[tab]
    rows = [row for row in acted if tab_statuses is None or row[3] in tab_statuses]
    sort = sort_of(data)
    capped = frozenset()
    if tab_statuses is None or MatchStatus.NEW in tab_statuses:
        # Out of range (page 0, -1): every row, to find the last page.
        end = number * per_page if number >= 1 else None
        keys = list(
            pool.annotate(pool_size=Window(Count("pk")))
            .order_by(*SORTS[sort])
            .values_list("pk", "distance_km", "available_from", "pool_size")[:end]
        )
        in_pool = keys[0][3] if keys else 0
        rows += [key[:3] for key in keys]
    else:
        in_pool = pool.order_by().values("pk")[: COUNT_CAP + 1].count()
        if in_pool > COUNT_CAP:
            capped = frozenset({"new", "all"})
    counts["new"] += in_pool
    counts["all"] = len(acted) + in_pool
    count = counts[tab]
    last = max(1, -(-count // per_page))
    number = number if 1 <= number <= last else last
    end = number * per_page
    rows.sort(key=_sort_key(sort))
    return CandidatePage([row[0] for row in rows[end - per_page : end]], counts, capped, count, number)


def sort_of(data: dict) -> str:
    return data.get("sort") if data.get("sort") in SORTS else "distance"


def rows_of(structure, ids) -> list:
    """The rows `ids`, in that order, as the structure sees them, with their account, commune and Pix result."""
    if not ids:
        return []
    rows = _with_status(Candidate.objects.filter(pk__in=ids), structure).select_related(
        "user", "commune", "pix"
    )
    by_pk = {row.pk: row for row in rows}
    return [by_pk[pk] for pk in ids]
