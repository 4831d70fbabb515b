import pytest
from django.core.management import call_command

from cnfs.concertation.models import ApplicationStatus, StructureApplication
from cnfs.structures.models import Structure
from tests.factories import CommuneFactory, DepartementFactory, RegionFactory


@pytest.fixture
def territories(db):
    region = RegionFactory()
    for code, name in [("03", "Allier"), ("15", "Cantal"), ("43", "Haute-Loire"), ("63", "Puy-de-Dôme")]:
        DepartementFactory(code=code, name=name, region=region)
    rhone = DepartementFactory(code="69", name="Rhône", region=region)
    CommuneFactory()
    CommuneFactory(insee_code="03310", name="Vichy")
    CommuneFactory(insee_code="69123", name="Lyon", departement=rhone)


def test_seed_demo_adds_applications_in_every_status_and_is_idempotent(territories):
    call_command("seed_demo")
    counts = (StructureApplication.objects.count(), Structure.objects.count())
    call_command("seed_demo")
    assert (StructureApplication.objects.count(), Structure.objects.count()) == counts
    assert counts[0] >= 60
    statuses = set(StructureApplication.objects.values_list("status", flat=True))
    # An application waits for a wave only while none is open; the demo has one open today.
    assert statuses == set(ApplicationStatus) - {
        ApplicationStatus.ACCEPTED,
        ApplicationStatus.WAITING_FOR_WAVE,
    }
    assert {"03", "69"} <= set(StructureApplication.objects.values_list("departement", flat=True))
    moulins = StructureApplication.objects.get(contact_email="structure@demo.conseiller-numerique.fr")
    assert moulins.status == ApplicationStatus.ACTIVATED and moulins.posts_granted() == 2
