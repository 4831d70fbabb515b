import re

import pytest
from playwright.sync_api import expect

from cnfs.demo.seed import DEMO_PASSWORD
from e2e.conftest import assert_accessible, follow_menu

pytestmark = pytest.mark.e2e


def login(page, email, password=DEMO_PASSWORD):
    page.goto("/compte/connexion/")
    page.get_by_label("Adresse électronique", exact=True).fill(email)
    page.get_by_label("Mot de passe", exact=True).fill(password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(re.compile(r"/espace/$"))


def test_anct_invites_a_prefecture_agent_who_creates_an_account_from_the_email(page, demo_data, settings):
    settings.DEBUG = True  # the development outbox lists the emails sent
    login(page, "anct@demo.conseiller-numerique.fr")
    follow_menu(page, "Invitations", "Administration")
    assert_accessible(page, "invitations")
    page.get_by_role("link", name="Inviter une personne").click()
    page.get_by_role("button", name="Envoyer l'invitation").click()
    expect(page.locator("#id_email-error")).to_contain_text("Ce champ est obligatoire")
    assert_accessible(page, "inviter-erreurs")
    page.get_by_label("Adresse électronique").fill("agent.allier@exemple.gouv.fr")
    page.get_by_label("Rôle").select_option(label="Préfecture")
    page.get_by_label("Département (préfecture)").select_option(label="Allier (03)")
    page.get_by_role("button", name="Envoyer l'invitation").click()
    expect(page.locator(".fr-alert--success")).to_contain_text(
        "Invitation envoyée à agent.allier@exemple.gouv.fr"
    )
    page.get_by_role("button", name="Se déconnecter").click()

    page.goto("/courriels/")
    # The newest first: the demo activations invited their structures too.
    page.get_by_role("link", name="Vous êtes invité(e) sur la plateforme Conseiller numérique").first.click()
    link = page.locator("a[href*='/compte/invitation/']").first.get_attribute("href")
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Vous êtes invité(e) sur la plateforme")
    assert_accessible(page, "invitation")
    page.get_by_label("Prénom").fill("Marie")
    page.get_by_label("Nom", exact=True).fill("Lambert")
    page.locator("#id_password1").fill("court")
    page.get_by_label("Confirmation du mot de passe").fill("court")
    page.get_by_role("button", name="Créer mon compte et accepter").click()
    expect(page.locator("#id_password1-error")).to_contain_text("au moins 12 caractères")
    expect(page.get_by_label("Prénom")).to_have_value("Marie")
    assert_accessible(page, "invitation-erreurs")
    page.locator("#id_password1").fill("Allier-Prefecture-2026!")
    page.get_by_label("Confirmation du mot de passe").fill("Allier-Prefecture-2026!")
    page.get_by_role("button", name="Créer mon compte et accepter").click()
    expect(page).to_have_url(re.compile(r"/espace/$"))
    expect(page.locator("main")).to_contain_text("Préfecture — Allier (03)")
    assert_accessible(page, "espace-prefecture-invite")
