"""Issue 12 §4 journey: an anonymous visitor opens the public statistics from the header (key figures, the monthly
charts and their tables, the map by département — its tiles unreachable here, as offline: the circles are still
drawn and the page says the background cannot load), changes the figure the map shows, then goes to the open data
from the footer, reads a data dictionary and downloads the structures file. axe-core on every page."""

import csv
import io
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from e2e.conftest import assert_accessible

pytestmark = pytest.mark.e2e


def test_a_visitor_reads_the_public_statistics_and_downloads_an_open_data_file(
    page, demo_data, live_server, settings
):
    from cnfs.statistics import public

    settings.CNFS_MAP_TILES_URL = f"{live_server.url}/tuiles-absentes/{{z}}/{{x}}/{{y}}.png"
    expected = public.compute()

    # 1. From the home page's header to the statistics.
    page.goto("/")
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Statistiques").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Statistiques du dispositif")
    for name in ("posts_granted", "advisors_in_post", "structures", "places", "reports", "participants"):
        shown = page.locator(f"#figure-{name}").inner_text()
        assert int(re.sub(r"\s", "", shown)) == expected.totals[name], name  # "3 300": thousands spaced
    assert expected.totals["reports"] > 0 and expected.totals["advisors_in_post"] > 0

    # 2. The charts are drawn, each followed by its table.
    expect(page.locator("line-chart canvas")).to_have_count(2)
    expect(page.locator("#table-activity-months tbody tr")).to_have_count(12)

    # 3. The map: one circle per département with advisors in post; another figure redraws it.
    with_advisors = sum(
        1
        for row in expected.departements
        if row.counts["advisors_in_post"] and row.latitude is not None and row.longitude is not None
    )
    circles = page.locator(".cnfs-departements-map path.leaflet-interactive")
    expect(circles).to_have_count(with_advisors)
    expect(page.get_by_text("Le fond de carte ne peut pas s'afficher")).to_be_visible()
    with_places = sum(1 for row in expected.departements if row.counts["places"] and row.latitude is not None)
    page.get_by_label("Chiffre affiché sur la carte").select_option(label="Lieux sur la carte")
    expect(circles).to_have_count(with_places)
    allier = page.get_by_role("row", name=re.compile(r"^Allier \(03\)"))
    expect(allier).to_be_visible()
    assert_accessible(page, "statistiques-publiques")

    # 4. Open data, from the footer: a dictionary, then the structures file.
    page.get_by_role("contentinfo").get_by_role("link", name="Données ouvertes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Données ouvertes")
    page.get_by_role("button", name=re.compile("Dictionnaire des données")).first.click()
    expect(
        page.get_by_role("table", name=re.compile("Colonnes du fichier « Structures accueillantes »"))
    ).to_be_visible()
    assert_accessible(page, "donnees-ouvertes")
    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile("Télécharger structures accueillantes")).click()
    download = info.value
    assert download.suggested_filename == f"structures-{timezone.localdate():%Y-%m-%d}.csv"
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert len(rows) == expected.totals["structures"]
    errors = [
        error for error in page.console_errors if "/tuiles-absentes/" not in error
    ]  # the tiles, as offline
    assert not errors, errors
