"""Issue 7: ANCT decides without the préfet's opinion only with a reason; overlapping waves are refused. axe-core on
each page."""

import pytest
from playwright.sync_api import expect

from cnfs.concertation.models import ApplicationStatus, StructureApplication
from cnfs.demo.seed import DEMO_DOMAIN
from e2e.conftest import assert_accessible
from e2e.test_structure_journey import login

pytestmark = pytest.mark.e2e


def test_anct_decides_without_opinion_with_a_reason_and_cannot_overlap_waves(page, demo_data):
    application = StructureApplication.objects.filter(
        status=ApplicationStatus.SUBMITTED, opinion__isnull=True
    ).first()
    login(page, f"anct@{DEMO_DOMAIN}")
    page.goto(f"/candidatures/{application.pk}/")
    expect(page.locator("main")).to_contain_text("Le préfet n'a pas encore donné son avis")
    page.locator("#id_outcome_1").check(force=True)  # négative
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.locator("#id_without_opinion-error")).to_contain_text("pas encore donné son avis")
    assert_accessible(page, "anct-decision-sans-avis-erreur")
    page.locator("#id_outcome_1").check(force=True)
    page.locator("#id_without_opinion").check(force=True)
    page.locator("#id_without_opinion_reason").fill("Le préfet a été relancé deux fois sans réponse.")
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.locator("main")).to_contain_text("Décision sans avis du préfet : Le préfet a été relancé")
    expect(page.locator("main")).to_contain_text("Décision négative")
    # Waves: the demo's second wave is open today, a new one over it is refused and the form names it.
    page.goto("/candidatures/vagues/")
    page.locator("#id_name").fill("Vague 3")
    page.locator("#id_opens_on").fill("2020-01-01")
    page.locator("#id_closes_on").fill("2099-12-31")
    page.locator("#id_target_posts").fill("100")
    page.get_by_role("button", name="Créer la vague").click()
    expect(page.locator("#id_opens_on-error")).to_contain_text("chevauche la vague « Vague 1 »")
    assert_accessible(page, "anct-vague-chevauchement")
