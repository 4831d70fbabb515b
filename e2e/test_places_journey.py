"""Issue 11 §2–3 journey: an advisor in post creates a place of activity with its hours on the weekly grid, a
visitor finds it on the public map by postal code and opens its page. The tile server is unreachable here (as
offline): the list still gives the places, the map draws their markers and says its background cannot load.
axe-core on every page visited."""

import re

import pytest
from playwright.sync_api import expect

from cnfs.demo.seed import DEMO_PASSWORD
from e2e.conftest import assert_accessible
from e2e.test_recruitment_journey import login, logout

pytestmark = pytest.mark.e2e
NAME = "Permanence numérique de la gare"


def demo_advisor():
    """An advisor the demo hired; demo candidates have no password, so this one is given the demo's."""
    from cnfs.recruitment.models import Advisor, AdvisorStatus

    advisor = (
        Advisor.objects.filter(status=AdvisorStatus.ACTIVE)
        .select_related("candidate__user")
        .order_by("pk")
        .first()
    )
    user = advisor.candidate.user
    user.set_password(DEMO_PASSWORD)
    user.save(update_fields=["password"])
    return advisor


def test_an_advisor_creates_a_place_and_a_visitor_finds_it_by_postal_code(
    page, demo_data, live_server, settings
):
    from cnfs.activity.models import Place
    from cnfs.journal.models import JournalEntry

    settings.CNFS_MAP_TILES_URL = f"{live_server.url}/tuiles-absentes/{{z}}/{{x}}/{{y}}.png"
    advisor = demo_advisor()

    # 1. The advisor opens "Mes lieux d'activité" and adds a place.
    login(page, advisor.candidate.user.email)
    page.get_by_role("link", name="Mes lieux d'activité").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes lieux d'activité")
    assert_accessible(page, "lieux-liste")
    page.get_by_role("link", name="Ajouter un lieu").click()
    assert_accessible(page, "lieu-formulaire")

    # 2. A refused form first: visible on the map without any service, and an afternoon ending before it starts.
    page.get_by_label("Nom du lieu").fill(NAME)
    page.locator("#id_address").fill("Place de la Gare")
    page.get_by_role("combobox", name=re.compile("Commune")).fill("Moulins")
    page.get_by_role("option", name=re.compile(r"^Moulins")).first.click()  # the commune search's suggestion
    for day in ("Lundi", "Mardi", "Jeudi"):
        page.get_by_label(f"{day}, matin : ouverture").fill("09:00")
        page.get_by_label(f"{day}, matin : fermeture").fill("12:00")
    page.get_by_label("Mardi, après-midi : ouverture").fill("14:00")
    page.get_by_label("Mardi, après-midi : fermeture").fill("13:00")
    page.get_by_label("Visible sur la carte publique").check(force=True)
    page.get_by_role("button", name="Enregistrer le lieu").click()
    expect(page.get_by_role("alert")).to_contain_text("Le formulaire n'a pas été enregistré")
    expect(
        page.get_by_text("Un lieu visible sur la carte publique propose au moins un service").first
    ).to_be_visible()
    expect(page.get_by_text("Mardi : l'heure de fermeture suit l'heure d'ouverture.").first).to_be_visible()
    assert_accessible(page, "lieu-erreurs")
    assert not Place.objects.filter(name=NAME).exists()

    # 3. Corrected: the grid's hours become the OSM string.
    expect(page.get_by_label("Nom du lieu")).to_have_value(NAME)  # the input was kept
    page.get_by_label("Mardi, après-midi : fermeture").fill("17:00")
    page.get_by_label("Aide aux démarches administratives").check(force=True)
    page.get_by_label("Maîtrise des outils numériques du quotidien").check(force=True)
    page.get_by_label("Se présenter").check(force=True)
    page.get_by_role("button", name="Enregistrer le lieu").click()
    expect(page.get_by_text(f"Le lieu « {NAME} » est enregistré.")).to_be_visible()
    place = Place.objects.get(name=NAME)
    assert place.opening_hours == "Mo 09:00-12:00; Tu 09:00-12:00,14:00-17:00; Th 09:00-12:00"
    assert place.visible and list(place.advisors.all()) == [advisor]
    assert JournalEntry.objects.filter(action="place.created", object_id=str(place.pk)).exists()
    assert_accessible(page, "lieux-apres")
    # Its edit page shows the grid filled back from the string; its share page.
    page.get_by_role("link", name=f"Modifier « {NAME} »").click()
    expect(page.get_by_label("Mardi, après-midi : fermeture")).to_have_value("17:00")
    assert_accessible(page, "lieu-modifier")
    page.goto(f"/activite/lieux/{place.pk}/partager/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Partager")
    assert_accessible(page, "lieu-partager")
    logout(page)

    # 4. A visitor, not logged in, searches by postal code.
    page.goto("/")
    page.get_by_role("link", name="Trouver un conseiller numérique").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Trouver un conseiller numérique près de chez moi"
    )
    assert_accessible(page, "carte-vide")
    page.get_by_label("Commune ou code postal").fill("03000")
    page.get_by_role("button", name="Rechercher").click()
    expect(page).to_have_url(re.compile(r"/trouver-un-conseiller/\?"))
    result = page.get_by_role("link", name=NAME)
    expect(result).to_be_visible()
    # The map draws one marker per listed place; the unreachable tiles are announced, the list stays.
    listed = page.locator("[data-place-lat]").count()
    expect(page.locator(".leaflet-interactive")).to_have_count(listed)
    expect(page.get_by_text("Le fond de carte ne peut pas s'afficher")).to_be_visible()
    assert_accessible(page, "carte-resultats")

    # 5. The place's page.
    result.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(NAME)
    expect(page.get_by_role("cell", name="09:00–12:00, 14:00–17:00")).to_be_visible()
    assert_accessible(page, "lieu-public")
