"""ANCT starts a large national export in the background, watches its progress (HTMX polling of the status
fragment) and downloads the file; axe-core on every page."""

import csv
import io
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from cnfs.exports import services
from cnfs.exports.models import BackgroundExport, ExportStatus
from cnfs.structures.models import Post
from e2e.conftest import assert_accessible, follow_menu
from e2e.test_invitation import login

pytestmark = pytest.mark.e2e

EXTRA_POSTS = 3000


def _many_posts():
    """The demo's posts and 3,000 more on its structures (a national-size list), written in one bulk insert."""
    template = Post.objects.order_by("pk").first()
    Post.objects.bulk_create(
        [
            Post(
                structure_id=template.structure_id,
                granted_by_id=template.granted_by_id,
                committee_date=template.committee_date,
                deadline=template.deadline,
            )
            for _ in range(EXTRA_POSTS)
        ],
        batch_size=1000,
    )
    return Post.objects.count()


def test_anct_starts_a_large_export_and_downloads_it(page, demo_data, tmp_path):
    total = _many_posts()
    login(page, "anct@demo.conseiller-numerique.fr")
    follow_menu(page, "Mes exports", "Administration")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes exports")
    assert_accessible(page, "exports-liste")
    page.get_by_label("Liste à exporter").select_option(label="Postes")
    page.get_by_label("XLSX").check()
    page.get_by_role("button", name="Lancer l'export").click()
    # the test server's task backend builds at once: the page may open on a finished export
    expect(page).to_have_url(re.compile(r"/exports/\d+/$"))
    expect(page.locator("#export-progress")).to_contain_text("Le fichier est prêt", timeout=30_000)
    assert_accessible(page, "exports-pret")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Télécharger le fichier")).click()
    download = download_info.value
    assert re.fullmatch(r"postes-\d{4}-\d{2}-\d{2}-\d+\.xlsx", download.suggested_filename)
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    sheet = load_workbook(path, read_only=True)["Postes"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "N° du poste"
    assert len(rows) == 1 + total
    # "Mes exports" lists it, ready
    page.goto("/exports/")
    expect(page.locator("tbody tr").first).to_contain_text("Prêt")
    assert_accessible(page, "exports-liste-pret")


def test_anct_watches_the_progress_of_an_export_started_from_the_radar(page, demo_data, settings, tmp_path):
    settings.TASKS = {
        "default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}
    }  # a worker yet to come
    total = _many_posts()
    login(page, "anct@demo.conseiller-numerique.fr")
    follow_menu(page, "Échéances", "Recrutement")
    page.get_by_role("button", name="Exporter les postes (arrière-plan, CSV)").click()
    expect(page).to_have_url(re.compile(r"/exports/\d+/$"))
    export = BackgroundExport.objects.get(kind="posts")  # the demo has a structures export already
    progress = page.locator("#export-progress")
    expect(progress).to_contain_text("En attente de démarrage")
    expect(page.get_by_role("progressbar")).to_be_visible()
    assert_accessible(page, "exports-en-attente")
    # a worker takes it and writes its progress (what services.build writes every CNFS_EXPORT_PROGRESS_EVERY rows)
    assert services.claim(export.pk)
    BackgroundExport.objects.filter(pk=export.pk).update(rows_total=4000, rows_done=2000)
    expect(progress).to_contain_text("Création du fichier : 50 %")
    expect(page.get_by_role("progressbar")).to_have_attribute("value", "50")
    assert_accessible(page, "exports-en-cours")
    # the real build, from the start
    BackgroundExport.objects.filter(pk=export.pk).update(
        status=ExportStatus.QUEUED, rows_total=None, rows_done=0
    )
    assert services.build(export.pk) == "done"
    expect(progress).to_contain_text("Le fichier est prêt")
    expect(page.get_by_role("progressbar")).to_have_count(0)
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Télécharger le fichier")).click()
    path = tmp_path / "postes.csv"
    download_info.value.save_as(path)
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert len(rows) == 1 + total
    assert page.console_errors == []
