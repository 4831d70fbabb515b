"""Taking up the post: the checklist's rules, the reminder 15 days after the contract start (once per contract), the
completion rates by département for ANCT and the préfectures, the welcome booklet's content."""

import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from docx import Document

from cnfs.accounts.roles import Role
from cnfs.notifications.models import OutgoingEmail
from cnfs.training import documents, onboarding, tasks
from cnfs.training.models import OnboardingChecklist
from tests.factories import DepartementFactory, UserFactory
from tests.recruitment.factories import structure_user
from tests.training.factories import hired_training, provider

pytestmark = pytest.mark.django_db

ALL_DONE = {
    "outfit_ordered_on": date(2026, 3, 2),
    "outfit_handed_over_on": date(2026, 3, 3),
    "computer_on": date(2026, 3, 2),
    "phone_on": date(2026, 3, 2),
    "rooms_on": date(2026, 3, 2),
    "booklet_on": date(2026, 3, 3),
    "community_on": date(2026, 3, 3),
}


@pytest.fixture
def training(time_machine):
    time_machine.move_to("2026-03-02 09:00:00+01:00", tick=False)
    provider()
    return hired_training()


@pytest.mark.parametrize("days, sent", [(14, 0), (15, 1)])
def test_incomplete_checklist_reminded_15_days_after_the_contract_start_once(training, days, sent):
    member = structure_user(training.structure)
    day = date(2026, 3, 2) + timedelta(days=days)
    assert tasks.send_onboarding_reminders.call(day.isoformat()) == sent * 2  # the file's member and this one
    emails = OutgoingEmail.objects.filter(subject__startswith="Prise de poste de votre conseiller")
    assert emails.filter(to=member.email).count() == sent
    if sent:
        assert "Tenue commandée" in emails.first().body_text
        assert (
            tasks.send_onboarding_reminders.call((day + timedelta(days=1)).isoformat()) == 0
        )  # once per event


def test_a_completed_checklist_is_not_reminded(training, time_machine):
    checklist = onboarding.checklist_for(training.match)
    time_machine.move_to("2026-03-04 09:00:00+01:00", tick=False)
    onboarding.save_checklist(checklist, ALL_DONE, by=UserFactory())
    assert OnboardingChecklist.objects.get(pk=checklist.pk).completed_on == date(2026, 3, 4)
    assert tasks.send_onboarding_reminders.call("2026-04-01") == 0


def test_vehicle_only_for_an_itinerant_post_and_nothing_half_saved(training):
    checklist = onboarding.checklist_for(training.match)
    assert checklist.vehicle_needed is False
    with pytest.raises(ValidationError) as error:
        onboarding.save_checklist(
            checklist, {**ALL_DONE, "vehicle_on": date(2026, 3, 2), "computer_on": None}, by=None
        )
    assert "pas de véhicule" in error.value.message_dict["vehicle_on"][0]
    assert OnboardingChecklist.objects.get(pk=checklist.pk).outfit_ordered_on is None


def test_completion_rates_by_departement(training, client, time_machine):
    other = hired_training(departement=DepartementFactory(code="63", name="Puy-de-Dôme"))
    time_machine.move_to("2026-03-04 09:00:00+01:00", tick=False)
    onboarding.save_checklist(onboarding.checklist_for(training.match), ALL_DONE, by=None)
    rows = {row["code"]: row for row in onboarding.completion_by_departement()}
    assert (rows["03"]["advisors"], rows["03"]["completed"], rows["03"]["rate"]) == (1, 1, 100)
    assert (rows["63"]["advisors"], rows["63"]["completed"], rows["63"]["rate"]) == (1, 0, 0)
    # a préfecture sees its own département only
    prefect = UserFactory(role=Role.PREFECTURE, role__departement=other.structure.departement)
    client.force_login(prefect)
    page = client.get(reverse("training:onboarding_rates")).content.decode()
    assert "63 — Puy-de-Dôme" in page and "03 — Allier" not in page


def test_the_welcome_booklet_is_filled_with_the_structure_the_advisor_and_contacts(training):
    checklist = onboarding.checklist_for(training.match)
    text = "\n".join(p.text for p in Document(io.BytesIO(documents.welcome_booklet(checklist))).paragraphs)
    person = training.match.candidate.user
    assert f"Bienvenue {person.full_name}" in text
    assert training.structure.name in text
    assert "Tenue (taille M) : en préparation" in text
    assert "Formation Allier" in text and "contact@formation.example" in text
    assert "lesbases.anct.gouv.fr" in text
