"""Static files: only the DSFR icons the pages use are shipped, and production serves hashed files compressed and
cached for a year."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

ICON = re.compile(r"fr-icon-[a-z0-9-]+")


def used_icons() -> set[str]:
    found = set()
    for folder in ("templates", "cnfs", "static/js"):
        for path in Path(settings.BASE_DIR, folder).rglob("*"):
            if path.suffix in {".html", ".py", ".js"}:
                found |= set(ICON.findall(path.read_text(encoding="utf-8")))
    return found


def test_every_icon_a_page_uses_is_in_the_icon_subset():
    css = Path(settings.BASE_DIR, "static/css/icons.css").read_text(encoding="utf-8")
    defined = set(ICON.findall(css))
    assert used_icons() <= defined, used_icons() - defined
    for url in re.findall(r"url\(([^)]+)\)", css):  # each points at a DSFR SVG that exists
        assert url.endswith(".svg") and finders.find(url.removeprefix("../")), url


@pytest.mark.django_db
def test_the_pages_no_longer_load_the_whole_utility_stylesheet(client):
    from cnfs.accounts.roles import Role
    from tests.factories import UserFactory

    client.force_login(UserFactory(role=Role.ANCT))
    html = client.get("/espace/", follow=True).content.decode()
    assert "utility.min.css" not in html
    assert "css/icons.css" in html


SERVE = """
import os, sys, tempfile
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.prod"
os.environ["CNFS_STATIC_ROOT"] = tempfile.mkdtemp()
import django
django.setup()
from django.core.management import call_command
call_command("collectstatic", interactive=False, verbosity=0)
from django.templatetags.static import static
from django.test import Client
url = static("css/icons.css")
response = Client(HTTP_ACCEPT_ENCODING="gzip", HTTP_HOST="cnfs.example.org").get(url, secure=True)
print(url, response.status_code, response.get("Content-Encoding"), response["Cache-Control"])
"""


def test_production_serves_hashed_static_files_compressed_and_cached_for_a_year():
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": "/tmp",
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "cnfs.example.org",
        "DATABASE_URL": "postgres://u@127.0.0.1:5432/cnfs",
    }
    result = subprocess.run(
        [sys.executable, "-c", SERVE], env=env, capture_output=True, text=True, cwd=settings.BASE_DIR
    )
    assert result.returncode == 0, result.stderr[-2000:]
    url, status, encoding, cache = result.stdout.split(maxsplit=3)
    assert re.fullmatch(r"/static/css/icons\.[0-9a-f]{12}\.css", url)
    assert (status, encoding) == ("200", "gzip")
    assert cache.strip() == "max-age=31536000, public, immutable"
