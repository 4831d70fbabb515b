"""The "Candidatures" page (`candidate_page`) against the whole list as one queryset (`structure_candidates` →
filters → tab → sort): the same rows in the same order on every page of every tab × filter × sort, and the same
counts, on a dataset with ties in distance and matches in every state — on SQLite and on PostgreSQL."""

import itertools
import random
from datetime import timedelta

import pytest
from django.utils import timezone

from cnfs.candidates.models import Distance
from cnfs.recruitment import candidate_list
from cnfs.recruitment.candidate_list import (
    SORTS,
    TABS,
    apply_filters,
    candidate_page,
    for_tab,
    page_number,
    sorted_rows,
    structure_candidates,
    tab_counts,
)
from cnfs.recruitment.models import MatchStatus
from tests.factories import StructureFactory
from tests.recruitment.factories import CandidateFactory, MatchFactory, PixResultFactory, activated_structure

pytestmark = pytest.mark.django_db
PER_PAGE = 4
FILTERS = [
    {},
    {"has_cv": True},
    {"has_cv": True, "distance": 10},
    {"pix_level": 2},
    {"has_diploma": True},
    {"was_advisor": True},
    {"available_now": True},
    {"distance": 20},
    {"q": "ma"},
    {"q": "personne"},
]


@pytest.fixture
def dataset():
    """A structure, and 70 candidates on 7 points only (many equal distances; ids break the ties), with matches in
    every status (acted on, invitations nobody acted on, some not live any more, ended ones), candidates held
    elsewhere, erased and unconfirmed ones."""
    rng = random.Random(9)
    structure = activated_structure(latitude=46.5646, longitude=3.3326)
    other = StructureFactory()
    points = [(46.5646, 3.3326), (46.60, 3.33), (46.5, 3.4), (46.7, 3.1), (46.9, 3.6), (45.9, 3.3)]
    today = timezone.localdate()
    candidates = []
    for n in range(70):
        lat, lon = points[n % len(points)]
        candidate = CandidateFactory(
            latitude=lat,
            longitude=lon,
            max_distance=rng.choice([d.value for d in Distance]),
            available_from=today + timedelta(days=rng.choice([-10, -10, 0, 5, 90])),
            cv_name="cv.pdf" if rng.random() < 0.5 else "",
            has_diploma=rng.random() < 0.4,
            was_advisor=rng.random() < 0.3,
            pix_shared=rng.random() < 0.7,
            user__last_name=rng.choice(["Martin", "Dumas", "Leroy", "Petit"]),
        )
        if rng.random() < 0.5:
            PixResultFactory(candidate=candidate, level=rng.choice([1, 2, 3]))
        candidates.append(candidate)
    rng.shuffle(candidates)
    statuses = [
        *[MatchStatus.NEW] * 3,  # a row opened by an action that failed: the candidate stays listed
        *[MatchStatus.SHORTLISTED] * 5,
        *[MatchStatus.NOT_RETAINED] * 4,
        *[MatchStatus.HIRE_REQUESTED] * 2,
        *[MatchStatus.HIRED] * 2,
        MatchStatus.TERMINATION_REQUESTED,
        *[MatchStatus.CLOSED] * 3,
        *[MatchStatus.TERMINATED] * 2,
    ]
    pool = iter(candidates)
    for status in statuses:
        MatchFactory(structure=structure, candidate=next(pool), status=status)
    for _ in range(5):  # invitations nobody acted on: listed only while the candidate matches
        MatchFactory(structure=structure, candidate=next(pool), status=MatchStatus.NEW, invited=True)
    for _ in range(2):
        MatchFactory(structure=structure, candidate=next(pool), status=MatchStatus.SHORTLISTED, invited=True)
    for _ in range(4):
        MatchFactory(structure=other, candidate=next(pool), status=MatchStatus.HIRED)
    erased, unconfirmed = next(pool), next(pool)
    erased.erased_at = timezone.now()
    erased.save()
    unconfirmed.email_confirmed = False
    unconfirmed.save()
    # An acted-on candidate who no longer matches, and one held by another structure since.
    acted = [
        c for c in candidates[:30] if c.matches.filter(structure=structure, status="shortlisted").exists()
    ]
    acted[0].is_available = False
    acted[0].unavailable_reason = "found_job"
    acted[0].save()
    MatchFactory(structure=other, candidate=acted[1], status=MatchStatus.HIRE_REQUESTED)
    return structure


def reference(structure, data, tab):
    return [
        row.pk
        for row in sorted_rows(
            for_tab(apply_filters(structure_candidates(structure), data), tab), data["sort"]
        )
    ]


def test_every_page_of_every_tab_filter_and_sort_has_the_rows_of_the_whole_list(dataset):
    ties = 0
    for data, sort in itertools.product(FILTERS, ("distance", "availability")):
        data = {**data, "sort": sort}
        expected_counts = tab_counts(apply_filters(structure_candidates(dataset), data))
        for tab, _, _ in TABS:
            expected = reference(dataset, data, tab)
            last = max(1, -(-len(expected) // PER_PAGE))
            for number in [*range(1, last + 2), 0, -1, 10**9, 10**30]:
                found = candidate_page(dataset, data, tab, number, PER_PAGE)
                shown = number if 1 <= number <= last else last
                assert found.number == shown, (data, tab, number)
                assert found.ids == expected[(shown - 1) * PER_PAGE : shown * PER_PAGE], (data, tab, number)
                assert found.counts == expected_counts and found.capped == frozenset()
                assert found.count == len(expected)
        rows = list(sorted_rows(apply_filters(structure_candidates(dataset), data), "distance"))
        ties += sum(a.distance_km == b.distance_km for a, b in itertools.pairwise(rows))
    assert ties > 100  # the dataset does test the tie-break
    everyone = tab_counts(structure_candidates(dataset))
    assert all(everyone.values()), everyone  # every tab has rows


def test_the_badges_of_the_pool_stop_at_the_cap_on_the_other_tabs(dataset, monkeypatch):
    """On "new" and "all", the pool is read for the rows anyway: exact counts, every page. On the other tabs, the
    "new" and "all" badges stop at the cap (a lower bound, flagged), the tab's own count and rows stay exact."""
    monkeypatch.setattr(candidate_list, "COUNT_CAP", 6)
    for sort in SORTS:
        data = {"sort": sort}
        exact = tab_counts(apply_filters(structure_candidates(dataset), data))
        assert exact["new"] > 3 * PER_PAGE
        for tab, _, _ in TABS:
            expected = reference(dataset, data, tab)
            last = max(1, -(-len(expected) // PER_PAGE))
            for number in range(1, last + 1):
                found = candidate_page(dataset, data, tab, number, PER_PAGE)
                assert found.ids == expected[(number - 1) * PER_PAGE : number * PER_PAGE], (tab, number)
                assert found.count == len(expected)
                if tab in ("new", "all"):
                    assert found.counts == exact and not found.capped
                else:
                    assert found.capped == {"new", "all"}
                    assert found.counts == {**exact, "new": found.counts["new"], "all": found.counts["all"]}
                    assert 6 < found.counts["new"] < exact["new"] and found.counts["all"] < exact["all"]


def test_an_inactive_structure_has_an_empty_page():
    structure = StructureFactory()
    found = candidate_page(structure, {}, "new", 3, PER_PAGE)
    assert found.ids == [] and found.number == 1 and set(found.counts.values()) == {0}


def test_page_number_reads_like_get_page():
    assert [page_number(raw) for raw in ("3", "x", None, "", "-2", "2.0")] == [3, 1, 1, 1, -2, 1]
