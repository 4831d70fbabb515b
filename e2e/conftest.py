"""Browser tests: Playwright for Python driving Debian's Chromium against the live test server, with an axe-core
check on every page visited."""

import os
import shutil

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

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


def _run_axe(page):
    """axe-core on the page once it has loaded. A click does not wait for the navigation it starts: axe may begin
    on the page being left and lose its document ("Cannot read properties of null", "Execution context was
    destroyed"); it then runs again on the page that arrived."""
    for attempt in range(3):
        page.wait_for_load_state()
        try:
            return _axe.run(page)
        except PlaywrightError:
            if attempt == 2:
                raise
            page.wait_for_timeout(200)


def assert_accessible(page, name: str | None = None):
    """No serious or critical axe-core violation on the page; optionally keep a screenshot to look at."""
    results = _run_axe(page)
    violations = [v for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS]
    details = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
    )
    assert not violations, f"axe-core sur {page.url} :\n{details}"
    if name and os.environ.get("CNFS_SCREENSHOTS"):
        os.makedirs(SCREENSHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)


_snapshots = {}


@pytest.fixture
def demo_data(transactional_db):
    """The whole demo (what `make run` shows) on the built-in territory set shipped with the code.

    Seeding through the real services takes a while, so each test process seeds once, keeps a copy of every table,
    and gives each later test that copy back (the test database is emptied after every browser test)."""
    from django.db import connection

    from cnfs.demo import seed as demo
    from cnfs.territories import importer, sources

    snapshot = _snapshots.get(connection.vendor)
    if snapshot is None:
        importer.sync(sources.read_builtin())
        demo.seed()
        _snapshots[connection.vendor] = _take_snapshot(connection)
    else:
        _restore_snapshot(connection, snapshot)
    return demo


def _take_snapshot(connection):
    if connection.vendor == "sqlite":
        import sqlite3

        copy = sqlite3.connect(":memory:", check_same_thread=False)
        connection.ensure_connection()
        connection.connection.backup(copy)
        return copy
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA IF EXISTS e2e_snapshot CASCADE")
        cursor.execute("CREATE SCHEMA e2e_snapshot")
        for table in tables:
            cursor.execute(f'CREATE TABLE e2e_snapshot."{table}" AS TABLE public."{table}"')
    return tables


def _restore_snapshot(connection, snapshot):
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        snapshot.backup(connection.connection)
        return
    from django.apps import apps
    from django.core.management.color import no_style

    with connection.cursor() as cursor:
        # Rows go back as they were: foreign keys are not re-checked (they held when the copy was taken).
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("TRUNCATE " + ", ".join(f'public."{table}"' for table in snapshot))
        for table in snapshot:
            cursor.execute(f'INSERT INTO public."{table}" SELECT * FROM e2e_snapshot."{table}"')
        cursor.execute("SET session_replication_role = DEFAULT")
        for sql in connection.ops.sequence_reset_sql(no_style(), apps.get_models(include_auto_created=True)):
            cursor.execute(sql)


def pass_second_factor(page, email: str):
    """After the password: an agent (or training provider) lands on the second-factor page. A demo agent types the
    code of the demo key (the device's next unused time step, since one code serves once); an agent without a
    device enrols, reading the key shown on the page like a person typing it into an app, then notes the recovery
    codes. Anyone else is already on their page."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    page.wait_for_load_state()
    if "/double-authentification/verification/" in page.url:
        device = TOTPDevice.objects.get(user__email__iexact=email, confirmed=True)
        code = _next_code(device)
        page.get_by_label("Code", exact=False).first.fill(code)
        page.get_by_role("button", name="Valider", exact=True).click()
        page.wait_for_url(lambda url: "/double-authentification/" not in url)
    elif "/double-authentification/application/" in page.url:
        from base64 import b32decode

        secret = page.get_by_test_id("totp-secret").inner_text().replace(" ", "")
        key = b32decode(secret + "=" * (-len(secret) % 8))
        page.get_by_label("Code à 6 chiffres").fill(f"{TOTP(key).token():06d}")
        page.get_by_role("button", name="Valider le code").click()
        page.get_by_role("link", name="J'ai noté mes codes, continuer").click()
        page.wait_for_url(lambda url: "/double-authentification/" not in url)


def _next_code(device) -> str:
    """A code the device accepts now: its window is the current 30-second step (shifted by the drift it learnt)
    give or take one, and never a step at or before the last one accepted (one code serves once); waits for the next
    step when the window is used up."""
    import time

    from django_otp.oath import TOTP

    while True:
        now = TOTP(device.bin_key).t()
        target = max(now, device.last_t + 1, now + device.drift - 1)
        if target <= now + device.drift + 1:
            return f"{TOTP(device.bin_key, drift=target - now).token():06d}"
        time.sleep(1)


def follow_menu(page, label, group=None):
    """Clicks `label` in the header's main menu, opening its sub-menu `group` first (cnfs.dashboard.navigation)."""
    nav = page.get_by_role("navigation", name="Menu principal")
    if group:
        button = nav.get_by_role("button", name=group, exact=True)
        # A click before the design system's script has taken the button over does not open the sub-menu.
        expect(button).to_have_attribute("data-fr-js-collapse-button", "true")
        button.click()
    nav.get_by_role("link", name=label, exact=True).click()
