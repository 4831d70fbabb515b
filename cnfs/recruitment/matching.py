"""Live matching: the candidates a structure sees, straight from the database, complete, no cap.

A candidate matches a structure when they are visible (email confirmed, available, not erased), not held by another
structure, live in the same territory (metropolitan France, or the same overseas territory), are available on the
structure's availability day, and their own maximum distance covers the structure.

The query has one branch per distance class: "max_distance = k AND inside the k-km bounding box AND haversine value ≤
the class threshold", each served by the (max_distance, territory, latitude, longitude) indexes, plus the "whole
France" branch. The great-circle distance itself is computed once per returned row, as the `distance_km` annotation.
"""

import functools
import json
import math

from django.db.models import BooleanField, Exists, F, OuterRef, Q
from django.db.models.expressions import RawSQL

from cnfs.candidates.models import DISTANCE_CLASSES, VISIBLE, Candidate, Distance
from cnfs.territories.geo import EARTH_RADIUS_KM, annotate_distance, bounding_box, haversine_sql

from .models import HOLDING_STATUSES, Match


@functools.cache
def haversine_threshold(km: float) -> float:
    """The largest haversine value `a` whose distance 2R·asin(√a) is still ≤ `km` (same float arithmetic as
    `distance_km`), so that `a ≤ threshold` is the exact distance test without asin/sqrt per row."""

    def distance(a):
        return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))

    a = math.sin(km / (2 * EARTH_RADIUS_KM)) ** 2
    while distance(a) > km:
        a = math.nextafter(a, 0.0)
    while distance(math.nextafter(a, 1.0)) <= km:
        a = math.nextafter(a, 1.0)
    return a


class DistanceClasses(RawSQL):
    """The matching WHERE clause of one structure, rendered directly as SQL: one branch per distance class,
    "max_distance = k AND territory AND inside the k-km box AND haversine ≤ threshold(k)", each served by the
    (max_distance, territory, latitude, longitude) indexes, plus the "whole territory" branch.

    The exact test compares the haversine value `a` (3 cosines, no asin/sqrt/CASE) with a threshold precomputed per
    class, instead of computing the full distance once more in WHERE; degrees are turned into radians by the same
    multiplication as RADIANS() and math.radians(), and the structure's side is computed once in Python."""

    # A RawSQL (rendered by `as_sql` below): Django then puts it in WHERE as is, rather than as "(…) = 1" on
    # SQLite, which would hide the OR branches from SQLite's multi-index OR optimisation.

    def __init__(self, lat: float, lon: float, territory: str):
        super().__init__("", (), output_field=BooleanField())
        # Rounded to 1e-9° (0.1 mm), like `distance_expression`: subnormal inputs make PostgreSQL raise "underflow".
        self.lat, self.lon, self.territory = round(float(lat), 9), round(float(lon), 9), territory
        self.columns = [F("max_distance"), F("territory"), F("latitude"), F("longitude")]

    def get_source_expressions(self):
        return self.columns

    def set_source_expressions(self, exprs):
        self.columns = list(exprs)

    def as_sql(self, compiler, connection):
        (distance, params), (territory, _), (lat, _), (lon, _) = (compiler.compile(c) for c in self.columns)
        assert not params
        haversine, haversine_params = haversine_sql(lat, lon, self.lat, self.lon)
        branches = [f"({distance} = %s AND {territory} = %s)"]
        sql_params = [Distance.FRANCE.value, self.territory]
        for km in DISTANCE_CLASSES:
            min_lat, max_lat, min_lon, max_lon = bounding_box(self.lat, self.lon, km)
            box = f"{lat} >= %s AND {lat} <= %s"
            box_params = [min_lat, max_lat]
            if min_lon <= -180 and max_lon >= 180:
                pass
            elif min_lon < -180:  # the box crosses the antimeridian (Wallis-et-Futuna, Polynésie)
                box += f" AND ({lon} >= %s OR {lon} <= %s)"
                box_params += [min_lon + 360, max_lon]
            elif max_lon > 180:
                box += f" AND ({lon} >= %s OR {lon} <= %s)"
                box_params += [min_lon, max_lon - 360]
            else:
                box += f" AND {lon} >= %s AND {lon} <= %s"
                box_params += [min_lon, max_lon]
            branches.append(f"({distance} = %s AND {territory} = %s AND {box} AND {haversine} <= %s)")
            sql_params += [km, self.territory, *box_params, *haversine_params, haversine_threshold(km)]
        return "(" + " OR ".join(branches) + ")", sql_params


class PkIn(RawSQL):
    """`pk IN ids` with the ids as ONE parameter (a PostgreSQL array, a JSON array on SQLite): no limit on their
    number, one SQL text whatever the list, and the planner sees how many rows it will get (a list of constants),
    unlike a condition it cannot estimate."""

    def __init__(self, ids, column="pk"):
        super().__init__("", (), output_field=BooleanField())
        self.ids = sorted(set(ids))
        self.columns = [F(column)]

    def get_source_expressions(self):
        return self.columns

    def set_source_expressions(self, exprs):
        self.columns = list(exprs)

    def as_sql(self, compiler, connection):
        column, params = compiler.compile(self.columns[0])
        assert not params
        if not self.ids:
            return "1 = 0", []
        if connection.vendor == "postgresql":
            return f"{column} = ANY(%s::bigint[])", [self.ids]
        return f"{column} IN (SELECT value FROM json_each(%s))", [json.dumps(self.ids)]


def pk_in(ids, column="pk") -> Q:
    return Q(PkIn(ids, column))


def distance_classes_condition(lat: float, lon: float, territory: str) -> Q:
    """Candidates of the territory whose own maximum distance covers (lat, lon), exactly."""
    return Q(DistanceClasses(lat, lon, territory))


def held_elsewhere(structure) -> Exists:
    return Exists(
        Match.objects.filter(candidate=OuterRef("pk"), status__in=HOLDING_STATUSES).exclude(
            structure=structure
        )
    )


def live_condition(structure) -> Q:
    """Everything but "not held by another structure", from the structure's own columns."""
    return (
        distance_classes_condition(structure.latitude, structure.longitude, structure.territory)
        & VISIBLE
        & Q(available_from__lte=structure.availability_day)
    )


def matching_candidates(structure, queryset=None):
    """The candidates matching an activated, located structure, annotated with `distance_km`."""
    if not (structure.activated and structure.located):
        return Candidate.objects.none()
    queryset = queryset if queryset is not None else Candidate.objects.all()
    queryset = queryset.filter(live_condition(structure)).exclude(held_elsewhere(structure))
    return annotate_distance(queryset, structure.latitude, structure.longitude).order_by()
