"""Apps depend one way (STYLE.md): a lower app never imports a higher one; it announces what happened (a signal) and
the higher one reacts. Checked on the source, so that a new import in the wrong direction fails here."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

CNFS = Path(settings.BASE_DIR) / "cnfs"

# app → apps it must never import (directly or inside a function)
FORBIDDEN = {
    "core": {
        "accounts", "candidates", "concertation", "dashboard", "demo", "recruitment", "structures", "territories",
        "training", "notifications", "public", "funding", "statistics", "api", "activity", "exports",
    },
    "journal": {
        "candidates", "concertation", "dashboard", "demo", "recruitment", "structures", "funding", "statistics",
        "api", "activity", "exports",
    },
    "territories": {
        "candidates", "concertation", "dashboard", "demo", "recruitment", "structures", "funding", "statistics",
        "api", "activity", "exports",
    },
    "candidates": {
        "concertation", "dashboard", "demo", "recruitment", "funding", "statistics", "api", "activity", "exports",
        "training",
    },
    "concertation": {
        "dashboard", "demo", "recruitment", "funding", "statistics", "api", "activity", "exports", "training",
    },
    "structures": {
        "dashboard", "demo", "recruitment", "funding", "statistics", "api", "activity", "exports", "training",
    },
    "recruitment": {"dashboard", "demo", "funding", "statistics", "api", "activity", "exports", "training"},
    "funding": {"dashboard", "demo", "statistics", "api", "activity", "exports", "training"},
    "training": {"dashboard", "demo", "statistics", "api", "exports"},
    "statistics": {"dashboard", "demo", "api", "exports"},
    "activity": {"dashboard", "demo", "funding", "statistics", "api", "exports", "teams"},
    "teams": {"dashboard", "demo", "funding", "statistics", "api", "exports"},
    "api": {"dashboard", "demo", "exports"},
}  # fmt: skip


def imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    apps = set()
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "cnfs" and len(parts) > 1:
                apps.add(parts[1])
    return apps


@pytest.mark.parametrize("app", sorted(FORBIDDEN))
def test_a_lower_app_never_imports_a_higher_one(app):
    offending = []
    for path in sorted((CNFS / app).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        wrong = imported_apps(path) & FORBIDDEN[app]
        if wrong:
            offending.append(f"{path.relative_to(CNFS)} → {', '.join(sorted(wrong))}")
    assert not offending, "\n".join(offending)
