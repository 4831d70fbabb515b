"""Live matching: the candidates a structure sees, straight from the database, complete, no cap.

A candidate matches a structure when they are visible (email confirmed, available, not erased), not held by another
structure, live in the same territory (metropolitan France, or the same overseas territory), are available on the
structure's availability day, and their own maximum distance covers the structure.

The query has one branch per distance class: "max_distance = k AND inside the k-km bounding box", each served by the
(max_distance, territory, latitude, longitude) index, plus the "whole France" branch; then the exact great-circle
distance filters the box corners out. Every row is annotated with `distance_km`.
"""

from django.db.models import Exists, F, OuterRef, Q

from cnfs.candidates.models import DISTANCE_CLASSES, Candidate, Distance
from cnfs.territories.geo import annotate_distance, bounding_box

from .models import HOLDING_STATUSES, Match


def box_condition(lat: float, lon: float, km: float) -> Q:
    min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, km)
    condition = Q(latitude__gte=min_lat, latitude__lte=max_lat)
    if min_lon <= -180 and max_lon >= 180:
        return condition
    if min_lon < -180:  # the box crosses the antimeridian (Wallis-et-Futuna, Polynésie)
        return condition & (Q(longitude__gte=min_lon + 360) | Q(longitude__lte=max_lon))
    if max_lon > 180:
        return condition & (Q(longitude__gte=min_lon) | Q(longitude__lte=max_lon - 360))
    return condition & Q(longitude__gte=min_lon, longitude__lte=max_lon)


def distance_classes_condition(lat: float, lon: float, territory: str) -> Q:
    """One indexed branch per distance class, plus the whole territory for "toute la France"."""
    condition = Q(max_distance=Distance.FRANCE, territory=territory)
    for km in DISTANCE_CLASSES:
        condition |= Q(max_distance=km, territory=territory) & box_condition(lat, lon, km)
    return condition


def exact_distance_condition() -> Q:
    return Q(max_distance=Distance.FRANCE) | Q(distance_km__lte=F("max_distance"))


def held_elsewhere(structure) -> Exists:
    return Exists(
        Match.objects.filter(candidate=OuterRef("pk"), status__in=HOLDING_STATUSES).exclude(
            structure=structure
        )
    )


def live_condition(facts) -> Q:
    """Everything but the exact distance test (which needs the `distance_km` annotation)."""
    return (
        distance_classes_condition(facts.latitude, facts.longitude, facts.territory)
        & Q(erased_at__isnull=True, is_available=True, email_confirmed=True)
        & Q(available_from__lte=facts.availability_day)
    )


def matching_candidates(facts, queryset=None):
    """The candidates matching an activated, located structure, annotated with `distance_km`."""
    if not (facts.activated and facts.located):
        return Candidate.objects.none()
    queryset = queryset if queryset is not None else Candidate.objects.all()
    queryset = annotate_distance(queryset.filter(live_condition(facts)), facts.latitude, facts.longitude)
    return queryset.filter(exact_distance_condition()).exclude(held_elsewhere(facts.structure)).order_by()


def candidate_matches(candidate, facts) -> bool:
    return matching_candidates(facts).filter(pk=candidate.pk).exists()
