"""ANCT finds an email the SMTP server refused three times, sees why, and sends it again."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from cnfs.notifications.models import EmailStatus, OutgoingEmail
from e2e.conftest import assert_accessible, follow_menu
from e2e.test_invitation import login

pytestmark = pytest.mark.e2e


def test_anct_sees_a_failed_email_and_sends_it_again(page, demo_data):
    email = OutgoingEmail.objects.create(
        event_key="e2e:failed",
        to="agent.allier@exemple.gouv.fr",
        subject="Vous êtes invité(e) sur la plateforme Conseiller numérique",
        body_text="Bonjour,\n",
        body_html="<p>Bonjour,</p>",
        status=EmailStatus.FAILED,
        attempts=3,
        last_error="SMTPServerDisconnected: Connection unexpectedly closed",
    )
    login(page, "anct@demo.conseiller-numerique.fr")
    follow_menu(page, "Courriels en échec", "Administration")
    expect(page.get_by_role("heading", level=1)).to_have_text("Courriels en échec")
    row = page.locator("tr", has_text="agent.allier@exemple.gouv.fr")
    expect(row).to_contain_text("SMTPServerDisconnected")
    expect(row).to_contain_text("Échec")
    assert_accessible(page, "anct-courriels-en-echec")
    row.get_by_role("button", name="Renvoyer").click()
    expect(page.locator(".fr-alert--success")).to_contain_text("de nouveau en file d'envoi")
    expect(page.locator("main")).to_contain_text("Aucun courriel en échec")
    assert_accessible(page, "anct-courriels-renvoyes")
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert any("agent.allier@exemple.gouv.fr" in message.to for message in mail.outbox)
