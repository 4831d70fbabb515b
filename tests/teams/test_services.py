"""The team workflow through its services: naming a coordinator, inviting, answering, leaving, removing — the rules
that refuse (not an advisor in post, already in a team, already invited, the coordinator themself, someone else's
invitation), what each step leaves in the journal (ids and statuses, no personal values) and the email to the invited
advisor (a link to their space, no token)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from cnfs.accounts.models import RoleAssignment
from cnfs.accounts.roles import Role
from cnfs.journal.models import JournalEntry
from cnfs.notifications.models import OutgoingEmail
from cnfs.recruitment.models import AdvisorStatus
from cnfs.teams import services
from cnfs.teams.models import MembershipStatus, Team, TeamMembership
from tests.activity.factories import hired_advisor
from tests.factories import UserFactory
from tests.teams.factories import anct, invited, member, named_team

pytestmark = pytest.mark.django_db


def test_naming_a_coordinator_creates_the_team_and_grants_the_role_once():
    advisor, by = hired_advisor(), anct()
    team = services.name_coordinator(advisor, by=by, role=Role.ANCT)
    assert team.coordinator == advisor and team.named_by == by
    user = advisor.candidate.user
    assert RoleAssignment.objects.filter(user=user, role=Role.COORDINATOR).count() == 1
    assert services.name_coordinator(advisor, by=by, role=Role.ANCT) == team  # named twice: one team
    assert Team.objects.count() == 1
    entry = JournalEntry.objects.get(action="team.named")
    assert entry.object_id == str(team.pk) and entry.after == {"coordinator": advisor.pk}
    assert JournalEntry.objects.filter(action="role.granted", after__role=Role.COORDINATOR).count() == 1


def test_only_anct_or_a_structure_names_a_coordinator_and_only_an_advisor_in_post():
    advisor = hired_advisor()
    with pytest.raises(services.TransitionForbidden):
        services.name_coordinator(advisor, by=advisor.candidate.user, role=Role.ADVISOR)
    advisor.status, advisor.post = AdvisorStatus.TERMINATED, None
    advisor.save()
    with pytest.raises(ValidationError, match="plus en poste"):
        services.name_coordinator(advisor, by=anct(), role=Role.ANCT)
    assert not Team.objects.exists()


def test_an_invitation_is_journaled_and_mailed_with_a_link_to_the_advisors_space():
    team = named_team()
    advisor = hired_advisor()
    membership = invited(team, advisor)
    assert membership.status == MembershipStatus.INVITED
    entry = JournalEntry.objects.get(action="team_membership.invite")
    assert entry.after == {"status": "invited", "team": team.pk, "advisor": advisor.pk}
    email = OutgoingEmail.objects.get(
        to=advisor.candidate.user.email, event_key__startswith="team_invitation:"
    )
    assert reverse("teams:advisor") in email.body_text
    assert team.coordinator.candidate.user.full_name in email.body_text
    assert not email.sealed_links  # no token: the advisor answers once logged in


def test_accepting_makes_a_member_and_writes_the_journal():
    team = named_team()
    membership = invited(team)
    user = membership.advisor.candidate.user
    services.act(membership, "accept", by=user, role=Role.ADVISOR)
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.ACTIVE and membership.joined_at is not None
    entry = JournalEntry.objects.get(action="team_membership.accept")
    assert entry.before == {"status": "invited"}
    assert entry.after["status"] == "active" and entry.after["advisor"] == membership.advisor_id
    assert entry.actor_id == user.pk
    assert membership.transitions.filter(name="accept", to_status="active").count() == 1


def test_only_the_invited_advisor_answers():
    membership = invited(named_team())
    someone = hired_advisor().candidate.user
    with pytest.raises(services.TransitionError, match="Seul le conseiller invité"):
        services.act(membership, "accept", by=someone, role=Role.ADVISOR)
    with pytest.raises(services.TransitionForbidden):
        services.act(membership, "accept", by=anct(), role=Role.ANCT)
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.INVITED


def test_an_advisor_already_in_a_team_is_neither_invited_nor_accepts_another():
    advisor = hired_advisor()
    first, second = named_team(), named_team()
    pending = invited(second, advisor)
    member(first, advisor)
    with pytest.raises(services.TransitionError, match="déjà partie d'une équipe"):
        invited(named_team(), advisor)
    with pytest.raises(services.TransitionError, match="déjà partie d'une équipe"):
        services.act(pending, "accept", by=advisor.candidate.user, role=Role.ADVISOR)
    assert TeamMembership.objects.filter(advisor=advisor, status=MembershipStatus.ACTIVE).count() == 1


def test_one_pending_invitation_per_advisor_and_team_and_never_the_coordinator():
    team = named_team()
    advisor = hired_advisor()
    invited(team, advisor)
    with pytest.raises(services.TransitionError, match="déjà une invitation"):
        invited(team, advisor)
    with pytest.raises(services.TransitionError, match="propre équipe"):
        invited(team, team.coordinator)
    assert TeamMembership.objects.count() == 1


def test_the_database_refuses_two_teams_at_once_and_two_pending_invitations():
    team, other = named_team(), named_team()
    advisor = hired_advisor()
    member(team, advisor)
    with pytest.raises(IntegrityError), transaction.atomic():
        TeamMembership.objects.create(
            team=other, advisor=advisor, status=MembershipStatus.ACTIVE, joined_at=team.named_at
        )
    invited(other, hired_advisor())
    pending = TeamMembership.objects.get(team=other)
    with pytest.raises(IntegrityError), transaction.atomic():
        TeamMembership.objects.create(team=other, advisor=pending.advisor, status=MembershipStatus.INVITED)


def test_decline_leave_cancel_and_remove():
    team = named_team()
    declined = invited(team)
    services.act(declined, "decline", by=declined.advisor.candidate.user, role=Role.ADVISOR)
    cancelled = invited(team)
    services.act(cancelled, "cancel", by=anct(), role=Role.ANCT)
    left = member(team)
    services.act(left, "leave", by=left.advisor.candidate.user, role=Role.ADVISOR)
    removed = member(team)
    structure_user = UserFactory(role=Role.STRUCTURE, role__structure=team.coordinator.structure)
    services.act(removed, "remove", by=structure_user, role=Role.STRUCTURE)
    statuses = dict(TeamMembership.objects.values_list("pk", "status"))
    assert statuses == {
        declined.pk: "declined",
        cancelled.pk: "cancelled",
        left.pk: "ended",
        removed.pk: "ended",
    }
    with pytest.raises(services.TransitionError, match="Action impossible"):
        services.act(left, "leave", by=left.advisor.candidate.user, role=Role.ADVISOR)
    actions = set(
        JournalEntry.objects.filter(action__startswith="team_membership.").values_list("action", flat=True)
    )
    assert {f"team_membership.{name}" for name in ("decline", "cancel", "leave", "remove")} <= actions
    # Having left, the advisor can be invited again (into this team or another one).
    invited(team, left.advisor)
