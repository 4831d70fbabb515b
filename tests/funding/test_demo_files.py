"""The demo's grant files: every state, written through the real services, and real work in the demo BdT queue."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from cnfs.accounts.models import User
from cnfs.demo.seed import DEMO_DOMAIN
from cnfs.funding.models import ConformityDecision, FileStatus, GrantFile, GrantFileTransition
from cnfs.recruitment.models import MatchStatus
from tests.recruitment.test_demo import territories  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db
TERMINATION = (MatchStatus.TERMINATION_REQUESTED, MatchStatus.TERMINATED)


@pytest.mark.usefixtures("territories")
def test_demo_files_in_every_state_and_work_for_the_demo_bdt(client):
    call_command("seed_demo")
    counts = GrantFile.objects.count(), ConformityDecision.objects.count()
    call_command("seed_demo")
    assert (GrantFile.objects.count(), ConformityDecision.objects.count()) == counts
    statuses = set(GrantFile.objects.values_list("status", flat=True))
    assert {FileStatus.DRAFT, FileStatus.TRANSMITTED, FileStatus.NOT_CONFORM, FileStatus.CONFORM} <= statuses
    for grant_file in GrantFile.objects.filter(status=FileStatus.CONFORM):
        assert grant_file.match.status in (MatchStatus.HIRED, *TERMINATION)
    assert GrantFileTransition.objects.filter(name="transmit").exists()
    bdt = User.objects.get(email=f"bdt@{DEMO_DOMAIN}")
    client.force_login(bdt)
    response = client.get(reverse("funding:queue"))
    files = list(response.context["page"].object_list)
    assert len(files) >= 2
    assert any(f.days_left < 0 for f in files), "an overdue file"
