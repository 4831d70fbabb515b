"""The shared form behaviour in the browser: error summary taking the focus, character counter, conditional
fields losing "(facultatif)" — all from static/js/forms.js, no inline script."""

import re

import pytest
from playwright.sync_api import expect

from e2e.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_refused_registration_opens_on_a_focused_summary_linking_to_the_fields(page):
    page.goto("/candidats/inscription/")
    page.locator("#id_password1").fill("court")
    page.locator("#id_password2").fill("autre")
    page.get_by_role("button", name="Envoyer ma candidature").click()
    summary = page.locator("[data-cnfs-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Les deux mots de passe ne sont pas identiques.")
    expect(summary).to_contain_text("12 caractères")
    summary.get_by_role("link", name=re.compile("^Adresse électronique")).click()
    expect(page.locator("#id_email")).to_be_focused()
    assert_accessible(page, "inscription-erreurs")
    assert not page.console_errors


def test_the_motivation_counts_its_characters_and_a_long_text_is_not_cut(page):
    page.goto("/candidats/inscription/")
    motivation = page.locator("#id_motivation")
    motivation.fill("Bonjour")
    expect(page.locator("#id_motivation-counter")).to_have_text("7 caractères sur 2500.")
    motivation.fill("x" * 2510)
    expect(motivation).to_have_value("x" * 2510)  # no maxlength: nothing is cut silently
    counter = page.locator("#id_motivation-counter .fr-message")
    expect(counter).to_have_text("2510 caractères sur 2500 : 10 caractères de trop.")
    expect(counter).to_have_class(re.compile("fr-message--error"))
    assert_accessible(page)


def test_the_diploma_name_loses_optional_when_the_diploma_is_ticked(page):
    page.goto("/candidats/inscription/")
    optional = page.locator('label[for="id_diploma_name"] .cnfs-optional')
    expect(optional).to_be_visible()
    diploma = page.locator('input[name="situations"][value="has_diploma"]')
    label = page.locator(f'label[for="{diploma.get_attribute("id")}"]')
    label.click()
    expect(diploma).to_be_checked()
    expect(optional).to_be_hidden()
    label.click()
    expect(optional).to_be_visible()
