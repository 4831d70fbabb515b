"""The dashboards' maps: one circle per département (or région) at the population-weighted centre of its communes,
its area proportional to the figure shown. The centres are computed once from the communes and kept
(DepartementCentre); a région's centre is its départements' centres weighted by their population (no query)."""

from django.db import router
from django.db.models import F, FloatField, Sum
from django.db.models.functions import Cast

from cnfs.territories.models import Commune, Departement

from .models import DepartementCentre


def compute_centres() -> int:
    """Computes and keeps every département's centre from its communes with a population and coordinates (one
    GROUP BY, one upsert); returns the number of départements."""
    weight = Cast("population", FloatField())
    rows = (
        Commune.objects.filter(latitude__isnull=False, longitude__isnull=False, population__gt=0)
        .order_by()
        .values("departement_id")
        .annotate(
            people=Sum("population"),
            lat=Sum(F("latitude") * weight, output_field=FloatField()),
            lon=Sum(F("longitude") * weight, output_field=FloatField()),
        )
    )
    centres = [
        DepartementCentre(
            departement_id=row["departement_id"],
            latitude=row["lat"] / row["people"],
            longitude=row["lon"] / row["people"],
            population=row["people"],
        )
        for row in rows
        if row["people"]
    ]
    DepartementCentre.objects.using(router.db_for_write(DepartementCentre)).bulk_create(
        centres,
        update_conflicts=True,
        unique_fields=["departement"],
        update_fields=["latitude", "longitude", "population", "computed_at"],
    )
    return len(centres)


def departement_places(codes=None) -> dict[str, dict]:
    """code → {name, region, region_name, latitude, longitude, population} for these départements (None: all): the
    kept centre, else the département's own point (its chef-lieu) with no population. Computes the centres the first
    time they are needed (an empty table). One query (two, or three the first time)."""
    if not DepartementCentre.objects.exists():
        compute_centres()
    departements = Departement.objects.order_by("code")
    if codes is not None:
        departements = departements.filter(code__in=list(codes))
    rows = departements.values_list(
        "code",
        "name",
        "region_id",
        "region__name",
        "latitude",
        "longitude",
        "centre__latitude",
        "centre__longitude",
        "centre__population",
    )
    return {
        code: {
            "name": name,
            "region": region,
            "region_name": region_name,
            "latitude": centre_lat if centre_lat is not None else lat,
            "longitude": centre_lon if centre_lon is not None else lon,
            "population": population or 0,
        }
        for code, name, region, region_name, lat, lon, centre_lat, centre_lon, population in rows
    }


def region_places(departements: dict[str, dict]) -> dict[str, dict]:
    """code → {name, latitude, longitude, population} of the régions of `departement_places`' answer: the
    population-weighted mean of their départements' centres (an unweighted one when no population is known)."""
    regions = {}
    for place in departements.values():
        region = regions.setdefault(
            place["region"], {"name": place["region_name"], "points": [], "population": 0}
        )
        if place["latitude"] is not None and place["longitude"] is not None:
            region["points"].append((place["latitude"], place["longitude"], place["population"]))
        region["population"] += place["population"]
    answer = {}
    for code, region in regions.items():
        points = region["points"]
        total = sum(weight for _, _, weight in points)
        if not points:
            lat = lon = None
        elif total:
            lat = sum(a * w for a, _, w in points) / total
            lon = sum(b * w for _, b, w in points) / total
        else:
            lat = sum(a for a, _, _ in points) / len(points)
            lon = sum(b for _, b, _ in points) / len(points)
        answer[code] = {
            "name": region["name"],
            "latitude": lat,
            "longitude": lon,
            "population": region["population"],
        }
    return answer
