"""The demo's places: created by the demo advisors through the real service (journal included), realistic hours the
parser accepts, a shared place, an itinerant one, one off the map; idempotent."""

import pytest
from django.core.management import call_command

from cnfs.activity import hours, standard
from cnfs.activity.models import Place
from cnfs.journal.models import JournalEntry
from cnfs.territories.models import Commune, PostalCode
from tests.recruitment.test_demo import territories  # noqa: F401 — the demo's territories

pytestmark = pytest.mark.django_db


@pytest.fixture
def postal_codes(territories):  # noqa: F811
    for code, postal in [("03190", "03000"), ("03310", "03200"), ("03185", "03100")]:
        PostalCode.objects.create(code=postal, commune=Commune.objects.get(pk=code))


@pytest.mark.usefixtures("postal_codes")
def test_the_demo_advisors_hold_places_written_through_the_service():
    call_command("seed_demo")
    count = Place.objects.count()
    call_command("seed_demo")
    assert Place.objects.count() == count >= 4
    for place in Place.objects.all():
        assert hours.validate_opening_hours(place.opening_hours) == place.opening_hours
        assert place.advisors.exists()
        assert JournalEntry.objects.filter(action="place.created", object_id=str(place.pk)).exists()
        assert not place.visible or place.services
    assert Place.objects.filter(mobility=standard.ITINERANT).exists()
    assert Place.objects.filter(visible=False).exists()
    extra_holders = sum(p.advisors.count() - 1 for p in Place.objects.all())
    assert extra_holders and JournalEntry.objects.filter(action="place.shared").count() == extra_holders
    names = list(Place.objects.values_list("name", flat=True))
    assert len(names) == len(set(names))  # colleagues hold a place together, not two copies of it
