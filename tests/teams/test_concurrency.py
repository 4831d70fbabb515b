"""Races on PostgreSQL, with real concurrent transactions: an advisor accepting two teams' invitations at the same
instant joins exactly one; the same invitation accepted twice at once (a double click reaching two workers) makes one
membership and one journal entry."""

import pytest

from cnfs.accounts.roles import Role
from cnfs.journal.models import JournalEntry
from cnfs.teams import services
from cnfs.teams.models import MembershipStatus, TeamMembership
from tests.activity.factories import hired_advisor
from tests.concurrency import APPS_BUT_JOURNAL, outcomes, race
from tests.teams.factories import invited, named_team

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, available_apps=APPS_BUT_JOURNAL),
    pytest.mark.usefixtures("_journal_cleanup"),
]


def accept(membership):
    return lambda: services.act(membership, "accept", by=membership.advisor.candidate.user, role=Role.ADVISOR)


def test_two_teams_invitations_accepted_at_once_make_one_membership():
    advisor = hired_advisor()
    first, second = invited(named_team(), advisor), invited(named_team(), advisor)
    results = race(accept(first), accept(second))
    assert outcomes(results, services.TransitionError) == ["ok", "refused"]
    assert TeamMembership.objects.filter(advisor=advisor, status=MembershipStatus.ACTIVE).count() == 1
    assert TeamMembership.objects.filter(advisor=advisor, status=MembershipStatus.INVITED).count() == 1


def test_the_same_invitation_accepted_twice_at_once_is_accepted_once():
    membership = invited(named_team())
    results = race(accept(membership), accept(membership))
    assert outcomes(results, services.TransitionError) == ["ok", "refused"]
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.ACTIVE
    assert (
        JournalEntry.objects.filter(action="team_membership.accept", object_id=str(membership.pk)).count()
        == 1
    )
