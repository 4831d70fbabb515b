import pytest
from django.core.management import call_command
from django.utils import timezone

from cnfs.concertation.models import ApplicationStatus, ApplicationTransition, StructureApplication, Wave
from cnfs.journal.models import JournalEntry
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


def test_the_demo_journals_every_transition_it_made_at_the_moment_it_made_it(territories):
    """The demo goes through the real workflows: each logged transition has its journal entry, at the same moment,
    by the same actor, and the stories lie in the past."""
    call_command("seed_demo")
    logs = list(ApplicationTransition.objects.all())
    assert len(logs) > 100
    assert {log.name for log in logs} >= {
        "create",
        "submit",
        "give_opinion",
        "accept",
        "refuse",
        "ask_further_examination",
        "activate",
        "abandon",
        "cancel",
        "mark_duplicate",
    }
    entries = {
        (e.object_id, e.action, e.created_at, e.actor_id)
        for e in JournalEntry.objects.filter(object_type="concertation.structureapplication")
    }
    for log in logs:
        assert (str(log.application_id), f"application.{log.name}", log.at, log.by_id) in entries, log
    assert len(entries) == len(logs)
    assert max(log.at for log in logs) < timezone.now()
    assert JournalEntry.objects.filter(action="wave.created").count() == Wave.objects.count() == 2
    # Every application's history starts at its creation.
    first_steps = {a.transitions.first().name for a in StructureApplication.objects.all()}
    assert first_steps == {"create"}
