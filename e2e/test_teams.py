"""Issue 11 §5 journey: ANCT invites an advisor into the demo coordinator's team, the advisor accepts from their
space, the coordinator sees them in "Mon équipe de conseillers" and their reports in the team's statistics; the hub
lists the advisors of its départements. axe-core clean on every page."""

import re

import pytest
from playwright.sync_api import expect

from cnfs.demo.seed import DEMO_DOMAIN, DEMO_PASSWORD
from e2e.conftest import assert_accessible, follow_menu
from e2e.test_invitation import login

pytestmark = pytest.mark.e2e


def _an_advisor_outside_the_team():
    """An advisor the demo hired in the Allier, in no team; demo candidates have no password, so this one is given
    the demo's."""
    from cnfs.recruitment.models import Advisor, AdvisorStatus

    advisor = (
        Advisor.objects.filter(status=AdvisorStatus.ACTIVE, structure__departement_id="03")
        .exclude(team_memberships__status__in=["active", "invited"])
        .exclude(candidate__user__email__endswith=f"@{DEMO_DOMAIN}")
        .select_related("candidate__user")
        .order_by("pk")
        .first()
    )
    user = advisor.candidate.user
    user.set_password(DEMO_PASSWORD)
    user.save(update_fields=["password"])
    return advisor


def logout(page):
    page.get_by_role("button", name="Se déconnecter").click()


def test_anct_invites_the_advisor_accepts_and_the_coordinator_sees_the_teams_statistics(page, demo_data):
    from cnfs.activity.models import ActivityReport
    from cnfs.teams.models import Team

    team = Team.objects.select_related("coordinator__candidate__user").get()
    coordinator = team.coordinator.candidate.user
    advisor = _an_advisor_outside_the_team()
    name = advisor.candidate.user.full_name
    team_reports = ActivityReport.objects.filter(
        advisor__team_memberships__team=team, advisor__team_memberships__status="active"
    ).count()
    theirs = ActivityReport.objects.by(advisor).count()
    assert theirs > 0

    # 1. ANCT opens the coordinator's team and invites the advisor; a wrong address first: a message by the field.
    login(page, f"anct@{DEMO_DOMAIN}")
    follow_menu(page, "Coordinateurs et équipes", "Conseillers")
    expect(page.get_by_role("heading", level=1)).to_have_text("Coordinateurs et équipes")
    assert_accessible(page, "equipes-liste")
    page.get_by_role("link", name=coordinator.full_name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Équipe de {coordinator.full_name}")
    assert_accessible(page, "equipe-detail")
    field = page.get_by_label("Adresse électronique du conseiller à inviter")
    field.fill("personne@exemple.fr")
    page.get_by_role("button", name="Envoyer l'invitation").click()
    expect(page.locator(".fr-message--error")).to_have_text(
        "Aucun conseiller numérique en poste n'a cette adresse électronique."
    )
    expect(field).to_have_value("personne@exemple.fr")
    assert_accessible(page, "equipe-invitation-erreur")
    field.fill(advisor.candidate.user.email)
    page.get_by_role("button", name="Envoyer l'invitation").click()
    expect(page.get_by_text("L'invitation est envoyée")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile(re.escape(name)))).to_contain_text("Invitation en attente")
    logout(page)

    # 2. The advisor accepts from their space.
    login(page, advisor.candidate.user.email)
    page.get_by_role("link", name="Mon équipe de coordination").first.click()
    expect(page.get_by_role("heading", level=2)).to_contain_text(f"Équipe de {coordinator.full_name}")
    assert_accessible(page, "conseiller-invitation")
    page.get_by_role("button", name="Accepter l'invitation").click()
    expect(page.get_by_text("Vous avez rejoint l'équipe.")).to_be_visible()
    expect(page.get_by_role("button", name="Quitter l'équipe")).to_be_visible()
    assert_accessible(page, "conseiller-equipe")
    logout(page)

    # 3. The coordinator sees the new member and the team's statistics, now with the member's reports.
    login(page, coordinator.email)
    page.get_by_role("link", name="Mon équipe de conseillers").first.click()
    expect(page.get_by_role("row", name=re.compile(re.escape(name)))).to_be_visible()
    assert_accessible(page, "coordinateur-equipe")
    page.get_by_role("link", name="Statistiques de l'équipe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Activité de mon équipe")
    expect(page.locator("#stat-reports")).to_have_text(str(team_reports + theirs))
    assert_accessible(page, "coordinateur-statistiques")
    logout(page)

    # 4. The hub lists the advisors of its départements, filtered by one.
    login(page, f"hub@{DEMO_DOMAIN}")
    page.get_by_role("link", name="Conseillers du territoire").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Conseillers du territoire")
    expect(page.locator("main")).to_contain_text(name)
    page.get_by_label("Département").select_option("63")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.locator("main")).not_to_contain_text(name)
    assert_accessible(page, "hub-conseillers")
