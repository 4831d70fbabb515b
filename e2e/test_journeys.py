import re

import pytest
from playwright.sync_api import expect

from cnfs.demo.seed import DEMO_ACCOUNTS, DEMO_PASSWORD
from e2e.conftest import assert_accessible, pass_second_factor

pytestmark = pytest.mark.e2e

PUBLIC_PAGES = [
    ("/", "accueil"),
    ("/accueillir-un-conseiller/", "structures"),
    ("/devenir-conseiller/", "candidats"),
    ("/trouver-un-conseiller/", "trouver"),
    ("/accessibilite/", "accessibilite"),
    ("/mentions-legales/", "mentions-legales"),
    ("/donnees-personnelles/", "donnees-personnelles"),
    ("/plan-du-site/", "plan-du-site"),
    ("/api/", "api"),
    ("/compte/connexion/", "connexion"),
    ("/compte/mot-de-passe/oublie/", "mot-de-passe-oublie"),
]


@pytest.mark.parametrize(("path", "name"), PUBLIC_PAGES)
def test_public_pages_are_accessible(page, demo_data, path, name):
    page.goto(path)
    expect(page.locator("h1")).to_have_count(1)
    assert_accessible(page, name)
    assert page.console_errors == []


@pytest.mark.parametrize("account", DEMO_ACCOUNTS, ids=[a.role.value for a in DEMO_ACCOUNTS])
def test_each_demo_account_goes_from_home_to_its_space(page, demo_data, account):
    page.goto("/")
    assert_accessible(page)
    page.get_by_role("link", name="Se connecter").first.click()
    expect(page).to_have_url(re.compile(r"/compte/connexion/"))
    page.get_by_label("Adresse électronique", exact=True).fill(account.email)
    page.get_by_label("Mot de passe", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    pass_second_factor(page, account.email)
    expect(page).to_have_url(re.compile(r"/espace/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon espace")
    expect(page.locator("main")).to_contain_text(account.role.label)
    assert_accessible(page, f"espace-{account.role.value}")
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("link", name="Se connecter").first).to_be_visible()
    assert page.console_errors == []


def test_a_person_with_two_roles_switches_role(page, demo_data):
    coordinator = next(a for a in DEMO_ACCOUNTS if a.role == "coordinator")
    page.goto("/compte/connexion/")
    page.get_by_label("Adresse électronique", exact=True).fill(coordinator.email)
    page.get_by_label("Mot de passe", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.locator(".fr-header__tools").get_by_role("button", name=re.compile("Changer de rôle")).click()
    # The advisor role comes with the coordinator's recruitment: it names their structure.
    page.locator(".fr-header__tools").get_by_role("button", name=re.compile(r"^Conseiller numérique")).click()
    expect(page.locator(".fr-alert--success")).to_contain_text("Conseiller numérique")
    expect(page.locator("main")).to_contain_text("comptes rendus d'activité")
    assert_accessible(page, "changement-de-role")


def test_login_errors_are_announced_next_to_the_form(page, demo_data):
    page.goto("/compte/connexion/")
    page.get_by_label("Adresse électronique", exact=True).fill("inconnu@exemple.fr")
    page.get_by_label("Mot de passe", exact=True).fill("mauvais")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("alert")).to_contain_text("Adresse électronique ou mot de passe incorrect.")
    expect(page.get_by_label("Adresse électronique", exact=True)).to_have_value("inconnu@exemple.fr")
    assert_accessible(page, "connexion-erreur")
