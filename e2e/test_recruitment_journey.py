"""Issue 4 journey: a candidate registers near the demo structure "Commune de Moulins", confirms their email from the
development outbox, the structure finds them in "Nouvelles", shortlists them, fills the evaluation grid and clicks
"Valider cette candidature"; ANCT validates the hire and the candidate, logging in again, has an advisor space.
axe-core on every page visited."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cnfs.demo.seed import DEMO_DOMAIN, DEMO_PASSWORD
from e2e.conftest import assert_accessible

pytestmark = pytest.mark.e2e
EMAIL = "apolline.brehat@exemple.fr"
PASSWORD = "Candidate-Moulins-2026!"
NAME = "Apolline Bréhat"


def login(page, email, password=DEMO_PASSWORD):
    page.goto("/compte/connexion/")
    assert_accessible(page, "connexion")
    page.get_by_label("Adresse électronique", exact=True).fill(email)
    page.get_by_label("Mot de passe", exact=True).fill(password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(re.compile(r"/espace/$"))
    assert_accessible(page)


def logout(page):
    page.get_by_role("button", name="Se déconnecter").click()


def test_a_candidate_registers_is_recruited_by_a_structure_and_becomes_an_advisor(page, demo_data, settings):
    settings.DEBUG = True  # the development outbox lists the emails sent

    # 1. Registration ("Devenir conseiller numérique").
    page.goto("/candidats/inscription/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Devenir conseiller numérique")
    assert_accessible(page, "inscription")
    page.get_by_label("Prénom", exact=True).fill("Apolline")
    page.get_by_label("Nom", exact=True).fill("Bréhat")
    page.get_by_label("Adresse électronique").fill(EMAIL)
    page.get_by_label("Téléphone", exact=True).fill("06 12 34 56 78")
    page.get_by_label("Demandeur d'emploi").check(force=True)
    page.get_by_label("Commune de résidence").fill("Moulins (03)")
    page.get_by_label("Disponible à partir du").fill(timezone.localdate().isoformat())
    page.get_by_label("20 km", exact=True).check(force=True)
    page.get_by_label("Motivation").fill("Accompagner les habitants de l'Allier vers l'autonomie numérique.")
    page.locator("#id_password1").fill(PASSWORD)  # "Mot de passe" + its hint
    page.get_by_label("Confirmation du mot de passe", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Envoyer ma candidature").click()
    # The same page whether the address already has an account or not: no login before the email is confirmed.
    expect(page.get_by_role("heading", level=1)).to_have_text("Vérifiez votre messagerie")
    assert_accessible(page, "inscription-envoyee")

    # 2. Email confirmation, from the development outbox.
    page.goto("/courriels/")
    assert_accessible(page, "courriels")
    page.get_by_role("link", name="Confirmez votre adresse électronique").first.click()
    link = page.locator("a[href*='/compte/confirmer']").first.get_attribute("href")
    page.goto(link)
    assert_accessible(page, "adresse-confirmee")

    # 3. The structure finds the candidate in "Nouvelles", shortlists them, fills the grid, validates.
    login(page, f"structure@{DEMO_DOMAIN}")
    page.goto("/recrutement/candidatures/?q=Bréhat")
    expect(page.get_by_role("link", name=re.compile(r"^Nouvelles"))).to_have_attribute("aria-current", "page")
    assert_accessible(page, "candidatures")
    page.get_by_role("link", name=NAME).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(NAME)
    expect(page.locator("main")).to_contain_text("Nouvelle")
    assert_accessible(page, "candidat-nouveau")
    page.get_by_role("button", name="Présélectionner").click()
    expect(page.locator("main")).to_contain_text("Présélectionnée")
    assert_accessible(page, "candidat-preselectionne")

    page.get_by_role("link", name="Guide d'entretien et grille d'évaluation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Grille d'entretien")
    assert_accessible(page, "grille")
    page.get_by_label("Date de l'entretien").fill(timezone.localdate().isoformat())
    page.get_by_label("Personnes présentes à l'entretien").fill("Le maire, la DGS")
    for criterion in [
        "Motivation",
        "Qualités relationnelles",
        "Pédagogie",
        "Compétences numériques",
        "Connaissance du territoire",
        "Disponibilité",
    ]:
        page.get_by_label(f"{criterion} : note").select_option(label="4 — très satisfaisant")
    page.get_by_label("Motivation : commentaire").fill("Très motivée, connaît bien le territoire.")
    page.get_by_label("Appréciation générale").fill("Candidate retenue.")
    page.get_by_role("button", name="Enregistrer la grille").click()
    expect(page.locator("main")).to_contain_text("Total : 24 / 24")
    assert_accessible(page, "grille-remplie")

    page.get_by_role("link", name=NAME).click()
    page.get_by_role("button", name="Valider cette candidature").click()
    expect(page.locator("main")).to_contain_text("Prochaine étape")
    assert_accessible(page, "candidature-validee")
    page.goto("/recrutement/candidatures/?onglet=hire_requested")
    expect(page.get_by_role("link", name=NAME)).to_be_visible()
    assert_accessible(page, "candidatures-recrutement-demande")
    logout(page)

    # 4. ANCT validates the hire.
    login(page, f"anct@{DEMO_DOMAIN}")
    page.get_by_role("link", name="Recrutements").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Recrutements à valider")
    assert_accessible(page, "recrutements")
    page.get_by_role("button", name=f"Valider le recrutement d'{NAME}").click()
    expect(page.get_by_role("button", name=f"Valider le recrutement d'{NAME}")).to_have_count(0)
    assert_accessible(page, "recrutement-valide")
    logout(page)

    # 5. The candidate now has an advisor space.
    login(page, EMAIL, PASSWORD)
    expect(page.locator("main")).to_contain_text("Conseiller numérique — Commune de Moulins")
    assert_accessible(page, "espace-conseiller")
    assert page.console_errors == []
