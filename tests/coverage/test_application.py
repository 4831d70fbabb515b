"""Next to the application the préfet examines: the inhabitants of the white-zone communes within the threshold of
the structure's location."""

import re

import pytest
from django.urls import reverse

from cnfs.accounts.roles import Role
from cnfs.coverage import services
from tests.factories import StructureApplicationFactory, UserFactory

from .conftest import north, place_in

pytestmark = pytest.mark.django_db


def coverage_sentence(client, application) -> str:
    client.force_login(UserFactory(role=Role.PREFECTURE))  # the Allier (03)
    response = client.get(reverse("concertation:detail", args=[application.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    block = html[html.index('id="application-coverage"') :]
    block = block[: block.index("</div>")]
    return " ".join(re.sub(r"<[^>]+>", " ", block).replace("\xa0", " ").split())


def test_the_application_covers_the_white_zone_inhabitants_within_20_km(client, territory, advisor):
    """The only place is at Perdue (60 km north of Origine): around an application at Origine, Origine (1,000
    inhabitants, 0 km) and Proche (2,000, 10 km) are in a white zone and within 20 km; Loin (30 km) is too far."""
    place_in(advisor, territory["perdue"])
    services.rebuild()
    application = StructureApplicationFactory(
        submitted=True, commune=territory["origine"], latitude=north(0), longitude=3.0
    )
    sentence = coverage_sentence(client, application)
    assert (
        "Cette candidature couvre 3 000 habitants aujourd'hui à plus de 20 km de tout lieu d'activité"
        in sentence
    )
    assert "(2 communes en zone blanche à moins de 20 km de la structure)" in sentence


def test_a_commune_exactly_20_km_from_the_structure_counts(client, territory, advisor):
    """Loin (3,000 inhabitants, in a white zone) is 30 km north of Origine: an application 20 km south of Loin (to
    the tenth of a millimetre, on the near side) counts it; one 10 m farther does not."""
    place_in(advisor, territory["origine"])  # Origine and Proche covered; Loin (30 km) and Perdue (60 km) not
    services.rebuild()
    at_20 = StructureApplicationFactory(
        submitted=True, commune=territory["proche"], latitude=north(10.0000001), longitude=3.0
    )
    assert "couvre 3 000 habitants" in coverage_sentence(client, at_20)  # Loin, 20 km away
    beyond = StructureApplicationFactory(
        submitted=True, commune=territory["proche"], latitude=north(9.99), longitude=3.0
    )
    assert "couvre 0 habitant aujourd'hui" in coverage_sentence(client, beyond)


def test_without_a_location_the_page_says_so(client, territory):
    application = StructureApplicationFactory(
        submitted=True, commune=territory["origine"], latitude=None, longitude=None
    )
    territory["origine"].latitude = None
    territory["origine"].save()
    assert "La localisation de la structure n'est pas connue" in coverage_sentence(client, application)
