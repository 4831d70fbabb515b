"""The header's main menu: a role with many pages keeps it on one line, its sub-menus open with the keyboard and say
where the user is."""

import pytest
from playwright.sync_api import expect

from e2e.conftest import assert_accessible
from e2e.test_invitation import login

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(
    "email", ["anct@demo.conseiller-numerique.fr", "structure@demo.conseiller-numerique.fr"]
)
def test_the_menu_holds_on_one_line_and_its_sub_menus_open_with_the_keyboard(page, demo_data, email):
    login(page, email)
    nav = page.get_by_role("navigation", name="Menu principal")
    tops = nav.locator(".fr-nav__list > .fr-nav__item").evaluate_all(
        "items => items.map(item => Math.round(item.getBoundingClientRect().top))"
    )
    assert len(set(tops)) == 1, f"menu sur plusieurs lignes : {tops}"
    button = nav.get_by_role("button", name="Financement", exact=True)
    # The design system's script takes the button over once loaded; a key pressed before that does nothing.
    expect(button).to_have_attribute("data-fr-js-collapse-button", "true")
    button.focus()
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-expanded", "true")
    first = nav.locator(f"#{button.get_attribute('aria-controls')} a").first
    expect(first).to_be_visible()
    assert_accessible(page)
    first.click()
    expect(nav.get_by_role("button", name="Financement", exact=True)).to_have_attribute(
        "aria-current", "true"
    )
    expect(nav.locator("a[aria-current='page']")).to_have_count(1)
    assert page.console_errors == []


@pytest.mark.parametrize(
    "email", ["bdt@demo.conseiller-numerique.fr", "prefecture.allier@demo.conseiller-numerique.fr"]
)
def test_a_flat_menu_with_my_exports_holds_on_one_line(page, demo_data, email):
    login(page, email)
    nav = page.get_by_role("navigation", name="Menu principal")
    expect(nav.get_by_role("link", name="Mes exports", exact=True)).to_be_visible()
    tops = nav.locator(".fr-nav__list > .fr-nav__item").evaluate_all(
        "items => items.map(item => Math.round(item.getBoundingClientRect().top))"
    )
    assert len(set(tops)) == 1, f"menu sur plusieurs lignes : {tops}"
