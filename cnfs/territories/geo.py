"""Great-circle distances, in Python and in SQL, for any model with latitude/longitude columns.

    from cnfs.territories.geo import within_km
    near = within_km(Commune.objects.all(), 48.11, -1.68, 20).order_by("distance_km")

`within_km` first filters on the bounding box (cheap, uses a (latitude, longitude) index), then on the exact
haversine distance computed in SQL, and annotates each row with `distance_km`.
"""

import math

from django.db.models import Expression, F, FloatField, Q

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG)
KM_PER_DEGREE = math.pi * EARTH_RADIUS_KM / 180
RADIANS_PER_DEGREE = math.pi / 180  # exactly what math.radians() and SQL RADIANS() multiply by


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance in km; same formula and order of operations as the SQL expression."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = math.radians(lat2) - math.radians(lat1)
    dlambda = math.radians(lon2) - math.radians(lon1)
    a = (1 - math.cos(dphi)) / 2 + math.cos(phi1) * math.cos(phi2) * (1 - math.cos(dlambda)) / 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lon: float, km: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) containing every point within `km` of (lat, lon).

    Longitudes may fall outside [-180, 180] when the box crosses the antimeridian (see `_box_filter`);
    near the poles the box spans every longitude.
    """
    km = max(km, 0.0)
    dlat = km / KM_PER_DEGREE
    min_lat, max_lat = lat - dlat, lat + dlat
    if min_lat <= -90 or max_lat >= 90:
        return max(min_lat, -90.0), min(max_lat, 90.0), -180.0, 180.0
    # Widest longitude span at the latitude of the box closest to a pole.
    cos_lat = math.cos(math.radians(max(abs(min_lat), abs(max_lat))))
    ratio = math.sin(km / EARTH_RADIUS_KM) / cos_lat if cos_lat > 0 else 2
    if ratio >= 1:
        return min_lat, max_lat, -180.0, 180.0
    dlon = math.degrees(math.asin(ratio))
    # A small margin against rounding: the exact distance filter follows anyway.
    margin = 1e-9
    return min_lat - margin, max_lat + margin, lon - dlon - margin, lon + dlon + margin


def _box_filter(lat, lon, km, lat_field, lon_field) -> Q:
    min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, km)
    q = Q(**{f"{lat_field}__gte": min_lat, f"{lat_field}__lte": max_lat})
    if min_lon <= -180 and max_lon >= 180:
        return q
    if min_lon < -180:  # crosses the antimeridian westwards
        lon_q = Q(**{f"{lon_field}__gte": min_lon + 360}) | Q(**{f"{lon_field}__lte": max_lon})
    elif max_lon > 180:
        lon_q = Q(**{f"{lon_field}__gte": min_lon}) | Q(**{f"{lon_field}__lte": max_lon - 360})
    else:
        lon_q = Q(**{f"{lon_field}__gte": min_lon, f"{lon_field}__lte": max_lon})
    return q & lon_q


def haversine_sql(lat_sql: str, lon_sql: str, lat: float, lon: float) -> tuple[str, list]:
    """SQL of the haversine value `a` between (lat, lon) and the columns `lat_sql`/`lon_sql` (in degrees), with its
    parameters. Same formula and order of operations as `distance_km`.

    The point's side is computed once in Python; the row's degrees become radians by a plain multiplication (the
    same one RADIANS() and math.radians() do), so the database evaluates 3 cosines per row. hav(x) is written
    (1 - cos x) / 2 rather than sin²(x / 2): PostgreSQL raises "underflow" when squaring tiny values."""
    # Rounded to 1e-9° (0.1 mm): subnormal inputs would make PostgreSQL raise "underflow".
    phi1, lambda1 = math.radians(round(float(lat), 9)), math.radians(round(float(lon), 9))
    sql = (
        f"((1.0 - COS(({lat_sql} * %s) - %s)) / 2.0"
        f" + ((%s * COS({lat_sql} * %s)) * (1.0 - COS(({lon_sql} * %s) - %s))) / 2.0)"
    )
    return sql, [RADIANS_PER_DEGREE, phi1, math.cos(phi1), RADIANS_PER_DEGREE, RADIANS_PER_DEGREE, lambda1]


class HaversineDistance(Expression):
    """The great-circle distance in km between a point and the row's latitude/longitude columns (NULL when the row
    has none), rendered as one SQL expression: cheaper to build and compile than the same formula assembled from
    Django's function objects, which matters on list pages built for every request."""

    def __init__(self, lat: float, lon: float, lat_field: str = "latitude", lon_field: str = "longitude"):
        super().__init__(output_field=FloatField())
        self.lat, self.lon = float(lat), float(lon)
        self.columns = [F(lat_field), F(lon_field)]

    def get_source_expressions(self):
        return self.columns

    def set_source_expressions(self, exprs):
        self.columns = list(exprs)

    def as_sql(self, compiler, connection):
        (lat_sql, lat_params), (lon_sql, lon_params) = (compiler.compile(column) for column in self.columns)
        hav, hav_params = haversine_sql(lat_sql, lon_sql, self.lat, self.lon)
        least = "MIN" if connection.vendor == "sqlite" else "LEAST"  # SQLite's scalar MIN() is LEAST()
        sql = (
            f"CASE WHEN {lat_sql} IS NULL OR {lon_sql} IS NULL THEN NULL"
            f" ELSE %s * ASIN({least}(1.0, SQRT({hav}))) END"
        )
        # Column SQL is repeated in the CASE and in `hav`, which is right only because columns carry no parameter.
        assert not lat_params and not lon_params
        return sql, [2 * EARTH_RADIUS_KM, *hav_params]


def distance_expression(lat: float, lon: float, lat_field: str = "latitude", lon_field: str = "longitude"):
    """SQL expression of the haversine distance in km between (lat, lon) and the row's coordinates."""
    return HaversineDistance(lat, lon, lat_field, lon_field)


def annotate_distance(queryset, lat, lon, lat_field="latitude", lon_field="longitude", name="distance_km"):
    """Annotate each row with its distance in km to (lat, lon) (NULL when the row has no coordinates)."""
    return queryset.annotate(**{name: distance_expression(lat, lon, lat_field, lon_field)})


def within_km(queryset, lat, lon, km, lat_field="latitude", lon_field="longitude", name="distance_km"):
    """Rows within `km` of (lat, lon), annotated with `name` (distance in km); rows without coordinates are out."""
    queryset = queryset.filter(_box_filter(float(lat), float(lon), float(km), lat_field, lon_field))
    return annotate_distance(queryset, lat, lon, lat_field, lon_field, name).filter(**{f"{name}__lte": km})
