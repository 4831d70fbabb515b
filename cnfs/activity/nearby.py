"""The public map's search: the visible places nearest to a point, with their state now.

Each step asks the database for the places within a radius, through the bounding box first (the
(visible, latitude, longitude) index), then the exact haversine distance (`cnfs.territories.geo.within_km`), sorted
by distance and cut at `limit`. The radius widens (5, 15, 40, 100, 250 km) until `limit` places are found, so a
search in a town with many places reads a few rows, and a search in the countryside a few more queries.
"""

from dataclasses import dataclass

from django.utils import timezone

from cnfs.territories.geo import within_km

from . import hours
from .models import Place

RADII_KM = (5, 15, 40, 100, 250)
LIMIT = 20


@dataclass
class NearbyResult:
    places: list
    radius_km: float


def nearest_places(latitude: float, longitude: float, *, limit: int = LIMIT, at=None) -> NearbyResult:
    places = []
    radius = RADII_KM[-1]
    for radius in RADII_KM:
        places = list(
            within_km(Place.objects.public(), latitude, longitude, radius)
            .select_related("commune")
            .order_by("distance_km", "pk")[:limit]
        )
        if len(places) >= limit:
            break
    annotate_open_now(places, at=at)
    return NearbyResult(places=places, radius_km=radius)


def annotate_open_now(places, at=None):
    """Sets `open_now` (True, False, or None without hours) on each place, in its own local time."""
    at = at or timezone.now()
    for place in places:
        place.open_now = hours.is_open(place.opening_hours, place.commune.departement_id, at)
        place.hours_text = hours.describe(place.opening_hours)
    return places
