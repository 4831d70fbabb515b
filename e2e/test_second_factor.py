"""Second factor in the browser: forced enrolment of a new agent with an authenticator app, recovery code, and a
security key through Chromium's virtual authenticator (WebAuthn over the DevTools protocol)."""

import re
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from e2e.conftest import assert_accessible
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def password_login(page, email):
    page.goto("/compte/connexion/")
    page.get_by_label("Adresse électronique", exact=True).fill(email)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def logout(page):
    page.get_by_role("button", name="Se déconnecter").first.click()


def test_a_new_agent_enrols_an_app_then_logs_in_with_a_recovery_code(page):
    from cnfs.accounts.roles import Role

    agent = UserFactory(role=Role.BDT, email="nouvel.agent@exemple.fr")
    password_login(page, agent.email)
    expect(page).to_have_url(re.compile(r"/double-authentification/application/\?next=/espace/"))
    assert_accessible(page, "2fa-enrolement")
    page.goto("/espace/")  # no way around it
    expect(page).to_have_url(re.compile(r"/double-authentification/application/"))
    secret = page.get_by_test_id("totp-secret").inner_text().replace(" ", "")
    code = TOTP(b32decode(secret + "=" * (-len(secret) % 8))).token()
    page.get_by_label("Code à 6 chiffres").fill(f"{code:06d}")
    page.get_by_role("button", name="Valider le code").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vos codes de secours")
    assert_accessible(page, "2fa-codes-de-secours")
    codes = page.get_by_test_id("recovery-codes").locator("code").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("link", name="J'ai noté mes codes, continuer").click()
    expect(page).to_have_url(re.compile(r"^http://[^/]+/espace/$"))
    logout(page)

    password_login(page, agent.email)
    expect(page).to_have_url(re.compile(r"/double-authentification/verification/"))
    assert_accessible(page, "2fa-verification")
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Valider", exact=True).click()
    expect(page.locator("#id_code-error")).to_contain_text("Ce code n'est pas valide")
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Valider", exact=True).click()
    expect(page).to_have_url(re.compile(r"^http://[^/]+/espace/$"))
    expect(page.locator(".fr-alert--warning")).to_contain_text("code de secours")
    # The refused code answered 400 (as every refused form): the only error the console shows.
    assert [e for e in page.console_errors if "status of 400" not in e] == []


def test_a_security_key_registered_then_used_to_log_in(page):
    from cnfs.accounts.models import WebAuthnDevice
    from cnfs.accounts.roles import Role

    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    agent = UserFactory(role=Role.PREFECTURE, email="agent.cle@exemple.fr")
    password_login(page, agent.email)
    page.get_by_role("link", name="Utiliser plutôt une clé de sécurité ou une clé d'accès").click()
    assert_accessible(page, "2fa-cle")
    page.get_by_label("Nom de la clé").fill("Clé USB du bureau")
    page.get_by_role("button", name="Enregistrer la clé").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vos codes de secours")
    assert WebAuthnDevice.objects.get(user=agent).name == "Clé USB du bureau"
    page.get_by_role("link", name="J'ai noté mes codes, continuer").click()
    expect(page).to_have_url(re.compile(r"^http://[^/]+/espace/$"))
    logout(page)

    password_login(page, agent.email)
    expect(page).to_have_url(re.compile(r"/double-authentification/verification/"))
    page.get_by_role("button", name="Utiliser ma clé de sécurité").click()
    expect(page).to_have_url(re.compile(r"^http://[^/]+/espace/$"))
    assert WebAuthnDevice.objects.get(user=agent).last_used_at is not None
    assert page.console_errors == []
