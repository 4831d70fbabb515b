"""Matching against a brute-force reference: every candidate checked in Python with the rules of SPEC §6."""

import random
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cnfs.candidates.models import METRO, Distance
from cnfs.recruitment.matching import matching_candidates
from cnfs.recruitment.models import MatchStatus
from cnfs.territories.geo import distance_km
from tests.factories import CommuneFactory, DepartementFactory, RegionFactory, StructureFactory, UserFactory
from tests.recruitment.factories import CandidateFactory, MatchFactory, activated_structure

pytestmark = pytest.mark.django_db
DISTANCES = [d.value for d in Distance]
EPSILON = 1e-6


def guadeloupe():
    region = RegionFactory(code="01", name="Guadeloupe", zone="drom")
    departement = DepartementFactory(
        code="971", name="Guadeloupe", region=region, zone="drom", latitude=16.2, longitude=-61.5
    )
    return CommuneFactory(
        insee_code="97105", name="Basse-Terre", departement=departement, latitude=15.998, longitude=-61.726
    )


def martinique():
    region = RegionFactory(code="02", name="Martinique", zone="drom")
    departement = DepartementFactory(code="972", name="Martinique", region=region, zone="drom")
    return CommuneFactory(
        insee_code="97209", name="Fort-de-France", departement=departement, latitude=14.6, longitude=-61.07
    )


def make_candidate(
    *, lat, lon, max_distance, territory=METRO, available_in=0, confirmed=True, available=True
):
    user = UserFactory(email_confirmed_at=timezone.now() if confirmed else None)
    user.save()
    extra = {} if available else {"is_available": False, "unavailable_reason": "found_job"}
    return CandidateFactory(
        user=user,
        latitude=lat,
        longitude=lon,
        territory=territory,
        max_distance=max_distance,
        available_from=timezone.localdate() + timedelta(days=available_in),
        **extra,
    )


def reference(facts, candidates, held=frozenset()):
    """The expected set, and the candidates too close to a threshold to decide (floating point)."""
    expected, undecided = set(), set()
    day = facts.availability_day
    for c in candidates:
        c.refresh_from_db()
        c.user.refresh_from_db() if c.user_id else None
        if not (c.is_available and c.erased_at is None and c.user and c.user.email_confirmed_at):
            continue
        if c.pk in held or c.territory != facts.territory or c.available_from > day:
            continue
        if c.max_distance == Distance.FRANCE:
            expected.add(c.pk)
            continue
        d = distance_km(facts.latitude, facts.longitude, c.latitude, c.longitude)
        if abs(d - c.max_distance) < EPSILON:
            undecided.add(c.pk)
        elif d < c.max_distance:
            expected.add(c.pk)
    return expected, undecided


def assert_same(facts, candidates, held=frozenset()):
    expected, undecided = reference(facts, candidates, held)
    got = {c.pk for c in matching_candidates(facts)}
    assert got - undecided == expected - undecided


def test_random_metropolitan_data_matches_brute_force():
    rng = random.Random(4)
    structure = activated_structure(latitude=46.5646, longitude=3.3326)
    facts = structure  # location, territory and mission start are the structure's columns
    candidates = [
        make_candidate(
            lat=46.5646 + rng.uniform(-1.2, 1.2),
            lon=3.3326 + rng.uniform(-1.6, 1.6),
            max_distance=rng.choice(DISTANCES),
            available_in=rng.choice([-10, 0, 0, 5, 90]),
            confirmed=rng.random() > 0.1,
            available=rng.random() > 0.1,
        )
        for _ in range(150)
    ]
    assert_same(facts, candidates)
    assert 10 < len(matching_candidates(facts)) < 150


def test_each_distance_class_is_a_hard_limit():
    structure = activated_structure(latitude=45.0, longitude=5.0)
    facts = structure  # location, territory and mission start are the structure's columns
    km_per_lat_degree = 111.195
    inside = {
        km: make_candidate(lat=45.0 + (km - 0.5) / km_per_lat_degree, lon=5.0, max_distance=km)
        for km in (5, 10, 15, 20, 40, 100)
    }
    outside = {
        km: make_candidate(lat=45.0 + (km + 0.5) / km_per_lat_degree, lon=5.0, max_distance=km)
        for km in (5, 10, 15, 20, 40, 100)
    }
    # The corner of the bounding box is outside the circle: the exact filter removes it.
    corner = make_candidate(
        lat=45.0 + 9.5 / km_per_lat_degree, lon=5.0 + 9.5 / (km_per_lat_degree * 0.7071), max_distance=10
    )
    far = make_candidate(lat=43.3, lon=-1.0, max_distance=Distance.FRANCE)
    got = {c.pk for c in matching_candidates(facts)}
    assert {c.pk for c in inside.values()} <= got
    assert not {c.pk for c in outside.values()} & got
    assert corner.pk not in got
    assert far.pk in got


def test_rows_are_annotated_with_their_distance():
    structure = activated_structure(latitude=45.0, longitude=5.0)
    candidate = make_candidate(lat=45.1, lon=5.0, max_distance=20)
    (row,) = matching_candidates(structure)
    assert row.pk == candidate.pk
    assert row.distance_km == pytest.approx(distance_km(45.0, 5.0, 45.1, 5.0), rel=1e-9)


def test_available_on_mission_start_or_today_if_past():
    later = activated_structure(start_date=timezone.localdate() + timedelta(days=30))
    past = activated_structure(start_date=timezone.localdate() - timedelta(days=30))
    soon = make_candidate(lat=46.5646, lon=3.3326, max_distance=5, available_in=20)
    now = make_candidate(lat=46.5646, lon=3.3326, max_distance=5, available_in=0)
    assert {c.pk for c in matching_candidates(later)} == {soon.pk, now.pk}
    assert {c.pk for c in matching_candidates(past)} == {now.pk}


def test_overseas_territories_only_match_inside_their_own():
    basse_terre = guadeloupe()
    structure = activated_structure(
        latitude=basse_terre.latitude, longitude=basse_terre.longitude, commune=basse_terre
    )
    local = CandidateFactory(commune=basse_terre, max_distance=Distance.KM_20)
    local_everywhere = CandidateFactory(commune=basse_terre, max_distance=Distance.FRANCE)
    metro_everywhere = CandidateFactory(max_distance=Distance.FRANCE)
    martinique_everywhere = CandidateFactory(commune=martinique(), max_distance=Distance.FRANCE)
    metro_structure = activated_structure()
    assert local.territory == "971"
    assert {c.pk for c in matching_candidates(structure)} == {local.pk, local_everywhere.pk}
    assert {c.pk for c in matching_candidates(metro_structure)} == {metro_everywhere.pk}
    assert martinique_everywhere.pk not in {c.pk for c in matching_candidates(structure)}


def test_not_activated_structure_sees_nobody():
    CandidateFactory()
    assert not matching_candidates(StructureFactory()).exists()


def test_candidate_held_by_another_structure_is_out():
    structure = activated_structure()
    held = CandidateFactory()
    MatchFactory(candidate=held, status=MatchStatus.HIRE_REQUESTED)
    free = CandidateFactory()
    assert {c.pk for c in matching_candidates(structure)} == {free.pk}


def test_one_query_whatever_the_number_of_candidates(django_assert_num_queries):
    structure = activated_structure()
    for _ in range(5):
        CandidateFactory()
    facts = structure  # location, territory and mission start are the structure's columns
    assert facts.territory == METRO  # the département is read once, with the structure
    with django_assert_num_queries(1):
        assert len(list(matching_candidates(facts))) == 5


candidate_strategy = st.fixed_dictionaries(
    {
        "dlat": st.floats(min_value=-1.0, max_value=1.0, allow_nan=False),
        "dlon": st.floats(min_value=-1.4, max_value=1.4, allow_nan=False),
        "max_distance": st.sampled_from(DISTANCES),
        "overseas": st.booleans(),
        "available_in": st.integers(min_value=-5, max_value=60),
        "confirmed": st.booleans(),
        "available": st.booleans(),
    }
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    rows=st.lists(candidate_strategy, min_size=0, max_size=12),
    lat=st.floats(min_value=42.5, max_value=50.5, allow_nan=False),
    lon=st.floats(min_value=-4.0, max_value=7.5, allow_nan=False),
    start_in=st.integers(min_value=-30, max_value=60),
    held_index=st.one_of(st.none(), st.integers(min_value=0, max_value=11)),
)
def test_property_matching_equals_brute_force(rows, lat, lon, start_in, held_index):
    with transaction.atomic():
        structure = activated_structure(
            latitude=lat, longitude=lon, start_date=timezone.localdate() + timedelta(days=start_in)
        )
        candidates = [
            make_candidate(
                lat=lat + row["dlat"],
                lon=lon + row["dlon"],
                max_distance=row["max_distance"],
                territory="971" if row["overseas"] else METRO,
                available_in=row["available_in"],
                confirmed=row["confirmed"],
                available=row["available"],
            )
            for row in rows
        ]
        held = set()
        if held_index is not None and held_index < len(candidates):
            MatchFactory(candidate=candidates[held_index], status=MatchStatus.HIRED)
            held.add(candidates[held_index].pk)
        assert_same(structure, candidates, held)
        transaction.set_rollback(True)


def test_candidate_list_filters_tabs_and_sorts_equal_brute_force():
    """The structure's list (live matches plus the candidates it acted on), every filter and tab, checked row by row
    against the rules in Python: CV, diploma, former advisor, Pix level (shared only), available now, distance."""
    from cnfs.recruitment.candidate_list import (
        TABS,
        apply_filters,
        for_tab,
        page_rows,
        sorted_rows,
        structure_candidates,
    )
    from tests.recruitment.factories import PixResultFactory

    rng = random.Random(8)
    structure = activated_structure(latitude=46.5646, longitude=3.3326)
    other = StructureFactory()
    facts = structure
    candidates = []
    for _ in range(70):
        candidate = make_candidate(
            lat=46.5646 + rng.uniform(-0.5, 0.5),
            lon=3.3326 + rng.uniform(-0.7, 0.7),
            max_distance=rng.choice(DISTANCES),
            available_in=rng.choice([-10, 0, 5, 90]),
            confirmed=rng.random() > 0.1,
            available=rng.random() > 0.1,
        )
        candidate.cv_name = "cv.pdf" if rng.random() < 0.5 else ""
        candidate.has_diploma = rng.random() < 0.4
        candidate.was_advisor = rng.random() < 0.3
        candidate.pix_shared = rng.random() < 0.7
        candidate.save()
        if rng.random() < 0.5:
            PixResultFactory(candidate=candidate, level=rng.choice([1, 2, 3]))
        candidates.append(candidate)
    own, held = {}, set()
    for candidate in rng.sample(candidates, 25):
        status = rng.choice([*MatchStatus])
        MatchFactory(structure=structure, candidate=candidate, status=status)
        own[candidate.pk] = status
    for candidate in rng.sample([c for c in candidates if c.pk not in own], 8):
        MatchFactory(structure=other, candidate=candidate, status=MatchStatus.HIRED)
        held.add(candidate.pk)
    for candidate in rng.sample([c for c in candidates if c.pk in own], 3):
        if own[candidate.pk] not in (
            MatchStatus.HIRE_REQUESTED,
            MatchStatus.HIRED,
            MatchStatus.TERMINATION_REQUESTED,
        ):
            MatchFactory(structure=other, candidate=candidate, status=MatchStatus.HIRE_REQUESTED)
            held.add(candidate.pk)
    live, undecided = reference(facts, candidates, held)  # also reloads every candidate
    pix_levels = {c.pk: c.pix.level for c in candidates if hasattr(c, "pix")}
    hidden = {MatchStatus.CLOSED, MatchStatus.TERMINATED}
    today = timezone.localdate()

    def expected(data, statuses):
        rows = set()
        for c in candidates:
            linked = c.pk in own and own[c.pk] not in hidden
            if c.pk not in live and not (linked and c.erased_at is None and c.email_confirmed):
                continue
            if statuses and own.get(c.pk, MatchStatus.NEW) not in statuses:
                continue
            distance = distance_km(facts.latitude, facts.longitude, c.latitude, c.longitude)
            if data.get("pix_level") and not (c.pix_shared and pix_levels.get(c.pk) == data["pix_level"]):
                continue
            if (data.get("has_cv") and not c.cv_name) or (data.get("has_diploma") and not c.has_diploma):
                continue
            if data.get("was_advisor") and not c.was_advisor:
                continue
            if data.get("available_now") and c.available_from > today:
                continue
            if data.get("distance") and distance > data["distance"]:
                continue
            rows.add(c.pk)
        return rows

    filters = [
        {},
        {"has_cv": True},
        {"has_cv": True, "distance": 10},
        {"pix_level": 2},
        {"pix_level": 3, "has_diploma": True},
        {"was_advisor": True},
        {"available_now": True},
        {"distance": 20},
    ]
    for data in filters:
        for key, _, statuses in TABS:
            for sort in ("distance", "availability"):
                ordered = sorted_rows(for_tab(apply_filters(structure_candidates(facts), data), key), sort)
                rows = list(ordered)
                # A page is fetched ids first, then its rows: same rows, same order.
                assert [row.pk for row in page_rows(facts, ordered.all()[3:9])] == [
                    row.pk for row in rows[3:9]
                ]
                got = {row.pk for row in rows}
                assert got - undecided == expected(data, statuses) - undecided, (data, key)
                for row in rows:
                    assert row.held_elsewhere == (row.pk in held)
                    assert row.match_status == own.get(row.pk, MatchStatus.NEW)
                keys = [
                    (r.distance_km, r.pk) if sort == "distance" else (r.available_from, r.distance_km, r.pk)
                    for r in rows
                ]
                assert keys == sorted(keys)
    assert {
        row.pk for row in structure_candidates(facts)
    } & held  # held ones the structure acted on stay listed
