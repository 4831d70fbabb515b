"""The demo's training story, through the real services: three providers, sessions of 7, 8 and 9 registrants,
advisors in every training state, checklists partly done, the demo provider account with real work; idempotent and
accepted by the consistency rules."""

import pytest
from django.core.management import call_command

from cnfs.accounts.models import RoleAssignment
from cnfs.accounts.roles import Role
from cnfs.core.consistency import run_checks
from cnfs.journal.models import JournalEntry
from cnfs.training.models import (
    OnboardingChecklist,
    SessionMode,
    SessionStatus,
    Training,
    TrainingProvider,
    TrainingSession,
    TrainingStatus,
)
from tests.recruitment.test_demo import territories  # noqa: F401 — the demo's territories

pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("territories")
def test_the_demo_tells_a_training_story_that_holds_together():
    call_command("seed_demo")
    counts = [m.objects.count() for m in (Training, TrainingSession, OnboardingChecklist)]
    call_command("seed_demo")
    assert [m.objects.count() for m in (Training, TrainingSession, OnboardingChecklist)] == counts

    assert TrainingProvider.objects.count() == 3
    sessions = {s.registered_count: s for s in TrainingSession.objects.all()}
    assert sorted(sessions) == [7, 8, 9]
    assert (sessions[9].status, sessions[9].mode) == (SessionStatus.CONFIRMED, SessionMode.FACE_TO_FACE)
    assert (sessions[7].status, sessions[7].mode) == (SessionStatus.CONFIRMED, SessionMode.REMOTE)
    assert sessions[8].status == SessionStatus.PLANNED
    demo_provider = RoleAssignment.objects.get(
        role=Role.TRAINING_PROVIDER, user__email__startswith="formation@"
    )
    states = set(
        Training.objects.filter(provider=demo_provider.training_provider).values_list("status", flat=True)
    )
    assert states == {s for s in TrainingStatus.values if s != TrainingStatus.CANCELLED}
    checklists = OnboardingChecklist.objects.all()
    assert checklists.filter(completed_on__isnull=False).exists()
    assert checklists.filter(completed_on__isnull=True).exists()
    # the history is the services' own
    for action in (
        "training.assign",
        "training.assign_path",
        "training_session.confirmed",
        "training.complete",
    ):
        assert JournalEntry.objects.filter(action=action).exists(), action
    assert [r.check.name for r in run_checks() if not r.ok] == []
