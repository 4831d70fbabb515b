"""Computing and keeping the communes' distance to the nearest visible place (models.CommuneCoverage).

- `rebuild()` computes every commune (about 35,000) against every place visible on the public map, in one
  transaction: `manage.py compute_coverage`, the demo, and the self-repair of `refresh` when rows are missing.
- `refresh(place_ids)` recomputes only the communes a change of these places can affect: those whose nearest place
  was one of them (it moved, was hidden, deleted, or lost its last advisor in post), those that had a place deleted
  under them, and those that one of them, visible now, is nearer to than their stored nearest place (or as near).

Both lock the single CoverageState row first: two computations run one after the other, and the second reads what
the first wrote (and every place committed before it started), so the incremental path gives the rebuild's rows.
"""

import logging
import time

from django.db import connection, transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from cnfs.activity.models import Place
from cnfs.territories.geo import HaversineDistance, within_km

from .models import CommuneCoverage, CoverageState, covered_communes, white_zone_km
from .nearest import GridIndex

logger = logging.getLogger(__name__)
BATCH = 2000
# A place at the same distance as a commune's stored one (to the float's last bits, whichever database computed it)
# is recomputed too: among equals, the nearest is the smallest id, as in the rebuild.
TIE_KM = 1e-6


def visible_places() -> list[tuple[int, float, float]]:
    """(id, latitude, longitude) of the places the public map shows."""
    return list(Place.objects.public().order_by("pk").values_list("pk", "latitude", "longitude"))


def _lock_state() -> CoverageState:
    CoverageState.objects.get_or_create(pk=1)
    return CoverageState.objects.select_for_update().get(pk=1)


def compute(communes, index: GridIndex) -> list[tuple]:
    """(insee_code, nearest place id, distance km) for (insee_code, latitude, longitude) triples (no query)."""
    rows = []
    nearest = index.nearest
    for insee_code, lat, lon in communes:
        found = nearest(lat, lon)
        rows.append((insee_code, *found) if found else (insee_code, None, None))
    return rows


def rebuild() -> int:
    """Recomputes every commune; returns the number of rows written."""
    with transaction.atomic():
        state = _lock_state()
        now = timezone.now()
        started = time.perf_counter()
        index = GridIndex(visible_places())
        communes = list(covered_communes().order_by("pk").values_list("pk", "latitude", "longitude"))
        read = time.perf_counter()
        rows = compute(communes, index)
        computed = time.perf_counter()
        CommuneCoverage.objects.all().delete()
        _insert(rows, now)
        state.rebuilt_at = state.refreshed_at = now
        state.save(update_fields=["rebuilt_at", "refreshed_at"])
    logger.info(
        "coverage rebuilt: %s communes, %s visible places; read %.2f s, computed %.2f s, written %.2f s",
        len(rows),
        len(index.points),
        read - started,
        computed - read,
        time.perf_counter() - computed,
    )
    return len(rows)


def _insert(rows: list[tuple], now) -> None:
    """Writes new rows: PostgreSQL's COPY (one statement for the whole country), else INSERTs in batches."""
    if connection.vendor != "postgresql":
        CommuneCoverage.objects.bulk_create(
            (
                CommuneCoverage(
                    commune_id=insee, nearest_place_id=place, distance_km=distance, computed_at=now
                )
                for insee, place, distance in rows
            ),
            batch_size=BATCH,
        )
        return
    table = CommuneCoverage._meta.db_table
    columns = ("commune_id", "nearest_place_id", "distance_km", "computed_at")
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row((*row, now))


def _complete() -> bool:
    """Every covered commune has its row (and no other commune has one)."""
    return CommuneCoverage.objects.count() == covered_communes().count()


def refresh(place_ids) -> int:
    """Recomputes the communes a change of these places can affect; returns how many rows changed. Rebuilds
    everything when rows are missing (never computed yet, or communes imported since)."""
    place_ids = sorted({int(pk) for pk in place_ids})
    with transaction.atomic():
        state = _lock_state()
        if not _complete():
            return rebuild()
        places = visible_places()
        index = GridIndex(places)
        now = timezone.now()
        affected = Q(nearest_place_id__in=place_ids) | Q(
            nearest_place__isnull=True, distance_km__isnull=False
        )
        for pk, lat, lon in places:
            if pk in place_ids:
                nearer = CommuneCoverage.objects.annotate(
                    to_place=HaversineDistance(lat, lon, "commune__latitude", "commune__longitude")
                ).filter(Q(distance_km__isnull=True) | Q(distance_km__gte=F("to_place") - TIE_KM))
                affected |= Q(pk__in=nearer.values("pk"))
        if not index.points:  # no visible place left: every commune has none
            affected = Q()
        current = {
            row.pk: row
            for row in CommuneCoverage.objects.filter(affected)
            .select_related("commune")
            .only("pk", "nearest_place_id", "distance_km", "commune__latitude", "commune__longitude")
        }
        changed = []
        for row in current.values():
            found = index.nearest(row.commune.latitude, row.commune.longitude)
            place_id, distance = found if found else (None, None)
            if (place_id, distance) != (row.nearest_place_id, row.distance_km):
                row.nearest_place_id, row.distance_km, row.computed_at = place_id, distance, now
                changed.append(row)
        CommuneCoverage.objects.bulk_update(
            changed, ["nearest_place", "distance_km", "computed_at"], batch_size=BATCH
        )
        state.refreshed_at = now
        state.save(update_fields=["refreshed_at"])
    return len(changed)


def differences(limit: int | None = None) -> list[str]:
    """The communes whose stored row differs from a fresh computation (missing, extra, other place or distance):
    the consistency rule. Distances are compared to 1 m (the database may round the last bits of a float)."""
    index = GridIndex(visible_places())
    stored = {
        pk: (place, distance)
        for pk, place, distance in CommuneCoverage.objects.values_list(
            "pk", "nearest_place_id", "distance_km"
        )
    }
    wrong = []
    for insee_code, lat, lon in covered_communes().values_list("pk", "latitude", "longitude").iterator(2000):
        expected = index.nearest(lat, lon) or (None, None)
        found = stored.pop(insee_code, "missing")
        if found == "missing" or not _same(found, expected):
            wrong.append(insee_code)
    wrong.extend(stored)  # rows of communes that should have none
    return sorted(wrong)[:limit] if limit else sorted(wrong)


def _same(found, expected) -> bool:
    (place, distance), (expected_place, expected_distance) = found, expected
    if distance is None or expected_distance is None:
        return distance is None and expected_distance is None and place is None and expected_place is None
    # Two places at the same distance: either is the nearest.
    return abs(distance - expected_distance) < 1e-3 and (place == expected_place or place is not None)


# --- readers ----------------------------------------------------------------------------------------------------------


def white_zone_population_near(latitude, longitude, km: float | None = None) -> tuple[int, int]:
    """(communes, inhabitants) in white zone whose centre is within `km` (default: the threshold) of a point — what
    an application at that point would cover."""
    km = white_zone_km() if km is None else km
    communes = within_km(
        covered_communes().filter(pk__in=CommuneCoverage.objects.white_zone(km).values("pk")),
        latitude,
        longitude,
        km,
    )
    totals = communes.aggregate(communes=Count("pk"), population=Sum("population"))
    return totals["communes"], totals["population"] or 0
