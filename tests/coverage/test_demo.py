"""The demo computes every commune's distance once its places exist; the consistency rule holds after it."""

import pytest
from django.core.management import call_command

from cnfs.coverage import services
from cnfs.coverage.models import CommuneCoverage, covered_communes
from tests.activity.test_demo import postal_codes  # noqa: F401 — the demo's postal codes
from tests.recruitment.test_demo import territories  # noqa: F401 — the demo's territories

pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("postal_codes")
def test_the_demo_leaves_every_commune_with_its_distance():
    call_command("seed_demo")
    assert CommuneCoverage.objects.count() == covered_communes().count() > 0
    assert CommuneCoverage.objects.filter(distance_km__isnull=False).exists()
    assert services.differences() == []
