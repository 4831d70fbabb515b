"""The dashboards in a browser: ANCT opens the national dashboard from the menu, filters it by région and period,
sees charts with their tables and the map; a préfecture sees its territory's. The header's menu holds on one line
for every role given a "Statistiques" entry; axe-core clean."""

import os
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from cnfs.exports import services
from cnfs.exports.models import BackgroundExport, ExportStatus
from e2e.conftest import SCREENSHOTS, assert_accessible, follow_menu
from e2e.test_exports import _many_posts
from e2e.test_invitation import login

pytestmark = pytest.mark.e2e


def menu_on_one_line(page):
    nav = page.get_by_role("navigation", name="Menu principal")
    tops = nav.locator(".fr-nav__list > .fr-nav__item").evaluate_all(
        "items => items.map(item => Math.round(item.getBoundingClientRect().top))"
    )
    assert len(set(tops)) == 1, f"menu sur plusieurs lignes : {tops}"


def own_errors(page) -> list:
    """The console's errors but the tiles' (the tile server is unreachable here: the page says so, the table stays)."""
    return [error for error in page.console_errors if "tile.openstreetmap.org" not in error]


def shoot(page, selector, name):
    """A screenshot of one part of the (long) page, to look at."""
    if os.environ.get("CNFS_SCREENSHOTS"):
        os.makedirs(SCREENSHOTS, exist_ok=True)
        page.locator(selector).first.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"))


def test_anct_filters_the_national_dashboard(page, demo_data):
    login(page, "anct@demo.conseiller-numerique.fr")
    menu_on_one_line(page)
    follow_menu(page, "Statistiques")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord — France entière")
    expect(page.locator("bar-chart").first).to_be_attached()
    expect(
        page.get_by_role("table", name="Entonnoir du recrutement : les chiffres du graphique")
    ).to_be_visible()
    expect(page.locator("[data-dashboard-map].leaflet-container")).to_be_visible()
    assert_accessible(page, "dashboard-anct")
    shoot(page, "section[aria-labelledby='section-recruitment']", "dashboard-anct-recruitment")
    shoot(page, "section[aria-labelledby='section-funding']", "dashboard-anct-funding")
    shoot(page, "section[aria-labelledby='section-map']", "dashboard-anct-map")
    page.get_by_role("button", name="Afficher le tableau « Indicateurs par département »").click()
    expect(page.locator("#table-map_departements tbody tr").first).to_be_visible()
    page.get_by_label("Région").select_option(label="Auvergne-Rhône-Alpes")
    page.get_by_label("Du mois").fill("2025-01")
    page.get_by_role("button", name="Afficher", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord — Auvergne-Rhône-Alpes")
    departements = page.locator("#table-map_departements tbody th")
    expect(departements.first).to_be_visible()
    assert all(code.startswith(("01", "03", "07", "15", "26", "38", "42", "43", "63", "69", "73", "74"))
               for code in departements.all_inner_texts())  # fmt: skip
    assert_accessible(page, "dashboard-anct-region")
    assert own_errors(page) == []


def test_anct_filters_then_starts_a_large_export_watches_it_and_downloads_it(
    page, demo_data, settings, tmp_path
):
    settings.TASKS = {
        "default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}
    }  # a worker yet to come
    total = _many_posts()
    login(page, "anct@demo.conseiller-numerique.fr")
    follow_menu(page, "Statistiques")
    page.get_by_label("Région").select_option(label="Auvergne-Rhône-Alpes")
    page.get_by_label("Du mois").fill("2025-01")
    page.get_by_role("button", name="Afficher", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord — Auvergne-Rhône-Alpes")
    page.get_by_role("button", name="Exporter les postes (arrière-plan, XLSX)").click()
    expect(page).to_have_url(re.compile(r"/exports/\d+/$"))
    export = BackgroundExport.objects.filter(kind="posts").latest("pk")
    progress = page.locator("#export-progress")
    expect(progress).to_contain_text("En attente de démarrage")
    # a worker takes it and writes its progress, as services.build does every CNFS_EXPORT_PROGRESS_EVERY rows
    assert services.claim(export.pk)
    BackgroundExport.objects.filter(pk=export.pk).update(rows_total=2 * total, rows_done=total)
    expect(page.get_by_role("progressbar")).to_have_attribute("value", "50")
    assert_accessible(page, "dashboard-export-en-cours")
    BackgroundExport.objects.filter(pk=export.pk).update(
        status=ExportStatus.QUEUED, rows_total=None, rows_done=0
    )
    assert services.build(export.pk) == "done"
    expect(progress).to_contain_text("Le fichier est prêt")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Télécharger le fichier")).click()
    path = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(path)
    rows = list(load_workbook(path, read_only=True)["Postes"].iter_rows(values_only=True))
    assert rows[0][0] == "N° du poste" and len(rows) == 1 + total
    assert own_errors(page) == []


def test_a_prefecture_sees_its_territory(page, demo_data):
    login(page, "prefecture.allier@demo.conseiller-numerique.fr")
    menu_on_one_line(page)
    follow_menu(page, "Statistiques")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Allier")
    expect(
        page.get_by_role("table", name="Subvention par tranche : les chiffres du graphique")
    ).to_be_visible()
    expect(page.locator("#table-map_departements tbody th")).to_have_text(["03"])
    expect(page.get_by_role("link", name="Exporter « Entonnoir du recrutement » en CSV")).to_be_visible()
    assert_accessible(page, "dashboard-prefecture")
    shoot(page, "main form", "dashboard-prefecture-filters")
    shoot(page, "section[aria-labelledby='section-activity']", "dashboard-prefecture-activity")
    assert own_errors(page) == []


def test_the_banque_des_territoires_menu_holds_on_one_line(page, demo_data):
    login(page, "bdt@demo.conseiller-numerique.fr")
    menu_on_one_line(page)
    follow_menu(page, "Statistiques")
    expect(page.get_by_role("heading", level=2, name="Financement")).to_be_visible()
    assert_accessible(page, "dashboard-bdt")
