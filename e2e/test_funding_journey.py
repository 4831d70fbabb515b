"""Issue 9 journey, from "Valider cette candidature" to tranche 1 paid, each role on its own screens: the demo
structure (Commune de Moulins) validates a shortlisted candidate, records its job posting, completes and transmits the
grant file; the Banque des Territoires finds it conform (the hire is complete); the structure records the contract;
the Banque des Territoires prepares the grant agreement, records its signature, then records tranche 1's payment.

No time travel: the story is dated in the past. The job posting was published 70 days ago, the contract signed
35 days ago (≥ publication + 30 days, not in the future), so tranche 1 (contract signature + 1 month) is due today
or a few days ago and can be paid today. axe-core on every page visited."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cnfs.core.text import euros
from cnfs.demo.recruitment import demo_pdf
from cnfs.demo.seed import DEMO_DOMAIN
from e2e.conftest import assert_accessible, follow_menu
from e2e.test_recruitment_journey import login, logout

pytestmark = pytest.mark.e2e
PDF = demo_pdf("Piece du dossier")


def shortlisted_candidate():
    """A candidate near the demo structure, shortlisted by it through the real workflow (the shortlisting itself is
    the recruitment journey's subject)."""
    from cnfs.accounts.models import RoleAssignment
    from cnfs.recruitment import workflow
    from cnfs.recruitment.matching import matching_candidates

    member = RoleAssignment.objects.select_related("user", "structure").get(
        user__email=f"structure@{DEMO_DOMAIN}"
    )
    structure = member.structure
    candidate = matching_candidates(structure).select_related("user").first()
    match = workflow.open_match(structure, candidate, by=member.user)
    return workflow.shortlist(match, by=member.user)


def test_from_valider_cette_candidature_to_tranche_1_paid(page, demo_data):
    from cnfs.funding.models import Contract, GrantAgreement, GrantFile, Payment, TrancheStatus
    from cnfs.journal.models import JournalEntry
    from cnfs.recruitment.models import MatchStatus
    from cnfs.structures.services import add_months

    today = timezone.localdate()
    published_on = today - timedelta(days=70)
    signed_on = today - timedelta(days=35)
    match = shortlisted_candidate()
    name = str(match.candidate)
    started = JournalEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    # 1. The structure validates the shortlisted candidate ("Valider cette candidature").
    login(page, f"structure@{DEMO_DOMAIN}")
    follow_menu(page, "Candidatures", "Recrutement")
    page.get_by_role("link", name=re.compile(r"^Présélectionnées")).click()
    expect(page.get_by_role("link", name=re.compile(r"^Présélectionnées"))).to_have_attribute(
        "aria-current", "page"
    )
    assert_accessible(page, "funding-candidatures-preselectionnees")
    page.get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    expect(page.locator("main")).to_contain_text("Présélectionnée")
    assert_accessible(page, "funding-candidat-preselectionne")
    page.get_by_role("button", name="Valider cette candidature").click()
    expect(page.locator("main")).to_contain_text("Prochaine étape")
    assert_accessible(page, "funding-candidature-validee")

    # 2. Its job posting (published 70 days ago), then its grant file: pieces, identities, outfit size, transmission.
    page.goto("/structure/offre-d-emploi/")
    assert_accessible(page, "funding-offre-d-emploi")
    page.get_by_label("Adresse de l'offre").fill("https://www.emploi-territorial.fr/offre/o0399999999")
    page.get_by_label("Date de publication").fill(published_on.isoformat())
    page.get_by_role("button", name="Enregistrer l'offre").click()
    follow_menu(page, "Dossiers de subvention", "Financement")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dossiers de subvention")
    assert_accessible(page, "funding-dossiers-structure")
    grant_file = GrantFile.objects.live().get(match=match)
    page.locator("main").get_by_role("link", name=f"Dossier n° {grant_file.pk}").click()
    expect(page.locator("main")).to_contain_text("Pièces du dossier")
    expect(page.get_by_role("button", name="Transmettre le dossier")).to_have_count(0)
    assert_accessible(page, "funding-dossier-a-completer")
    for label in ("Avis de situation au répertoire SIRENE", "Délibération autorisant le recrutement"):
        page.get_by_label(label).set_input_files(
            {"name": "piece.pdf", "mimeType": "application/pdf", "buffer": PDF}
        )
        page.get_by_role("button", name=f"Déposer : {label.lower()}").click()
        expect(page.locator("main")).to_contain_text("Document enregistré")
    assert_accessible(page, "funding-dossier-pieces-deposees")
    page.locator("#id_president_first_name").fill("Martine")
    page.locator("#id_president_last_name").fill("Durand")
    page.locator("#id_president_birth_date").fill("1962-04-12")
    page.locator("#id_dgs_first_name").fill("Olivier")
    page.locator("#id_dgs_last_name").fill("Lefèvre")
    page.locator("#id_dgs_birth_date").fill("1971-09-03")
    page.get_by_label("Taille de tenue du conseiller ou de la conseillère").select_option("M")
    page.get_by_role("button", name="Enregistrer les identités et la taille").click()
    expect(page.get_by_role("button", name="Transmettre le dossier")).to_be_visible()
    assert_accessible(page, "funding-dossier-complet")
    page.get_by_role("button", name="Transmettre le dossier").click()
    expect(page.locator("main")).to_contain_text("Dossier transmis à la Banque des Territoires")
    assert_accessible(page, "funding-dossier-transmis")
    logout(page)

    # 3. The Banque des Territoires finds the file conform, from its queue: the hire is complete.
    login(page, f"bdt@{DEMO_DOMAIN}")
    page.get_by_role("link", name="Dossiers à instruire", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dossiers à instruire")
    assert_accessible(page, "funding-bdt-dossiers-a-instruire")
    page.locator(f"a[href='/banque-des-territoires/dossiers/{grant_file.pk}/']").click()
    expect(page.locator("main")).to_contain_text("Pièces du dossier")
    assert_accessible(page, "funding-bdt-instruction")
    page.get_by_label("Dossier conforme", exact=True).check(force=True)
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.locator("main")).to_contain_text("le recrutement est validé")
    assert_accessible(page, "funding-bdt-decision-conforme")
    logout(page)

    # 4. The structure records the contract, signed 35 days ago, from "Contrat et financement".
    login(page, f"structure@{DEMO_DOMAIN}")
    follow_menu(page, "Contrat et financement", "Financement")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page, "funding-structure-financement-avant-contrat")
    page.locator("main li").filter(has_text=name).get_by_role("link", name="Enregistrer le contrat").click()
    expect(page.locator("main")).to_contain_text(f"Recrutement de {name}")
    assert_accessible(page, "funding-contrat-formulaire")
    page.get_by_label("Type de contrat").select_option("project")
    page.get_by_label("Date de signature", exact=True).fill(signed_on.isoformat())
    page.get_by_label("Date de début", exact=True).fill(signed_on.isoformat())
    page.get_by_label("Date de fin", exact=False).first.fill(add_months(signed_on, 30).isoformat())
    page.locator("#id_gross_monthly_salary").fill("2100.00")
    page.get_by_role("button", name="Enregistrer le contrat").click()
    contract = Contract.objects.get(match=match)
    expect(page).to_have_url(re.compile(rf"/financement/contrats/{contract.pk}/$"))
    expect(page.locator("main")).to_contain_text("Contrat enregistré")
    assert_accessible(page, "funding-contrat-enregistre")
    tranche = contract.tranches.get(number=1)
    assert tranche.due_on == add_months(signed_on, 1) <= today
    logout(page)

    # 5. The Banque des Territoires prepares the structure's agreement and records its signature.
    login(page, f"bdt@{DEMO_DOMAIN}")
    page.get_by_role("link", name="Conventions", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Conventions de subventionnement")
    assert_accessible(page, "funding-bdt-conventions")
    structure = contract.structure
    page.locator(f"a[href='/financement/conventions/nouvelle/{structure.pk}/']").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Préparer la convention de subventionnement")
    assert_accessible(page, "funding-bdt-convention-formulaire")
    page.get_by_label("Date de début de la convention").fill(signed_on.isoformat())
    page.get_by_label("Durée (mois)").fill("36")
    page.get_by_label("Cofinancement de la structure (€)").fill("0")
    page.get_by_role("button", name="Préparer la convention").click()
    expect(page.locator("main")).to_contain_text("préparée : elle est à signer")
    assert_accessible(page, "funding-bdt-convention-a-signer")
    page.get_by_label("Date de signature de la convention").fill(today.isoformat())
    page.get_by_role("button", name="Enregistrer la signature").click()
    expect(page.locator("main")).to_contain_text("Signée")
    assert_accessible(page, "funding-bdt-convention-signee")

    # 6. … then tranche 1's payment, from "Versements".
    page.get_by_role("link", name="Versements", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page, "funding-bdt-versements")
    page.locator(f"a[href='/financement/versements/{tranche.pk}/']").click()
    assert_accessible(page, "funding-bdt-versement-formulaire")
    page.get_by_label("Date du versement").fill(today.isoformat())
    page.get_by_label("Montant versé (€)").fill(str(tranche.amount))
    page.get_by_label("Référence du versement").fill("VIR-2026-00042")
    page.get_by_role("button", name="Enregistrer le versement").click()
    expect(page.locator("main")).to_contain_text(f"Versement de la tranche 1 ({euros(tranche.amount)} €)")
    expect(page.locator(f"a[href='/financement/versements/{tranche.pk}/']")).to_have_count(0)
    assert_accessible(page, "funding-bdt-versement-enregistre")
    logout(page)
    assert page.console_errors == []

    # In the database: the payment, the tranche paid, the hire complete, the agreement signed, the journal.
    match.refresh_from_db()
    assert match.status == MatchStatus.HIRED
    tranche.refresh_from_db()
    assert tranche.status == TrancheStatus.PAID
    payment = Payment.objects.get(tranche=tranche)
    assert (payment.paid_on, payment.amount, payment.reference) == (today, tranche.amount, "VIR-2026-00042")
    assert payment.amount == Decimal("10000.00")  # 20 % of 50,000 € (public structure, mainland)
    agreement = GrantAgreement.objects.get(structure=structure)
    assert agreement.signed_on == today
    entries = JournalEntry.objects.filter(pk__gt=started).select_related("actor")
    by_action = {entry.action: entry.actor.email if entry.actor else None for entry in entries}
    structure_member, bdt_agent = f"structure@{DEMO_DOMAIN}", f"bdt@{DEMO_DOMAIN}"
    expected = {
        "match.request_hire": structure_member,
        "grant_file.document_uploaded": structure_member,
        "grant_file.identities_saved": structure_member,
        "grant_file.transmit": structure_member,
        "grant_file.decide_conform": bdt_agent,
        "contract.recorded": structure_member,
        "agreement.prepared": bdt_agent,
        "agreement.signed": bdt_agent,
        "payment.recorded": bdt_agent,
    }
    assert {action: by_action.get(action, "absent") for action in expected} == expected, sorted(by_action)
    assert "match.hire" in by_action, sorted(by_action)  # the conformity decision completes the hire (system)
    paid = entries.get(action="payment.recorded")
    assert (paid.before["status"], paid.after["status"]) == (TrancheStatus.SCHEDULED, TrancheStatus.PAID)
