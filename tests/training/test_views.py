"""Every training screen over every role (another provider's advisor or session, another structure's hire → 404),
and bad input answered next to the field with nothing saved."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from cnfs.accounts.roles import Role
from cnfs.journal.models import JournalEntry
from cnfs.training import onboarding, sessions
from cnfs.training.models import (
    OnboardingChecklist,
    SessionRegistration,
    Training,
    TrainingSession,
    TrainingStatus,
    WeeklyAttendance,
)
from tests.factories import UserFactory
from tests.permissions import body
from tests.recruitment.factories import activated_structure, structure_user
from tests.training.factories import hired_training, positioned, provider, provider_agent, session

pytestmark = pytest.mark.django_db
P = Role.TRAINING_PROVIDER


@pytest.fixture
def today(time_machine):
    time_machine.move_to("2026-03-02 09:00:00+01:00", tick=False)
    return date(2026, 3, 2)


@pytest.fixture
def world(today):
    training_provider = provider()
    agent = provider_agent(training_provider)
    training = positioned(hired_training(training_provider=training_provider), agent)
    the_session = session(training_provider, agent, start=today + timedelta(days=14))
    return training_provider, agent, training, the_session


@pytest.fixture
def owner(world):
    return structure_user(world[2].structure)


@pytest.fixture
def matrix(role_matrix, users_by_role, world, owner):
    users_by_role[P] = world[1]
    users_by_role[Role.STRUCTURE] = owner
    users_by_role[Role.ADVISOR] = world[2].match.candidate.user
    from tests.factories import grant

    grant(users_by_role[Role.ADVISOR], Role.ADVISOR)
    users_by_role[Role.ADVISOR].role_assignments.exclude(role=Role.ADVISOR).delete()
    return role_matrix


def test_provider_pages(matrix, world):
    _, _, training, the_session = world
    for url in (
        reverse("training:provider_advisors"),
        reverse("training:provider_training", args=[training.pk]),
        reverse("training:sessions"),
        reverse("training:session_detail", args=[the_session.pk]),
        reverse("training:provider_advisors_export", args=["csv"]),
        reverse("training:provider_advisors_export", args=["xlsx"]),
        reverse("training:sessions_export", args=["csv"]),
        reverse("training:sessions_export", args=["xlsx"]),
    ):
        matrix.check(url, {P})


def test_follower_pages(matrix, world):
    training = world[2]
    matrix.check(reverse("training:structure_plan"), {Role.STRUCTURE})
    matrix.check(reverse("training:onboarding", args=[training.match_id]), {Role.STRUCTURE})
    matrix.check(reverse("training:booklet", args=[training.match_id]), {Role.STRUCTURE})
    matrix.check(reverse("training:advisor"), {Role.ADVISOR})
    matrix.check(reverse("training:national"), {Role.ANCT})
    matrix.check(reverse("training:change_provider", args=[training.pk]), {Role.ANCT})
    matrix.check(reverse("training:onboarding_rates"), {Role.ANCT, Role.PREFECTURE})


def test_another_providers_advisor_and_session_are_404(client, world):
    _, _, training, the_session = world
    stranger = provider_agent(provider("Autre organisme", departements=("63",)))
    client.force_login(stranger)
    assert client.get(reverse("training:provider_training", args=[training.pk])).status_code == 404
    assert (
        client.post(
            reverse("training:provider_training", args=[training.pk]),
            {"action": "assign_path", "path-path": "105"},
        ).status_code
        == 404
    )
    assert client.get(reverse("training:session_detail", args=[the_session.pk])).status_code == 404
    exported = body(client.get(reverse("training:provider_advisors_export", args=["csv"]))).decode()
    assert training.match.candidate.user.email not in exported
    assert Training.objects.get(pk=training.pk).path == 280


def test_another_structures_hire_is_404(client, world):
    client.force_login(structure_user(activated_structure()))
    match_id = world[2].match_id
    assert client.get(reverse("training:onboarding", args=[match_id])).status_code == 404
    assert client.get(reverse("training:booklet", args=[match_id])).status_code == 404
    page = client.get(reverse("training:structure_plan")).content.decode()
    assert world[2].match.candidate.user.full_name not in page


def test_provider_sees_contacts_and_nothing_else(client, world):
    _, agent, training, _ = world
    client.force_login(agent)
    page = client.get(reverse("training:provider_training", args=[training.pk])).content.decode()
    assert training.match.candidate.user.email in page
    assert "Grille" not in page and "salaire" not in page.lower()


def _post(client, training, action, data):
    prefix = {
        "assign_path": "path",
        "register": "register",
        "attendance": "attendance",
        "complete": "complete",
        "drop": "drop",
        "book_positioning": "book",
    }[action]
    return client.post(
        reverse("training:provider_training", args=[training.pk]),
        {"action": action, **{f"{prefix}-{k}": v for k, v in data.items()}},
    )


@pytest.mark.parametrize("path", ["300", "0", "", "105h", "420\x00"])
def test_a_path_other_than_the_four_is_answered_next_to_the_field(client, world, path):
    _, agent, training, _ = world
    client.force_login(agent)
    response = _post(client, training, "assign_path", {"path": path})
    assert response.status_code == 400
    page = response.content.decode()
    assert "quatre parcours" in page or "caractère nul" in page
    assert 'aria-invalid="true"' in page
    assert Training.objects.get(pk=training.pk).path == 280


def test_path_then_registration_through_the_view(client, world):
    _, agent, training, the_session = world
    client.force_login(agent)
    assert _post(client, training, "assign_path", {"path": "350"}).status_code == 302
    assert JournalEntry.objects.filter(action="training.assign_path").count() == 2
    response = _post(client, training, "register", {"session": the_session.pk})
    assert response.status_code == 400  # the session is for 280 h: not offered any more
    page = response.content.decode()
    assert "Choisissez une session de la liste" in page, page[page.find("fr-error-text") - 200 :][:600]
    assert not SessionRegistration.objects.exists()


def test_a_training_start_before_the_contract_start_is_refused_in_the_page(client, today):
    training_provider = provider()
    agent = provider_agent(training_provider)
    training = positioned(
        hired_training(training_provider=training_provider, contract_start=today + timedelta(days=30)), agent
    )
    early = session(training_provider, agent, start=today + timedelta(days=20))
    client.force_login(agent)
    response = _post(client, training, "register", {"session": early.pk})
    assert response.status_code == 400
    assert "avant le début du contrat (01/04/2026)" in response.content.decode()
    assert Training.objects.get(pk=training.pk).status == TrainingStatus.POSITIONED
    assert TrainingSession.objects.get(pk=early.pk).registered_count == 0


def _in_training(client, world, time_machine):
    _, agent, training, the_session = world
    sessions.register(training, the_session, by=agent, role=P)
    time_machine.move_to("2026-04-20 09:00:00+02:00", tick=False)
    client.force_login(agent)
    return Training.objects.get(pk=training.pk)


def test_hours_over_the_path_and_completion_before_the_start(client, world, time_machine):
    training = _in_training(client, world, time_machine)
    for week in range(5):
        assert (
            _post(
                client,
                training,
                "attendance",
                {
                    "week": f"2026-03-{16 + 7 * week:02d}"
                    if week < 3
                    else f"2026-04-{6 + 7 * (week - 3):02d}",
                    "hours": "35",
                },
            ).status_code
            == 302
        )
    response = _post(client, training, "attendance", {"week": "2026-04-20", "hours": "35"})
    assert response.status_code == 302
    for week_day in ("2026-03-09",):  # the week before the start (16/03)
        response = _post(client, training, "attendance", {"week": week_day, "hours": "10"})
        assert response.status_code == 400 and "commence le 16/03/2026" in response.content.decode()
    training.refresh_from_db()
    assert training.hours_done == 210
    assert WeeklyAttendance.objects.filter(training=training).count() == 6
    response = _post(client, training, "attendance", {"week": "2026-04-13", "hours": "35"})
    assert response.status_code == 302  # replaces the week of 13/04: still 210
    response = _post(client, training, "attendance", {"week": "2026-04-20", "hours": "35.5"})
    assert response.status_code == 400
    response = _post(
        client, training, "complete", {"ccp1_on": "2026-03-10", "pix_on": "2026-04-10", "pix_score": "500"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "précède le début de la formation (16/03/2026)" in page
    assert 'value="2026-04-10"' in page  # input kept
    assert Training.objects.get(pk=training.pk).status == TrainingStatus.IN_TRAINING
    response = _post(
        client, training, "complete", {"ccp1_on": "9999-12-31", "pix_on": "2026-04-10", "pix_score": "500"}
    )
    assert response.status_code == 400 and "Saisissez une date entre" in response.content.decode()


def test_hours_done_over_the_path_in_the_page(client, world, time_machine):
    training = _in_training(client, world, time_machine)
    time_machine.move_to("2026-06-01 09:00:00+02:00", tick=False)
    client.force_login(world[1])
    for n in range(8):
        week = date(2026, 3, 16) + timedelta(weeks=n)
        assert (
            _post(client, training, "attendance", {"week": week.isoformat(), "hours": "35"}).status_code
            == 302
        )
    response = _post(client, training, "attendance", {"week": "2026-05-11", "hours": "1"})
    assert response.status_code == 400
    assert (
        "le total (281 h) dépasserait les 280 h du parcours (280 h déjà enregistrées)"
        in response.content.decode()
    )
    assert Training.objects.get(pk=training.pk).hours_done == 280


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("start_date", "2026-03-01", "doit être dans le futur"),
        ("start_date", "2026-03-02", "doit être dans le futur"),
        ("start_date", "9999-12-31", "Saisissez une date entre"),
        ("centre_name", "Centre\x00", "caractère nul"),
        ("path", "300", "quatre parcours"),
        ("commune", "Xyzzyville", "Aucune commune ne correspond"),
    ],
)
def test_session_creation_bad_input(client, world, field, value, message):
    _, agent, _, _ = world
    client.force_login(agent)
    data = {
        "centre_name": "Centre de Vichy",
        "address": "3 avenue Thermale",
        "commune": "Moulins",
        "start_date": "2026-04-01",
        "path": "280",
        "mode": "face_to_face",
    }
    count = TrainingSession.objects.count()
    response = client.post(reverse("training:sessions"), {**data, field: value})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert TrainingSession.objects.count() == count
    assert client.post(reverse("training:sessions"), data).status_code == 302
    assert TrainingSession.objects.count() == count + 1


def test_double_submit_of_a_registration_registers_once(client, world):
    _, agent, training, the_session = world
    client.force_login(agent)
    assert _post(client, training, "register", {"session": the_session.pk}).status_code == 302
    response = _post(client, training, "register", {"session": the_session.pk})
    assert response.status_code == 302  # the page changed: told so, nothing done twice
    assert SessionRegistration.objects.filter(training=training).count() == 1
    assert TrainingSession.objects.get(pk=the_session.pk).registered_count == 1


def test_confirm_face_to_face_below_8_in_the_page(client, world, time_machine):
    _, agent, training, the_session = world
    sessions.register(training, the_session, by=agent, role=P)
    time_machine.move_to("2026-03-06 09:00:00+01:00", tick=False)  # the cut-off date
    client.force_login(agent)
    url = reverse("training:session_detail", args=[the_session.pk])
    response = client.post(url, {"mode": "face_to_face"})
    assert response.status_code == 400 and "elle en compte 1" in response.content.decode()
    assert client.post(url, {"mode": "remote"}).status_code == 302
    assert TrainingSession.objects.get(pk=the_session.pk).mode == "remote"


def test_onboarding_checklist_bad_input_and_completion(client, world, owner, time_machine):
    match = world[2].match
    client.force_login(owner)
    url = reverse("training:onboarding", args=[match.pk])
    page = client.get(url).content.decode()
    assert "Taille de tenue (dossier de subvention) : <strong>M</strong>" in page
    response = client.post(url, {"outfit_handed_over_on": "2026-03-01"})
    assert response.status_code == 400
    assert "Indiquez d&#x27;abord la date de commande" in response.content.decode()
    response = client.post(url, {"computer_on": "2026-03-10"})
    assert response.status_code == 400 and "dans le futur" in response.content.decode()
    assert OnboardingChecklist.objects.get(match=match).computer_on is None
    values = {name: "2026-03-01" for name in OnboardingChecklist.ITEM_FIELDS.values() if name != "vehicle_on"}
    assert client.post(url, values).status_code == 302
    checklist = OnboardingChecklist.objects.get(match=match)
    assert checklist.completed_on == date(2026, 3, 2)
    entry = JournalEntry.objects.filter(action="onboarding.updated").latest("pk")
    assert entry.after["completed"] is True and "completed_on" in entry.after["fields"]
    docx = client.get(reverse("training:booklet", args=[match.pk]))
    assert docx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_anct_changes_the_provider(client, world):
    training = world[2]
    other = provider("Second organisme", departements=("03",))
    anct = UserFactory(role=Role.ANCT)
    client.force_login(anct)
    url = reverse("training:change_provider", args=[training.pk])
    response = client.post(url, {"provider": "999999"})
    assert response.status_code == 400 and "Choisissez un organisme de la liste" in response.content.decode()
    assert client.post(url, {"provider": other.pk}).status_code == 302
    training.refresh_from_db()
    assert (training.provider, training.status, training.path) == (other, TrainingStatus.TO_POSITION, None)
    assert JournalEntry.objects.get(action="training.change_provider").after["provider"] == other.pk


def test_national_table_and_rates(client, world):
    client.force_login(UserFactory(role=Role.ANCT))
    page = client.get(reverse("training:national")).content.decode()
    assert world[0].name in page
    rates = client.get(reverse("training:onboarding_rates")).content.decode()
    assert "03 — Allier" in rates


def test_the_advisors_space_opens_with_the_checklist_and_the_community(client, world, owner):
    training = world[2]
    checklist = onboarding.checklist_for(training.match)
    checklist.computer_on = date(2026, 3, 1)
    checklist.save(update_fields=["computer_on"])
    client.force_login(training.match.candidate.user)
    page = client.get(reverse("dashboard:home")).content.decode()
    assert "Ma prise de poste" in page and 'Ordinateur fourni<span class="fr-sr-only"> : fait' in page
    assert "lesbases.anct.gouv.fr" in page
    assert "Votre formation : positionné" in page
