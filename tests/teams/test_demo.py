"""The demo's coordinator and team: the demo coordinator and advisor accounts are advisors recruited the app's way
(a real Advisor record, with places and reports), ANCT named the coordinator, two advisors accepted their invitation
themselves (journal), the demo advisor's waits for her answer; the hub sees advisors in its départements;
idempotent."""

import pytest
from django.core.management import call_command

from cnfs.accounts.context import RoleContext
from cnfs.accounts.roles import Role
from cnfs.activity.advisors import territory_advisors
from cnfs.activity.models import ActivityReport, Place
from cnfs.demo.seed import DEMO_ACCOUNTS
from cnfs.journal.models import JournalEntry
from cnfs.recruitment.models import Advisor, AdvisorStatus
from cnfs.teams.models import MembershipStatus, Team, TeamMembership
from tests.activity.test_demo import postal_codes  # noqa: F401 — the demo places' postal codes
from tests.recruitment.test_demo import territories  # noqa: F401 — the demo's territories

pytestmark = pytest.mark.django_db


def email_of(role):
    return next(account.email for account in DEMO_ACCOUNTS if account.role == role)


class _Request:
    def __init__(self, user):
        self.user, self.session = user, {}


@pytest.mark.usefixtures("postal_codes")
def test_the_demo_coordinator_has_a_record_and_a_team_that_accepted():
    call_command("seed_demo")
    call_command("seed_demo")
    team = Team.objects.select_related("coordinator__candidate__user").get()
    coordinator = team.coordinator
    assert coordinator.candidate.user.email == email_of(Role.COORDINATOR)
    assert coordinator.status == AdvisorStatus.ACTIVE and coordinator.post_id
    user = coordinator.candidate.user
    assert set(user.role_assignments.values_list("role", flat=True)) >= {Role.COORDINATOR, Role.ADVISOR}
    assert user.role_assignments.filter(role=Role.ADVISOR).count() == 1
    members = TeamMembership.objects.filter(team=team, status=MembershipStatus.ACTIVE)
    assert members.count() == 2
    for membership in members:
        entry = JournalEntry.objects.get(action="team_membership.accept", object_id=str(membership.pk))
        assert entry.actor_id == membership.advisor.candidate.user_id
        assert ActivityReport.objects.by(membership.advisor).exists()
    demo_advisor = Advisor.objects.get(candidate__user__email=email_of(Role.ADVISOR))
    assert TeamMembership.objects.get(advisor=demo_advisor).status == MembershipStatus.INVITED
    for advisor in (coordinator, demo_advisor):
        assert Place.objects.held_by(advisor).exists() and ActivityReport.objects.by(advisor).exists()
    # The hub account's list holds advisors of its départements, the team's members among them.
    hub_user = type(user).objects.get(email=email_of(Role.HUB))
    hub = RoleContext(_Request(hub_user))
    listed = set(territory_advisors(hub).values_list("pk", flat=True))
    assert {m.advisor_id for m in members} <= listed and coordinator.pk in listed
