"""The grid search gives the brute-force answer: random points over France and overseas, on both sides of the
antimeridian, far from every point, ties."""

import random

import pytest

from cnfs.coverage.nearest import GridIndex
from cnfs.territories.geo import distance_km

AREAS = [  # (lat, lon, spread in degrees): metropolitan France, Réunion, Polynesia, Wallis, New Caledonia, SPM
    (46.5, 2.5, 5),
    (-21.1, 55.5, 0.4),
    (-17.6, -149.5, 2),
    (-13.3, -176.2, 0.3),
    (-21.3, 165.5, 1.5),
    (46.9, -56.3, 0.2),
]


def random_points(rng, count):
    points = []
    for _ in range(count):
        lat, lon, spread = rng.choice(AREAS)
        points.append((lat + rng.uniform(-spread, spread), lon + rng.uniform(-spread, spread)))
    return points


@pytest.mark.parametrize("seed", range(5))
def test_the_grid_finds_the_brute_force_nearest(seed):
    rng = random.Random(seed)
    places = [(pk, lat, lon) for pk, (lat, lon) in enumerate(random_points(rng, 300), start=1)]
    index = GridIndex(places)
    for lat, lon in random_points(rng, 400):
        key, distance = index.nearest(lat, lon)
        expected_key, expected = index.brute_force(lat, lon)
        assert distance == pytest.approx(expected, abs=1e-9)
        assert key == expected_key or distance == expected


def test_across_the_antimeridian_the_nearest_is_on_the_other_side():
    index = GridIndex([(1, -13.0, -179.95), (2, -13.0, 178.0)])
    key, distance = index.nearest(-13.0, 179.95)
    assert key == 1
    assert distance == distance_km(-13.0, 179.95, -13.0, -179.95) < 12


def test_the_distance_is_the_projects_haversine():
    index = GridIndex([(7, 45.75, 4.85)])
    assert index.nearest(48.85, 2.35) == (7, distance_km(48.85, 2.35, 45.75, 4.85))


def test_a_point_far_from_everything_still_gets_its_nearest():
    index = GridIndex([(1, 46.5, 2.5), (2, 43.0, 6.0)])
    key, distance = index.nearest(-21.1, 55.5)  # Réunion: thousands of km, past the rings
    assert key == 2 and distance > 8000


def test_equal_distances_give_the_smallest_key_and_no_points_give_none():
    index = GridIndex([(5, 46.1, 3.0), (3, 45.9, 3.0)])
    assert index.nearest(46.0, 3.0)[0] == 3
    assert GridIndex([]).nearest(46.0, 3.0) is None
