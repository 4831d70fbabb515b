"""Issue 8 §3: the header never clips the logo, ANCT "Recrutements à valider" (cards, search, refusal on demand),
the préfecture and ANCT lists fit 1,280 px, and "Mon espace" shows each role's waiting work. axe-core on every page;
with CNFS_SCREENSHOTS=1 the screenshots land in e2e/screenshots/."""

import re

import pytest
from playwright.sync_api import expect

from cnfs.demo.seed import DEMO_DOMAIN, DEMO_PASSWORD
from e2e.conftest import assert_accessible, pass_second_factor

pytestmark = pytest.mark.e2e

LONG_FIRST_NAME = "Marie-Bérengère-Alexandrine"
LONG_LAST_NAME = "de La Tour-Montgomery-Saint-Exupéry"
LONG_STRUCTURE = (
    "Communauté de communes du Pays de Saint-Jean-de-Maurienne et des Vallées de la Haute-Tarentaise"
)


def login(page, email, password=DEMO_PASSWORD):
    page.goto("/compte/connexion/")
    page.get_by_label("Adresse électronique", exact=True).fill(email)
    page.get_by_label("Mot de passe", exact=True).fill(password)
    page.get_by_role("button", name="Se connecter").click()
    pass_second_factor(page, email)
    expect(page).to_have_url(re.compile(r"/espace/$"))


def logout(page):
    page.locator(".fr-header__tools").get_by_role("button", name="Se déconnecter").click()


def _logo_is_whole(page):
    """The logo block is not squeezed: its text fits its box and it does not overlap the tools."""
    return page.evaluate(
        """() => {
          const logo = document.querySelector('.fr-header__logo .fr-logo');
          const brand = document.querySelector('.fr-header__brand').getBoundingClientRect();
          const tools = document.querySelector('.fr-header__tools');
          const toolsBox = tools.getBoundingClientRect();
          const visible = getComputedStyle(tools).display !== 'none';
          return {
            fits: logo.scrollWidth <= logo.clientWidth + 1 && logo.getBoundingClientRect().width >= 60,
            apart: !visible || toolsBox.left >= brand.right - 1,
            inside: document.documentElement.scrollWidth <= window.innerWidth,
          };
        }"""
    )


def test_a_long_name_and_role_never_squeeze_the_logo(page, live_server, transactional_db):
    from cnfs.accounts.models import RoleAssignment
    from cnfs.accounts.roles import Role
    from tests.factories import PASSWORD, StructureFactory, UserFactory

    user = UserFactory(
        email="longue@exemple.fr", first_name=LONG_FIRST_NAME, last_name=LONG_LAST_NAME, role=Role.COORDINATOR
    )
    RoleAssignment.objects.create(
        user=user, role=Role.STRUCTURE, structure=StructureFactory(name=LONG_STRUCTURE), is_admin=True
    )
    login(page, user.email, PASSWORD)
    for width in (1280, 1024, 768, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.reload()
        # Measure once the web fonts are in: under load in CI the 1024 px check once failed (flaky, not reproduced).
        page.evaluate("() => document.fonts.ready.then(() => true)")
        widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert _logo_is_whole(page) == {"fits": True, "apart": True, "inside": True}, (width, widths)
        assert_accessible(page, f"entete-{width}")

    # Wide screens: the role menu sits in the header tools and switches role.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.reload()
    tools = page.locator(".fr-header__tools")
    tools.get_by_role("button", name=re.compile("Changer de rôle")).click()
    tools.get_by_role("button", name="Coordinateur", exact=True).click()
    expect(page.locator(".fr-alert--success")).to_contain_text("Coordinateur")
    assert_accessible(page, "entete-role-change")

    # Small screens: the same tools are in the menu.
    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    page.get_by_role("button", name="Menu").click()
    menu = page.locator("#menu-principal")
    expect(menu.get_by_role("link", name=re.compile(LONG_FIRST_NAME))).to_be_visible()
    menu.get_by_role("button", name=re.compile("Changer de rôle")).click()
    expect(menu.get_by_role("button", name=re.compile(LONG_STRUCTURE))).to_be_visible()
    assert_accessible(page, "entete-menu-mobile")
    assert page.console_errors == []


def _table_fits(page):
    return page.evaluate(
        """() => {
          const box = document.querySelector('.fr-table__content');
          return box.scrollWidth <= box.clientWidth;
        }"""
    )


def test_waiting_work_hire_requests_and_lists_at_1280(page, demo_data):
    located = []  # console errors with the page they happened on, to tell where a failure comes from
    page.on("console", lambda m: located.append((page.url, m.text[:100])) if m.type == "error" else None)
    # ANCT: "Mon espace" lists the work waiting, each with its page.
    login(page, f"anct@{DEMO_DOMAIN}")
    main = page.locator("main")
    expect(main.get_by_role("heading", name="À traiter")).to_be_visible()
    expect(main.get_by_role("link", name=re.compile(r"recrutements? en cours"))).to_be_visible()
    assert_accessible(page, "espace-anct-travail")

    # The ANCT list fits 1,280 px with the opinion, posts and status columns on screen.
    page.goto("/candidatures/")
    for header in ("Avis du préfet", "Postes accordés", "Statut"):
        expect(page.get_by_role("columnheader", name=header)).to_be_in_viewport()
    assert _table_fits(page)
    assert_accessible(page, "liste-anct-1280")

    # "Recrutements en cours": cards with the grant file, stopping on demand, a search with and without HTMX.
    page.goto("/espace/")
    main.get_by_role("link", name=re.compile(r"recrutements? en cours")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Recrutements en cours")
    card = page.locator(".fr-card").first
    title = card.get_by_role("heading", level=2).inner_text()
    candidate, structure = title.split(" par ", 1)
    reason = card.get_by_label("Motif de l'arrêt")
    expect(reason).to_be_hidden()
    expect(card).to_contain_text("Dossier de subvention")
    expect(card.get_by_role("button", name=re.compile("^Valider le recrutement"))).to_have_count(0)
    # The disclosure that reveals the stop form (a <summary>, exposed as a disclosure button) names both.
    expect(card.locator("summary")).to_have_text(
        re.compile(
            f"^\\s*Arrêter ce recrutement (de |d').*{re.escape(candidate)} par {re.escape(structure)}\\s*$"
        )
    )
    card.locator("summary").click()
    expect(reason).to_be_visible()
    expect(
        card.get_by_role("button", name=re.compile(f"^Confirmer l'arrêt .* par {re.escape(structure)}$"))
    ).to_be_visible()
    assert_accessible(page, "recrutements-refus-ouvert")
    search = page.get_by_label(re.compile("Rechercher un candidat ou une structure"))
    search.fill(structure)
    expect(page).to_have_url(re.compile(r"\?q="))
    expect(page.locator("#resultats-recrutements")).to_contain_text(structure)
    expect(page.locator("#resultats-recrutements")).to_contain_text(candidate)
    search.fill("aucun candidat ne porte ce nom")
    expect(page.locator("#resultats-recrutements")).to_contain_text(
        "Aucun recrutement en cours ne correspond"
    )
    assert_accessible(page, "recrutements-recherche-vide")
    logout(page)

    # Préfecture: its waiting work, and its list at 1,280 px.
    login(page, f"prefecture.allier@{DEMO_DOMAIN}")
    expect(main.get_by_role("heading", name="À traiter")).to_be_visible()
    assert_accessible(page, "espace-prefecture-travail")
    page.goto("/candidatures/")
    for header in ("Avis du préfet", "Postes accordés", "Statut"):
        expect(page.get_by_role("columnheader", name=header)).to_be_in_viewport()
    assert _table_fits(page)
    assert_accessible(page, "liste-prefecture-1280")
    logout(page)

    # Structure, advisor, candidate: their own waiting work or next steps.
    login(page, f"structure@{DEMO_DOMAIN}")
    expect(main).to_contain_text("Postes encore libres")
    assert_accessible(page, "espace-structure-travail")
    logout(page)
    login(page, f"conseiller@{DEMO_DOMAIN}")
    expect(main).to_contain_text("Vos prochaines étapes")
    assert_accessible(page, "espace-conseiller-bienvenue")
    logout(page)
    login(page, f"candidat@{DEMO_DOMAIN}")
    expect(main).to_contain_text("Votre profil est complet à")
    assert_accessible(page, "espace-candidat-travail")
    assert page.console_errors == [], located
