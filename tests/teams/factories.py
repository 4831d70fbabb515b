"""Teams made through the real services: a coordinator named by ANCT, advisors invited and accepting."""

from cnfs.accounts.roles import Role
from cnfs.teams import services
from tests.activity.factories import hired_advisor
from tests.factories import UserFactory


def anct():
    return UserFactory(role=Role.ANCT)


def named_team(coordinator=None, *, by=None):
    """A team whose coordinator (an advisor in post) was named by ANCT."""
    return services.name_coordinator(coordinator or hired_advisor(), by=by or anct(), role=Role.ANCT)


def invited(team, advisor=None, *, by=None):
    return services.invite(team, advisor or hired_advisor(), by=by or anct(), role=Role.ANCT)


def member(team, advisor=None):
    """An advisor who accepted the team's invitation."""
    membership = invited(team, advisor)
    return services.act(membership, "accept", by=membership.advisor.candidate.user, role=Role.ADVISOR)
