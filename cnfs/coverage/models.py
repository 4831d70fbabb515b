"""The distance from each commune to its nearest place of activity visible on the public map (SPEC §13): one row per
commune, computed once (`services.rebuild`, `manage.py compute_coverage`) and kept up to date when a place changes
(`services.refresh`, run by a task after the place's transaction commits). The pages, exports and the préfet's view
of an application read these rows; the white-zone threshold (CNFS_COVERAGE_WHITE_ZONE_KM) is applied when reading,
so that changing it needs no recomputation."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


def white_zone_km() -> float:
    return float(settings.CNFS_COVERAGE_WHITE_ZONE_KM)


def covered_communes():
    """The communes that get a row: current communes with coordinates. Municipal arrondissements are left out: their
    parent commune (Paris, Lyon, Marseille) has a row, and its population already includes theirs."""
    from cnfs.territories.models import Commune, CommuneType

    return Commune.objects.filter(type=CommuneType.COMMUNE, latitude__isnull=False, longitude__isnull=False)


class CommuneCoverageQuerySet(models.QuerySet):
    def white_zone(self, km: float | None = None):
        """Communes farther than `km` (default: the setting) from every visible place, or with no visible place at
        all. A commune exactly at `km` is covered."""
        km = white_zone_km() if km is None else km
        return self.filter(Q(distance_km__isnull=True) | Q(distance_km__gt=km))

    def in_departements(self, departements):
        return self if departements is None else self.filter(commune__departement_id__in=list(departements))


class CommuneCoverage(models.Model):
    commune = models.OneToOneField(
        "territories.Commune",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="coverage",
        verbose_name="commune",
    )
    # SET_NULL: a deleted place leaves its communes with a distance and no place, which `services.refresh`
    # recomputes (queued by the deletion's receiver).
    nearest_place = models.ForeignKey(
        "activity.Place",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="lieu visible le plus proche",
    )
    distance_km = models.FloatField("distance (km)", null=True, blank=True, db_index=True)
    computed_at = models.DateTimeField("calculée le", default=timezone.now)

    objects = CommuneCoverageQuerySet.as_manager()

    class Meta:
        verbose_name = "couverture d'une commune"
        verbose_name_plural = "couverture des communes"
        constraints = [
            models.CheckConstraint(
                condition=Q(distance_km__isnull=True) | Q(distance_km__gte=0),
                name="coverage_distance_positive",
            ),
        ]

    def __str__(self):
        return f"{self.commune_id}: {self.distance_km} km"


class CoverageState(models.Model):
    """One row (pk=1): locked by every computation, so that two of them run one after the other and each reads the
    places and rows the other committed; says when the whole country was last computed."""

    rebuilt_at = models.DateTimeField("dernier calcul complet", null=True, blank=True)
    refreshed_at = models.DateTimeField("dernière mise à jour", null=True, blank=True)

    class Meta:
        verbose_name = "état du calcul de couverture"
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="coverage_state_single_row")]

    def __str__(self):
        return f"couverture calculée le {self.rebuilt_at}"
