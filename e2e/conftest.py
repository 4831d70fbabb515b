"""Browser tests: Playwright for Python driving Debian's Chromium against the live test server, with an axe-core
check on every page visited."""

import os
import shutil

import pytest
from axe_playwright_python.sync_playwright import Axe

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CNFS_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
BLOCKING_IMPACTS = {"serious", "critical"}
SCREENSHOTS = os.path.join(os.path.dirname(__file__), "screenshots")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, settings):
    settings.CNFS_BASE_URL = live_server.url  # links in emails point at the test server
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors = []
    page.on(
        "console",
        lambda message: (
            errors.append(
                f"{message.text} [{message.location.get('url', '')}:{message.location.get('lineNumber', '')}]"
            )
            if message.type == "error"
            else None
        ),
    )
    page.console_errors = errors
    yield page
    context.close()


_axe = Axe()


def assert_accessible(page, name: str | None = None):
    """No serious or critical axe-core violation on the page; optionally keep a screenshot to look at."""
    results = _axe.run(page)
    violations = [v for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS]
    details = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
    )
    assert not violations, f"axe-core sur {page.url} :\n{details}"
    if name and os.environ.get("CNFS_SCREENSHOTS"):
        os.makedirs(SCREENSHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)


@pytest.fixture
def demo_data(transactional_db):
    """The whole demo (what `make run` shows) on the built-in territory set shipped with the code."""
    from cnfs.demo import seed as demo
    from cnfs.territories import importer, sources

    importer.sync(sources.read_builtin())
    demo.seed()
    return demo


def follow_menu(page, label, group=None):
    """Clicks `label` in the header's main menu, opening its sub-menu `group` first (cnfs.dashboard.navigation)."""
    nav = page.get_by_role("navigation", name="Menu principal")
    if group:
        nav.get_by_role("button", name=group, exact=True).click()
    nav.get_by_role("link", name=label, exact=True).click()
