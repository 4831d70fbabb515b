"""Issue 12 §2: the préfet of the Allier opens "Couverture territoriale" from the header's "Conseillers" menu, reads
the figures by département and EPCI and the white-zone communes (the tile server is unreachable here: the tables give
every figure and the map says its background cannot load), sorts the list, exports it, then sees on an application
of the territory how many inhabitants in a white zone it covers. axe-core on every page."""

import re

import pytest
from playwright.sync_api import expect

from cnfs.activity import services as places
from cnfs.activity.models import Place
from cnfs.demo.seed import DEMO_DOMAIN
from e2e.conftest import assert_accessible, follow_menu
from e2e.test_recruitment_journey import login

pytestmark = pytest.mark.e2e


def _montlucon_off_the_map():
    """The demo's advisors in Montluçon take their places off the public map, through the real service: on the
    built-in territory set the town is then farther than 20 km from any visible place (a white zone)."""
    for place in Place.objects.filter(commune__insee_code="03185", visible=True):
        values = {name: getattr(place, name) for name in places.EDITABLE_FIELDS}
        values["visible"] = False
        places.update_place(place, values, by=place.created_by)


def test_a_prefecture_reads_the_coverage_of_its_departement(page, demo_data, live_server, settings):
    _montlucon_off_the_map()
    settings.CNFS_MAP_TILES_URL = f"{live_server.url}/tuiles-absentes/{{z}}/{{x}}/{{y}}.png"
    login(page, f"prefecture.allier@{DEMO_DOMAIN}")
    follow_menu(page, "Couverture territoriale", group="Conseillers")
    expect(page.get_by_role("heading", level=1)).to_have_text("Couverture territoriale")
    main = page.locator("main")
    expect(page.locator("#table-departements")).to_contain_text("03 — Allier")
    expect(page.locator("#table-epci")).to_be_visible()
    expect(main).to_contain_text("en zone blanche")
    # The map asks for its communes, draws them, and says the background is missing.
    expect(page.locator("[data-coverage-map-notice]")).to_be_visible()
    expect(page.locator(".leaflet-interactive").first).to_be_attached()
    assert_accessible(page, "couverture-prefecture")

    # Another order of the list: least populated first.
    page.get_by_label("Trier les communes en zone blanche par").select_option("population_asc")
    page.get_by_role("button", name="Afficher").click()
    expect(page).to_have_url(re.compile(r"ordering=population_asc"))
    populations = [
        int(re.sub(r"\D", "", text))
        for text in page.locator("#table-communes tbody td:nth-child(4)").all_inner_texts()
    ]
    assert populations == sorted(populations) and populations
    assert_accessible(page, "couverture-tri")

    # The list's export.
    with page.expect_download() as download:
        page.get_by_role("link", name="Exporter la liste (CSV)").click()
    with open(download.value.path(), encoding="utf-8-sig") as file:
        content = file.read().splitlines()
    assert content[0].startswith("Code INSEE;Commune;Département")
    assert len(content) - 1 == len(populations) or len(content) > 50

    # An application of the territory says what it would cover.
    page.goto("/candidatures/")
    page.locator("table a[href*='/candidatures/']").first.click()
    expect(page).to_have_url(re.compile(r"/candidatures/\d+/$"))
    expect(page.locator("#application-coverage")).to_contain_text(
        re.compile(r"Cette candidature couvre [\d\u202f\u00a0 ]+ habitants? aujourd'hui à plus de 20 km")
    )
    assert_accessible(page, "couverture-candidature")
    errors = [error for error in page.console_errors if "/tuiles-absentes/" not in error]  # the missing tiles
    assert not errors, errors
