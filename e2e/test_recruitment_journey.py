"""Issue 4 journey: a candidate registers near the demo structure "Commune de Moulins", confirms their email from the
development outbox, the structure finds them in "Nouvelles", shortlists them, fills the evaluation grid and clicks
"Valider cette candidature", which opens the grant file; the structure records its job posting, completes the file
and transmits it; the Banque des Territoires finds it conform, which completes the hire; the candidate, logging in
again, has an advisor space. axe-core on every page visited."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cnfs.demo.recruitment import demo_pdf
from cnfs.demo.seed import DEMO_DOMAIN, DEMO_PASSWORD
from e2e.conftest import assert_accessible, follow_menu

pytestmark = pytest.mark.e2e
EMAIL = "apolline.brehat@exemple.fr"
PASSWORD = "Candidate-Moulins-2026!"
NAME = "Apolline Bréhat"
PDF = demo_pdf("Piece du dossier")


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

    # 4. The structure records its job posting, completes the grant file and transmits it.
    login(page, f"structure@{DEMO_DOMAIN}")
    page.goto("/structure/offre-d-emploi/")
    page.get_by_label("Adresse de l'offre").fill("https://www.emploi-territorial.fr/offre/o0312345678")
    page.get_by_label("Date de publication").fill((timezone.localdate() - timedelta(days=35)).isoformat())
    page.get_by_role("button", name="Enregistrer l'offre").click()
    follow_menu(page, "Dossiers de subvention", "Financement")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dossiers de subvention")
    assert_accessible(page, "dossiers-structure")
    page.locator("main").get_by_role("link", name=re.compile(r"^Dossier n° ")).first.click()
    expect(page.locator("main")).to_contain_text("Pièces du dossier")
    expect(page.get_by_role("button", name="Transmettre le dossier")).to_have_count(0)
    assert_accessible(page, "dossier-a-completer")
    for label in ("Avis de situation au répertoire SIRENE", "Délibération autorisant le recrutement"):
        page.get_by_label(label).set_input_files(
            {"name": "piece.pdf", "mimeType": "application/pdf", "buffer": PDF}
        )
        page.get_by_role("button", name=f"Déposer : {label.lower()}").click()
        expect(page.locator("main")).to_contain_text("Document enregistré")
    page.locator("#id_president_first_name").fill("Martine")
    page.locator("#id_president_last_name").fill("Durand")
    page.locator("#id_president_birth_date").fill("1962-04-12")
    page.locator("#id_dgs_first_name").fill("Olivier")
    page.locator("#id_dgs_last_name").fill("Lefèvre")
    page.locator("#id_dgs_birth_date").fill("1971-09-03")
    page.get_by_label("Taille de tenue du conseiller ou de la conseillère").select_option("M")
    page.get_by_role("button", name="Enregistrer les identités et la taille").click()
    page.get_by_role("button", name="Transmettre le dossier").click()
    expect(page.locator("main")).to_contain_text("Dossier transmis à la Banque des Territoires")
    assert_accessible(page, "dossier-transmis")
    logout(page)

    # 5. The Banque des Territoires finds the file conform: the hire is complete.
    login(page, f"bdt@{DEMO_DOMAIN}")
    page.get_by_role("link", name="Dossiers à instruire", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dossiers à instruire")
    assert_accessible(page, "dossiers-a-instruire")
    row = page.get_by_role("row").filter(has_text="Commune de Moulins").first
    row.get_by_role("link").first.click()
    expect(page.locator("main")).to_contain_text("Pièces du dossier")
    assert_accessible(page, "instruction")
    page.get_by_label("Dossier conforme", exact=True).check(force=True)
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.locator("main")).to_contain_text("le recrutement est validé")
    assert_accessible(page, "decision-conforme")
    logout(page)

    # 6. The candidate now has an advisor space.
    login(page, EMAIL, PASSWORD)
    expect(page.locator("main")).to_contain_text("Conseiller numérique — Commune de Moulins")
    assert_accessible(page, "espace-conseiller")
    assert page.console_errors == []
