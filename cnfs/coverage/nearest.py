"""Nearest point among thousands, for tens of thousands of queries, in plain Python: a grid of latitude/longitude
cells searched ring by ring from the query's cell, with the exact haversine distance of cnfs.territories.geo.

    index = GridIndex([(place_id, lat, lon), …])
    index.nearest(lat, lon)  # (place_id, distance_km) or None when the index is empty

After the rings up to r around the query's cell, every point not yet seen lies more than r cells away in latitude or
in longitude, so it is at least `_ring_bound(r)` km away (below); the search stops as soon as the best distance found
is within that bound. Longitudes wrap around (Wallis-et-Futuna and Polynesia sit on either side of the antimeridian);
a query far from every point (a lone overseas commune) ends with a plain scan over all points."""

import math
from collections import defaultdict

from cnfs.territories.geo import EARTH_RADIUS_KM, distance_km

CELL_DEGREES = 0.1  # ~11 km of latitude, ~7 km of longitude in metropolitan France; divides 360
MAX_RINGS = 40  # beyond this many rings around the query, scan every point


class GridIndex:
    def __init__(self, points, cell_degrees: float = CELL_DEGREES):
        self.cell = cell_degrees
        self.columns = round(360 / cell_degrees)
        self.points = [(key, float(lat), float(lon)) for key, lat, lon in points]
        self.cells = defaultdict(list)
        max_lat = 0.0
        for key, lat, lon in self.points:
            phi = math.radians(lat)
            self.cells[self._cell(lat, lon)].append((key, lat, lon, phi, math.radians(lon), math.cos(phi)))
            max_lat = max(max_lat, abs(lat))
        self.max_lat = max_lat

    def _cell(self, lat, lon):
        return math.floor(lat / self.cell), math.floor(lon / self.cell) % self.columns

    def _outside_bound(self, rings: int, lat: float, lon: float, row: int, column: int) -> float:
        """A distance (km) below which no point outside the block of cells within `rings` of (row, column) lies.
        Such a point is beyond the block's edge in latitude (distance ≥ R·Δφ) or in longitude while within one
        cell of the block's latitudes (hav(d) ≥ cos φ1·cos φ2·hav(Δλ), φ2 at most the block's farthest latitude)."""
        cell = self.cell
        d_lat = min(lat - (row - rings) * cell, (row + rings + 1) * cell - lat)
        by_latitude = EARTH_RADIUS_KM * math.radians(d_lat)
        d_lon = (
            min(lon - math.floor(lon / cell) * cell, (math.floor(lon / cell) + 1) * cell - lon) + rings * cell
        )
        farthest = min(90.0, abs(lat) + (rings + 1) * cell)
        cosines = math.cos(math.radians(lat)) * math.cos(math.radians(farthest))
        if d_lon >= 180 or cosines <= 0:
            return by_latitude
        hav_lon = math.sin(math.radians(d_lon) / 2) ** 2
        by_longitude = 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(cosines * hav_lon)))
        return min(by_latitude, by_longitude)

    def nearest(self, lat: float, lon: float):
        """(key, distance in km) of the nearest point, the smallest key among equals; None without points."""
        if not self.points:
            return None
        lat, lon = float(lat), float(lon)
        phi1, lambda1 = math.radians(lat), math.radians(lon)
        cos1 = math.cos(phi1)
        row, column = self._cell(lat, lon)
        best_a, best_key, best = 2.0, None, None
        best_angle = math.pi
        cells = self.cells
        cos, asin, sqrt = math.cos, math.asin, math.sqrt
        for rings in range(MAX_RINGS + 1):
            for cell in self._ring(row, column, rings):
                for key, plat, plon, phi2, lambda2, cos2 in cells.get(cell, ()):
                    if (
                        abs(phi2 - phi1) > best_angle
                    ):  # farther in latitude alone than the best: skip the cosines
                        continue
                    # distance_km's haversine term, same operations: the order of candidates is that of distance_km
                    a = (1 - cos(phi2 - phi1)) / 2 + cos1 * cos2 * (1 - cos(lambda2 - lambda1)) / 2
                    if a < best_a or (a == best_a and key < best_key):
                        best_a, best_key, best = a, key, (plat, plon)
                        best_angle = 2 * asin(min(1.0, sqrt(a)))
            if best is not None and EARTH_RADIUS_KM * best_angle <= self._outside_bound(
                rings, lat, lon, row, column
            ):
                return best_key, distance_km(lat, lon, *best)
        return self.brute_force(lat, lon)

    def _ring(self, row, column, rings):
        if rings == 0:
            yield row, column
            return
        columns = self.columns
        for d_column in range(-rings, rings + 1):
            yield row - rings, (column + d_column) % columns
            yield row + rings, (column + d_column) % columns
        for d_row in range(-rings + 1, rings):
            yield row + d_row, (column - rings) % columns
            yield row + d_row, (column + rings) % columns

    def brute_force(self, lat: float, lon: float):
        """The nearest point by scanning them all (the reference the grid search is checked against)."""
        best = None
        for key, plat, plon in self.points:
            distance = distance_km(lat, lon, plat, plon)
            if best is None or distance < best[1] or (distance == best[1] and key < best[0]):
                best = (key, distance)
        return best
