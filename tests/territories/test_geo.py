import math
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cnfs.territories import importer, sources
from cnfs.territories.geo import annotate_distance, bounding_box, distance_km, within_km
from cnfs.territories.models import Commune, Departement, Region

from .conftest import SHARED_DATA


def brute_force(queryset, lat, lon, km):
    return {
        c.pk
        for c in queryset
        if c.latitude is not None and distance_km(lat, lon, c.latitude, c.longitude) <= km
    }


def centre(code):
    commune = Commune.objects.get(pk=code)
    return commune.latitude, commune.longitude


def test_paris_lyon_distance(territories):
    assert distance_km(*centre("75056"), *centre("69123")) == pytest.approx(392, abs=3)
    assert distance_km(*centre("69123"), *centre("75056")) == distance_km(*centre("75056"), *centre("69123"))
    assert distance_km(*centre("35238"), *centre("35238")) == 0


def test_distance_known_values():
    assert distance_km(0, 0, 0, 180) == pytest.approx(math.pi * 6371.0088, rel=1e-12)
    assert distance_km(0, 0, 1, 0) == pytest.approx(111.195, abs=0.001)


def test_bounding_box():
    min_lat, max_lat, min_lon, max_lon = bounding_box(48.0, -1.7, 20)
    assert max_lat - 48.0 == pytest.approx(20 / 111.195, rel=1e-3)
    assert min_lon < -1.7 < max_lon and max_lon - min_lon > max_lat - min_lat  # wider in longitude
    assert bounding_box(89.9, 0, 50)[2:] == (-180.0, 180.0)


def test_within_km_rennes_on_fixture(territories):
    lat, lon = centre("35238")
    result = within_km(Commune.objects.all(), lat, lon, 20)
    assert {c.pk for c in result} == {"35238", "35051", "35278", "35047"}
    assert {c.pk for c in result} == brute_force(Commune.objects.all(), lat, lon, 20)
    for commune in result:
        assert commune.distance_km == pytest.approx(
            distance_km(lat, lon, commune.latitude, commune.longitude)
        )
    nearest = list(result.order_by("distance_km").values_list("pk", flat=True))
    assert nearest[0] == "35238"


def test_annotate_distance_and_null_coordinates(territories):
    Commune.objects.filter(pk="35051").update(latitude=None, longitude=None)
    rows = {c.pk: c.distance_km for c in annotate_distance(Commune.objects.all(), *centre("75056"))}
    assert rows["35051"] is None
    assert rows["69123"] == pytest.approx(392, abs=3)
    assert "35051" not in {c.pk for c in within_km(Commune.objects.all(), *centre("35238"), 50)}


def test_within_km_custom_field_names(territories):
    result = within_km(
        Departement.objects.all(), *centre("03190"), 60, lat_field="latitude", lon_field="longitude", name="d"
    )
    assert [d.pk for d in result] == ["03"]
    assert result[0].d < 60


@pytest.fixture
def scattered_points(db):
    """300 points over the globe, many around France, some near the poles and the antimeridian."""
    region = Region.objects.create(code="99", name="Test")
    dep = Departement.objects.create(code="99", name="Test", region=region)
    rng = random.Random(20210201)
    points = []
    for i in range(300):
        if i % 3 == 0:
            lat, lon = rng.uniform(-90, 90), rng.uniform(-180, 180)
        elif i % 3 == 1:
            lat, lon = rng.uniform(41, 51), rng.uniform(-5, 9)
        else:
            lat, lon = (
                rng.choice([rng.uniform(80, 90), rng.uniform(-90, -80)]),
                rng.choice([-179.9, 179.9, 0.0]),
            )
            lon += rng.uniform(-0.1, 0.1)
        points.append(Commune(insee_code=f"S{i:04d}", name=f"P{i}", departement=dep, region=region,
                              latitude=lat, longitude=lon))  # fmt: skip
    points.append(Commune(insee_code="SNULL", name="Sans", departement=dep, region=region))
    Commune.objects.bulk_create(points)
    return list(Commune.objects.all())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    lat=st.floats(-90, 90),
    lon=st.floats(-180, 180),
    km=st.one_of(st.floats(0, 500), st.floats(0, 21000)),
)
def test_within_km_equals_brute_force(scattered_points, lat, lon, km):
    found = {c.pk for c in within_km(Commune.objects.all(), lat, lon, km)}
    expected = brute_force(scattered_points, lat, lon, km)
    borderline = {
        c.pk
        for c in scattered_points
        if c.latitude is not None and abs(distance_km(lat, lon, c.latitude, c.longitude) - km) < 1e-6
    }
    assert found - borderline == expected - borderline


@pytest.mark.skipif(not (SHARED_DATA / "communes.csv").exists(), reason="données de référence absentes")
@pytest.mark.django_db
def test_full_reference_data_import_and_rennes_20_km():
    report = importer.sync(sources.read_csv_directory(SHARED_DATA))
    assert "35014 communes : 35014 créées, 0 modifiées, 0 supprimées" in report.lines()
    assert importer.sync(sources.read_csv_directory(SHARED_DATA)).changed == 0
    lat, lon = centre("35238")
    found = {c.pk for c in within_km(Commune.objects.all(), lat, lon, 20)}
    assert found == brute_force(Commune.objects.only("latitude", "longitude"), lat, lon, 20)
    assert len(found) > 30 and {"35238", "35051", "35047"} <= found
