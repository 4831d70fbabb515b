"""Issue 3 journey: a structure applies, confirms its email, the préfet gives a favourable opinion, ANCT grants 2
posts, the contact sets a password and sees its posts. axe-core on each page."""

import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from cnfs.demo.seed import DEMO_DOMAIN, DEMO_PASSWORD
from e2e.conftest import assert_accessible, pass_second_factor
from tests.factories import valid_siret

pytestmark = pytest.mark.e2e
CONTACT = "marie.lefevre@yzeure-test.fr"


def link_in_last_email(to, pattern):
    # The email as sent: stored emails keep no token-bearing link (cnfs.notifications.sealing).
    message = next(message for message in reversed(mail.outbox) if to in message.to)
    return re.search(rf"https?://[^\s]+{pattern}[^\s]*", message.body).group(0)


def login(page, email):
    page.goto("/compte/connexion/")
    page.get_by_label("Adresse électronique", exact=True).fill(email)
    page.get_by_label("Mot de passe", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    pass_second_factor(page, email)
    expect(page).to_have_url(re.compile(r"/espace/$"))


def test_a_structure_applies_and_is_activated_with_two_posts(page, demo_data):
    # 1. The application form, step by step.
    page.goto("/candidatures/deposer/")
    assert_accessible(page, "candidature-etape-1")
    page.locator("#id_type_0").check(force=True)
    siret = valid_siret(4242)
    page.locator("#id_siret").fill(f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}")  # the hint's format
    page.locator("#id_name").fill("Commune d'Yzeure")
    page.locator("#id_address").fill("1 place Jules Ferry")
    page.locator("#id_commune").fill("Moulins (03)")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    expect(page.locator(".fr-stepper__state")).to_have_text("Étape 2 sur 5")
    assert_accessible(page, "candidature-etape-2")
    page.locator("#id_contact_first_name").fill("Marie")
    page.locator("#id_contact_last_name").fill("Lefèvre")
    page.locator("#id_contact_job_title").fill("DGS")
    page.locator("#id_contact_email").fill(CONTACT)
    page.locator("#id_contact_phone").fill("04 70 00 00 00")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    assert_accessible(page, "candidature-etape-3")
    page.locator("#id_advisors_wanted").select_option("2")
    page.locator("#id_start_date").fill((timezone.localdate() + timezone.timedelta(days=30)).isoformat())
    page.locator("#id_missions_0").check(force=True)
    page.locator("#id_missions_2").check(force=True)
    page.locator("#id_add_place").fill("Moulins (03)")
    page.get_by_role("button", name="Ajouter la commune et rester sur cette étape").click()
    expect(page.locator(".fr-alert--success")).to_contain_text("« Moulins » est ajoutée")
    expect(page.get_by_label("Moulins (03)")).to_be_checked()
    assert_accessible(page, "candidature-etape-3-communes")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    assert_accessible(page, "candidature-etape-4")
    page.locator("#id_motivation").fill("Accompagner les habitants éloignés du numérique.")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    assert_accessible(page, "candidature-etape-5")
    for checkbox in page.locator("input[type=checkbox]").all():
        checkbox.check(force=True)
    page.get_by_role("button", name="Enregistrer et continuer").click()
    expect(page.get_by_role("heading", name="Et ensuite ?")).to_be_visible()
    assert_accessible(page, "candidature-recapitulatif")
    page.get_by_role("button", name="Envoyer le lien de confirmation").click()
    # 2. Email confirmation (link from the outbox).
    page.goto(link_in_last_email(CONTACT, "/candidatures/confirmer/"))
    expect(page.locator("main")).to_contain_text("Transmise au préfet")
    assert_accessible(page, "candidature-transmise")
    # 3. The préfet of the Allier gives a favourable opinion.
    login(page, f"prefecture.allier@{DEMO_DOMAIN}")
    page.goto("/candidatures/")
    assert_accessible(page, "prefecture-liste")
    page.get_by_role("link", name="Commune d'Yzeure").click()
    expect(page).to_have_url(re.compile(r"/candidatures/\d+/$"))
    page.wait_for_load_state()
    assert_accessible(page, "prefecture-candidature")
    page.locator("#id_value_0").check(force=True)
    page.locator("#id_comment").fill("Projet solide, en lien avec France Services.")
    page.locator("#id_suggested_posts").fill("2")
    page.get_by_role("button", name="Enregistrer l'avis").click()
    expect(page.locator("main")).to_contain_text("Avis du préfet donné")
    page.get_by_role("button", name="Se déconnecter").click()
    # 4. ANCT grants 2 posts.
    login(page, f"anct@{DEMO_DOMAIN}")
    page.goto("/candidatures/?q=Yzeure")
    assert_accessible(page, "anct-liste")
    page.get_by_role("link", name="Commune d'Yzeure").click()
    expect(page).to_have_url(re.compile(r"/candidatures/\d+/$"))
    page.wait_for_load_state()
    assert_accessible(page, "anct-candidature")
    page.locator("#id_outcome_0").check(force=True)
    page.locator("#id_posts").fill("2")
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.locator("main")).to_contain_text("Structure activée")
    page.get_by_role("button", name="Se déconnecter").click()
    # 5. The contact sets a password from the activation email and sees the posts.
    page.goto(link_in_last_email(CONTACT, "/compte/invitation/"))
    expect(page.locator("main")).to_contain_text("Postes de conseiller numérique accordés")
    expect(page.locator("main")).to_contain_text("Recruter au plus tard le")
    expect(page.locator("#id_phone")).to_have_count(0)  # given in the application
    assert_accessible(page, "activation")
    page.get_by_label("Prénom", exact=True).fill("Marie")
    page.get_by_label("Nom", exact=True).fill("Lefèvre")
    for field in page.locator("input[type=password]").all():
        field.fill("Un-Mot-De-Passe-Solide-2026!")
    page.get_by_role("button", name="Créer mon compte et accepter").click()
    expect(page).to_have_url(re.compile(r"/espace/$"))
    page.goto("/structure/postes/")
    expect(page.locator("#posts-granted")).to_have_text("2 accordés")
    expect(page.locator("#posts-free")).to_have_text("2 libres")
    expect(page.locator("main")).to_contain_text("Date limite de recrutement")
    assert_accessible(page, "mes-postes")
    page.goto("/structure/")
    assert_accessible(page, "ma-structure")
    page.goto("/structure/equipe/")
    assert_accessible(page, "mon-equipe")
    assert page.console_errors == []


def test_the_contact_cancels_a_transmitted_application_with_the_emailed_link(page, demo_data):
    from cnfs.concertation.models import ApplicationStatus, StructureApplication

    application = StructureApplication.objects.filter(status=ApplicationStatus.SUBMITTED).first()
    page.goto(f"/candidatures/deposer/{application.public_id}/")
    page.get_by_role("button", name="Recevoir un lien pour annuler cette candidature").click()
    expect(page.locator("main")).to_contain_text("ouvrez le lien envoyé")
    expect(page.locator("main")).to_contain_text("Transmise au préfet")
    link = link_in_last_email(application.contact_email, "/candidatures/annuler/")
    page.goto(link)
    assert_accessible(page, "annulation")
    page.get_by_role("button", name="Confirmer l'annulation").click()
    expect(page.locator("main")).to_contain_text("Annulée par la structure")
    page.goto(link)
    expect(page.locator("main")).to_contain_text("déjà été utilisé")
    assert_accessible(page, "annulation-lien-utilise")


def test_sirene_prefills_the_legal_name_and_address(page, demo_data, settings, monkeypatch):
    from cnfs.concertation import sirene
    from tests.concertation.test_siret import FakeTransport, company

    siret = valid_siret(4343)
    settings.CNFS_SIRENE = "api"
    monkeypatch.setattr(sirene, "urlopen", FakeTransport(payload=company(siret)))
    page.goto("/candidatures/deposer/")
    page.locator("#id_siret").fill(f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}")
    page.get_by_role("button", name="Compléter la raison sociale et l'adresse depuis le SIRET").click()
    expect(page.locator("#id_name")).to_have_value("COMMUNE DE MOULINS")
    expect(page.locator("#id_address")).to_have_value("PLACE DE L'HOTEL DE VILLE")
    expect(page.locator("#id_commune")).to_have_value("Moulins (03)")
    assert_accessible(page, "candidature-sirene")
    page.locator("#id_type_0").check(force=True)
    page.get_by_role("button", name="Enregistrer et continuer").click()
    expect(page.locator(".fr-stepper__state")).to_have_text("Étape 2 sur 5")
