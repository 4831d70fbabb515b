from pathlib import Path

import pytest
from django.conf import settings

from cnfs.territories import importer, sources

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CSV_DIR = FIXTURES / "csv"
SHARED_DATA = (settings.BASE_DIR / ".." / "shared" / "data" / "territories").resolve()


@pytest.fixture
def territories(db):
    """20 real communes (Paris, Lyon and 2 arrondissements, Rennes and neighbours, Allier, Saint-Denis ×2…)."""
    return importer.sync(sources.read_csv_directory(CSV_DIR))


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to reach geo.api.gouv.fr fails (as offline)."""

    def refuse(*args, **kwargs):
        raise OSError("réseau indisponible (test)")

    monkeypatch.setattr(importer, "urlopen", refuse)
