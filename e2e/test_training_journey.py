"""Issue 10 journey: the demo training provider (formation@) positions an advisor assigned to it when their grant
file was transmitted, assigns the 280 h path, creates a session and registers them, confirms the session (face-to-face
refused with one registrant, so remote), and — a week later, once the session has started — records the completion
(CCP1 and Pix); the structure sees it in its advisors' plan and the advisor in their own space. axe-core on every
page visited."""

import re
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cnfs.demo.seed import DEMO_DOMAIN, DEMO_PASSWORD
from e2e.conftest import assert_accessible, follow_menu
from e2e.test_recruitment_journey import login, logout

pytestmark = pytest.mark.e2e


def _advisor_to_position():
    """A training of the demo provider still to position, whose contract is running (a hire of the funding demo);
    the structure member and the advisor get the demo password to log in."""
    from cnfs.accounts.models import RoleAssignment
    from cnfs.accounts.roles import Role
    from cnfs.training.models import Training, TrainingStatus

    agent = RoleAssignment.objects.get(role=Role.TRAINING_PROVIDER, user__email=f"formation@{DEMO_DOMAIN}")
    training = (
        Training.objects.filter(
            provider=agent.training_provider,
            status=TrainingStatus.TO_POSITION,
            match__contracts__status="active",
        )
        .select_related("match__candidate__user", "structure")
        .first()
    )
    member = RoleAssignment.objects.filter(role=Role.STRUCTURE, structure=training.structure).first().user
    for user in (member, training.match.candidate.user):
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return training, member


def test_provider_positions_registers_confirms_and_completes(page, demo_data, time_machine):
    from cnfs.journal.models import JournalEntry
    from cnfs.notifications.models import OutgoingEmail
    from cnfs.training.models import SessionRegistration, Training, TrainingSession

    today = timezone.localdate()
    start = today + timedelta(days=5)
    training, member = _advisor_to_position()
    person = training.match.candidate.user
    started = JournalEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    # 1. Positioning test booked then recorded, the 280 h path assigned.
    login(page, f"formation@{DEMO_DOMAIN}")
    page.get_by_role("link", name="Conseillers à former", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Conseillers à former")
    assert_accessible(page, "training-conseillers-a-former")
    page.get_by_role("link", name=person.full_name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Formation de {person.full_name}")
    expect(page.locator("main")).to_contain_text(training.structure.name)
    assert_accessible(page, "training-a-positionner")
    page.get_by_label("Date du test de positionnement").fill(today.isoformat())
    page.get_by_role("button", name="Fixer le test").click()
    expect(page.locator("main")).to_contain_text("Test de positionnement fixé")
    page.get_by_label(re.compile("Profil intermédiaire")).check(force=True)
    page.get_by_label("Score (sur 100)").fill("61")
    page.get_by_role("button", name="Enregistrer le résultat").click()
    expect(page.locator("main")).to_contain_text("Résultat du test enregistré")
    assert_accessible(page, "training-positionne")
    page.get_by_label("280 h à temps plein").check(force=True)
    page.get_by_role("button", name="Attribuer le parcours").click()
    expect(page.locator("main")).to_contain_text("Parcours attribué")

    # 2. A session in five days (its cut-off date is today), the advisor registered in it.
    page.get_by_role("link", name="Sessions", exact=True).first.click()
    assert_accessible(page, "training-sessions")
    page.get_by_label("Centre de formation").fill("Centre numérique de Moulins")
    page.get_by_label("Adresse du centre").fill("4 rue de la Préfecture")
    page.get_by_label("Commune").fill("Moulins (03)")
    page.get_by_label("Date de début").fill(start.isoformat())
    page.get_by_label("Parcours").select_option("280")
    page.get_by_role("button", name="Créer la session").click()
    expect(page.locator("main")).to_contain_text("Session créée")
    session_url = page.url
    assert_accessible(page, "training-session-creee")
    page.goto(f"/formation/organisme/conseillers/{training.pk}/")
    page.get_by_label("Session", exact=True).select_option(index=1)
    page.get_by_role("button", name="Inscrire", exact=True).click()
    expect(page.locator("main")).to_contain_text("Conseiller inscrit à la session")
    expect(page.locator("main")).to_contain_text("En formation")

    # 3. Confirmation: face-to-face refused with one registrant (the rule of 8), confirmed remote.
    page.goto(session_url)
    page.get_by_role("radio", name="En présentiel").check(force=True)
    page.get_by_role("button", name="Confirmer").click()
    expect(page.locator("main")).to_contain_text("au moins 8 conseillers inscrits")
    assert_accessible(page, "training-session-moins-de-8")
    page.get_by_role("radio", name="À distance").check(force=True)
    page.get_by_role("button", name="Confirmer").click()
    expect(page.locator("main")).to_contain_text("Session confirmée")
    assert_accessible(page, "training-session-confirmee")
    logout(page)

    # 4. A week later (the session has started): completion, CCP1 and Pix.
    time_machine.move_to(
        timezone.make_aware(datetime.combine(today + timedelta(days=7), time(10))), tick=True
    )
    login(page, f"formation@{DEMO_DOMAIN}")
    page.goto(f"/formation/organisme/conseillers/{training.pk}/")
    page.get_by_label("Date d'obtention du CCP1").fill((start - timedelta(days=1)).isoformat())
    page.get_by_label("Date de la certification Pix").fill((today + timedelta(days=7)).isoformat())
    page.get_by_label("Score de la certification Pix").fill("512")
    page.get_by_role("button", name="Enregistrer la fin de formation").click()
    expect(page.locator("main")).to_contain_text("précède le début de la formation")
    assert_accessible(page, "training-fin-refusee")
    page.get_by_label("Date d'obtention du CCP1").fill((start + timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Enregistrer la fin de formation").click()
    expect(page.locator("main")).to_contain_text("Fin de formation enregistrée")
    expect(page.locator("main")).to_contain_text("Formation terminée")
    assert_accessible(page, "training-terminee")
    logout(page)

    # 5. The structure sees it in its advisors' plan, the advisor in their own space.
    login(page, member.email)
    follow_menu(page, "Formation et prise de poste", "Conseillers")
    main = page.locator("main")
    expect(main).to_contain_text(person.full_name)
    expect(main).to_contain_text("Formation terminée")
    expect(main).to_contain_text("280 h à temps plein")
    assert_accessible(page, "training-plan-structure")
    page.get_by_role("link", name=f"Prise de poste de {person.full_name}").click()
    assert_accessible(page, "training-prise-de-poste")
    logout(page)
    login(page, person.email)
    page.get_by_role("link", name="Ma formation", exact=True).first.click()
    expect(page.locator("main")).to_contain_text("Formation terminée")
    expect(page.locator("main")).to_contain_text(f"CCP1 le {(start + timedelta(days=1)):%d/%m/%Y}")
    assert_accessible(page, "training-conseiller")

    # What the journey left behind: the journal of each step, the remote switch mailed with its reason.
    actions = set(JournalEntry.objects.filter(pk__gt=started).values_list("action", flat=True))
    assert {
        "training.book_positioning",
        "training.record_positioning",
        "training.assign_path",
        "training_session.created",
        "training.register",
        "training_session.confirmed",
        "training.complete",
    } <= actions
    session = TrainingSession.objects.get(centre_name="Centre numérique de Moulins")
    assert (session.mode, session.registered_count) == ("remote", 1)
    assert SessionRegistration.objects.filter(session=session, training=training).exists()
    assert Training.objects.get(pk=training.pk).status == "completed"
    switched = OutgoingEmail.objects.get(to=person.email, subject__contains="formation à distance")
    assert "au moins 8 conseillers" in switched.body_text
    # the two refusals above answer 400 on purpose; nothing else went wrong in the browser
    assert [e for e in page.console_errors if "status of 400" not in e] == []
