"""A hand-made territory along the meridian 3° E in the Allier (03): communes at known distances north of the place
of activity's commune (Origine), two EPCI, and one advisor in post whose places are written by the real service."""

import pytest

from cnfs.territories.geo import KM_PER_DEGREE
from cnfs.territories.models import Epci
from tests.activity.factories import hired_advisor, make_place
from tests.factories import CommuneFactory, DepartementFactory

ORIGIN_LAT, LON = 46.0, 3.0


def north(km: float) -> float:
    """The latitude `km` north of Origine on the same meridian (a meridian arc: the haversine distance is that)."""
    return ORIGIN_LAT + km / KM_PER_DEGREE


def commune(insee, name, km, population, *, epci=None, departement=None, lon=LON):
    return CommuneFactory(
        insee_code=insee,
        name=name,
        latitude=north(km),
        longitude=lon,
        population=population,
        epci=epci,
        departement=departement or DepartementFactory(),
    )


@pytest.fixture
def territory(db):
    """Origine (0 km, 1,000 inhabitants), Proche (10 km, 2,000), Loin (30 km, 3,000), Perdue (60 km, 4,000);
    Origine and Proche in the CC du Sud, Loin and Perdue in the CC du Nord. Moulins (the advisor's structure's
    commune, 19,000 inhabitants) is about 63 km away."""
    south = Epci.objects.create(siren="200000001", name="CC du Sud", population=3000)
    northern = Epci.objects.create(siren="200000002", name="CC du Nord", population=7000)
    return {
        "origine": commune("03001", "Origine", 0, 1000, epci=south),
        "proche": commune("03002", "Proche", 10, 2000, epci=south),
        "loin": commune("03003", "Loin", 30, 3000, epci=northern),
        "perdue": commune("03004", "Perdue", 60, 4000, epci=northern),
        "moulins": CommuneFactory(),
        "sud": south,
        "nord": northern,
    }


@pytest.fixture
def advisor(territory):
    return hired_advisor()


def place_in(advisor, commune, **values):
    """A place written by the real service (the offline geocoder puts it at the commune's centre)."""
    return make_place(
        advisor,
        commune=commune,
        name=values.pop("name", f"Lieu de {commune.name}"),
        postal_code="03000",
        **values,
    )
