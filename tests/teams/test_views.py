"""The team pages over every role: ANCT and the coordinator's structure manage the team (another structure: 404),
the invited advisor answers from their space (someone else's invitation: 404), the coordinator sees their team and
its activity through the same scoped queries as the statistics page — and only their team."""

import html

import pytest
from django.urls import reverse

from cnfs.accounts.roles import Role
from cnfs.journal.models import JournalEntry
from cnfs.teams.models import MembershipStatus, Team, TeamMembership
from tests.activity.factories import hired_advisor, make_report
from tests.factories import UserFactory
from tests.permissions import body
from tests.teams.factories import invited, member, named_team

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(db):
    return named_team()


@pytest.fixture
def matrix(role_matrix, users_by_role, team):
    """The structure agent belongs to the coordinator's structure; the coordinator and advisor are real advisors."""
    users_by_role[Role.STRUCTURE] = UserFactory(
        role=Role.STRUCTURE, role__structure=team.coordinator.structure
    )
    users_by_role[Role.COORDINATOR] = team.coordinator.candidate.user
    return role_matrix


def text(response) -> str:
    return html.unescape(response.content.decode())


def acting_as(client, user, role):
    """Logs in `user` with `role` as the current role (a coordinator is also an advisor)."""
    from cnfs.accounts.context import SESSION_KEY

    client.force_login(user)
    session = client.session
    session[SESSION_KEY] = user.role_assignments.get(role=role).pk
    session.save()


def test_permission_matrix_of_the_team_pages(matrix, team):
    matrix.check(reverse("teams:list"), {Role.ANCT, Role.STRUCTURE})
    matrix.check(reverse("teams:detail", args=[team.pk]), {Role.ANCT, Role.STRUCTURE})
    matrix.check(reverse("teams:mine"), {Role.COORDINATOR})
    matrix.check(reverse("teams:advisor"), {Role.ADVISOR})
    matrix.check(reverse("activity:team_report_csv"), {Role.COORDINATOR})
    matrix.check(reverse("activity:team_report_xlsx"), {Role.COORDINATOR})


def test_another_structure_does_not_see_the_team(client, team):
    client.force_login(UserFactory(role=Role.STRUCTURE))
    assert client.get(reverse("teams:detail", args=[team.pk])).status_code == 404
    assert team.coordinator.candidate.user.full_name not in client.get(reverse("teams:list")).content.decode()


def test_membership_actions_by_role(client, users_by_role, team):
    membership = invited(team)
    url = reverse("teams:membership_action", args=[membership.pk, "accept"])
    for role, user in users_by_role.items():
        client.force_login(user)
        expected = 404 if role in (Role.ANCT, Role.STRUCTURE, Role.ADVISOR) else 403
        # ANCT may not accept for the advisor (not its action), another structure and another advisor don't see it.
        assert client.post(url).status_code == expected, role
    assert client.get(url).status_code in (403, 405)
    client.logout()
    assert client.post(url).status_code == 302
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.INVITED


def test_the_structure_names_its_advisor_and_invites_another_the_advisor_accepts(client, team):
    structure = team.coordinator.structure
    agent = UserFactory(role=Role.STRUCTURE, role__structure=structure)
    client.force_login(agent)
    colleague = hired_advisor(structure)  # a second advisor of the structure (its factory grants two posts)
    response = client.post(reverse("teams:list"), {"email": colleague.candidate.user.email.upper()})
    new_team = Team.objects.get(coordinator=colleague)
    assert response.status_code == 302 and response["Location"] == reverse("teams:detail", args=[new_team.pk])
    outsider = hired_advisor()
    response = client.post(reverse("teams:detail", args=[team.pk]), {"email": outsider.candidate.user.email})
    assert response.status_code == 302
    membership = TeamMembership.objects.get(team=team, advisor=outsider)
    client.force_login(outsider.candidate.user)
    page = client.get(reverse("teams:advisor")).content.decode()
    assert (
        "Accepter l'invitation" in html.unescape(page) and team.coordinator.candidate.user.full_name in page
    )
    response = client.post(reverse("teams:membership_action", args=[membership.pk, "accept"]), follow=True)
    assert "Vous avez rejoint l'équipe." in text(response)
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.ACTIVE
    # Accepting again (a second click): refused with a message, nothing changes.
    response = client.post(reverse("teams:membership_action", args=[membership.pk, "accept"]), follow=True)
    assert "Action impossible" in text(response)
    assert JournalEntry.objects.filter(action="team_membership.accept").count() == 1


def test_a_structure_names_only_its_own_advisors(client, team):
    client.force_login(UserFactory(role=Role.STRUCTURE, role__structure=team.coordinator.structure))
    outsider = hired_advisor()
    response = client.post(reverse("teams:list"), {"email": outsider.candidate.user.email})
    assert response.status_code == 200
    assert "pas un conseiller numérique de votre structure" in text(response)
    assert not Team.objects.filter(coordinator=outsider).exists()


@pytest.mark.parametrize(
    "email",
    [
        "personne@exemple.fr",
        "pas-une-adresse",
        "a\x00b@exemple.fr",
        "\x1b[31m@exemple.fr",
        "x" * 300 + "@exemple.fr",
    ],
)
def test_inviting_someone_who_is_not_an_advisor_is_refused_next_to_the_field(client, team, email):
    UserFactory(email="personne@exemple.fr")  # an account, but no advisor
    client.force_login(UserFactory(role=Role.ANCT))
    response = client.post(reverse("teams:detail", args=[team.pk]), {"email": email})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["email"]
    if email.isprintable():
        assert form.data["email"] == email  # the input kept (a NUL is taken out by the project's forms)
    assert not TeamMembership.objects.exists()


def test_inviting_an_advisor_already_in_a_team_is_refused_next_to_the_field(client, team):
    advisor = hired_advisor()
    member(named_team(), advisor)
    client.force_login(UserFactory(role=Role.ANCT))
    response = client.post(reverse("teams:detail", args=[team.pk]), {"email": advisor.candidate.user.email})
    assert "fait déjà partie d'une équipe" in response.context["form"].errors["email"][0]
    assert not TeamMembership.objects.filter(team=team).exists()


def test_the_coordinator_sees_their_team_and_its_activity_only(client, team):
    first, second, outsider = hired_advisor(), hired_advisor(), hired_advisor()
    member(team, first)
    member(team, second)
    leaving = member(team)
    invited(team)  # pending: not a member yet
    make_report(first, participants=1)
    make_report(first, participants=1)
    make_report(second, participants=1)
    make_report(outsider)
    make_report(team.coordinator)  # their own: in their advisor space, not the team's
    make_report(leaving.advisor)
    from cnfs.teams import services

    services.act(leaving, "leave", by=leaving.advisor.candidate.user, role=Role.ADVISOR)
    user = team.coordinator.candidate.user
    acting_as(client, user, Role.COORDINATOR)
    response = client.get(reverse("teams:mine"))
    rows = {membership.advisor_id: figures.recent_reports for membership, figures in response.context["rows"]}
    assert rows == {first.pk: 2, second.pk: 1}
    stats = client.get(reverse("activity:scope_stats")).context["stats"]
    assert stats.reports == 3
    assert client.get(reverse("activity:scope_stats_export")).status_code == 200
    csv = body(client.get(reverse("activity:team_report_csv"))).decode("utf-8-sig").strip().splitlines()
    assert len(csv) == 4 and csv[0].startswith("Conseiller;Date")
    assert sorted(line.split(";")[0] for line in csv[1:]) == sorted(
        [first.candidate.user.full_name] * 2 + [second.candidate.user.full_name]
    )
    # Acting as an advisor, the coordinator reaches only their own reports: a member's report is a 404.
    acting_as(client, user, Role.ADVISOR)
    report = first.activity_reports.first()
    assert client.get(reverse("activity:report_edit", args=[report.pk])).status_code == 404


def test_visible_to_for_a_coordinator_without_an_advisor_record_is_empty(client):
    make_report(hired_advisor())
    client.force_login(UserFactory(role=Role.COORDINATOR))
    assert client.get(reverse("activity:scope_stats")).context["stats"].reports == 0
    assert client.get(reverse("teams:mine")).context["team"] is None
