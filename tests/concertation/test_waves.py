"""Waves: an application submitted while no wave is open waits for the next one and joins it when it opens;
overlapping waves are refused, even when two ANCT agents create them at the same moment."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from cnfs.accounts.roles import Role
from cnfs.concertation import workflow
from cnfs.concertation.models import ApplicationStatus, ApplicationTransition, StructureApplication, Wave
from cnfs.concertation.tasks import open_waves
from cnfs.concertation.waves import create_wave
from cnfs.journal.models import JournalEntry
from tests.concurrency import APPS_BUT_JOURNAL, outcomes, race
from tests.factories import StructureApplicationFactory, UserFactory, WaveFactory

pytestmark = pytest.mark.django_db
S = ApplicationStatus
TODAY = date(2026, 9, 14)


@pytest.fixture
def today(time_machine):
    time_machine.move_to(timezone.make_aware(timezone.datetime(2026, 9, 14, 10, 0)), tick=False)
    return TODAY


def confirmed():
    return StructureApplicationFactory(email_confirmed_at=timezone.now())


def wave_form(name, opens_on, closes_on):
    return {"name": name, "opens_on": opens_on, "closes_on": closes_on, "target_posts": "500"}


def test_an_application_submitted_while_no_wave_is_open_waits_for_the_next_one(today):
    WaveFactory(opens_on=date(2026, 3, 1), closes_on=date(2026, 6, 30))  # closed
    WaveFactory(opens_on=date(2026, 10, 1), closes_on=date(2026, 12, 31))  # not yet open
    application = workflow.submit(confirmed())
    application.refresh_from_db()
    assert (application.status, application.wave) == (S.WAITING_FOR_WAVE, None)
    assert application.get_status_display() == "En attente de vague"
    assert application.submitted_at is not None
    log = ApplicationTransition.objects.get(application=application, name="submit_before_wave")
    assert (log.from_status, log.to_status) == (S.DRAFT, S.WAITING_FOR_WAVE)


def test_a_waiting_application_holds_its_siret_and_is_pending_for_the_prefet(client, today):
    waiting = workflow.submit(confirmed())
    second = StructureApplicationFactory(siret=waiting.siret, email_confirmed_at=timezone.now())
    with pytest.raises(workflow.TransitionError, match="déjà en cours"):
        workflow.submit(second)
    assert list(StructureApplication.objects.pending()) == [waiting]
    client.force_login(UserFactory(role=Role.PREFECTURE))
    page = client.get(reverse("concertation:list")).content.decode()
    assert waiting.display_name in page and "En attente de vague" in page


def test_anct_cannot_decide_on_a_waiting_application(today):
    waiting = workflow.submit(confirmed())
    with pytest.raises(workflow.TransitionError, match="En attente de vague"):
        workflow.decide(
            waiting,
            by=UserFactory(role=Role.ANCT),
            outcome="negative",
            without_opinion_reason="Motif du test.",
        )


def test_creating_a_wave_that_opens_today_takes_in_the_waiting_applications(client, today):
    waiting = [workflow.submit(confirmed()) for _ in range(2)]
    draft = StructureApplicationFactory()
    anct = UserFactory(role=Role.ANCT)
    client.force_login(anct)
    response = client.post(reverse("concertation:waves"), wave_form("Vague 3", "2026-09-14", "2026-12-31"))
    assert response.status_code == 302
    wave = Wave.objects.get(name="Vague 3")
    for application in waiting:
        application.refresh_from_db()
        assert (application.status, application.wave) == (S.SUBMITTED, wave)
        log = ApplicationTransition.objects.get(application=application, name="join_wave")
        assert (log.from_status, log.to_status, log.by) == (S.WAITING_FOR_WAVE, S.SUBMITTED, None)
        entry = JournalEntry.objects.for_object(application).get(action="application.join_wave")
        assert entry.role == "system" and entry.after["wave"] == wave.pk
    draft.refresh_from_db()
    assert draft.status == S.DRAFT
    assert JournalEntry.objects.get(action="wave.created").actor == anct


def test_a_wave_opening_later_is_joined_by_the_daily_task_on_its_opening_day(today, time_machine):
    waiting = workflow.submit(confirmed())
    wave = create_wave(
        by=UserFactory(role=Role.ANCT),
        name="Vague d'automne",
        opens_on=date(2026, 9, 15),
        closes_on=date(2026, 12, 31),
        target_posts=100,
    )
    assert open_waves.call() == 0
    waiting.refresh_from_db()
    assert waiting.status == S.WAITING_FOR_WAVE  # the eve of the opening day: still waiting
    time_machine.move_to(timezone.make_aware(timezone.datetime(2026, 9, 15, 0, 5)), tick=False)
    assert open_waves.call() == 1
    waiting.refresh_from_db()
    assert (waiting.status, waiting.wave) == (S.SUBMITTED, wave)
    assert open_waves.call() == 0  # idempotent


def test_the_wave_opening_task_is_scheduled_daily(settings):
    assert settings.CNFS_DAILY_TASKS["wave_opening"][0] == "cnfs.concertation.tasks.open_waves"


@pytest.mark.parametrize(
    ("opens_on", "closes_on"),
    [
        ("2026-01-15", "2026-02-15"),
        ("2025-12-01", "2026-01-01"),
        ("2026-03-31", "2026-05-01"),
        ("2025-01-01", "2027-01-01"),
    ],
)
def test_an_overlapping_wave_is_refused_and_the_form_says_which(client, opens_on, closes_on):
    WaveFactory(name="Vague de printemps", opens_on=date(2026, 1, 1), closes_on=date(2026, 3, 31))
    client.force_login(UserFactory(role=Role.ANCT))
    response = client.post(reverse("concertation:waves"), wave_form("Vague 9", opens_on, closes_on))
    html = response.content.decode()
    assert response.status_code == 400
    assert "chevauche la vague « Vague de printemps » (du 01/01/2026 au 31/03/2026)" in html
    assert 'id="id_opens_on-error"' in html and f'value="{opens_on}"' in html
    assert Wave.objects.count() == 1
    assert not JournalEntry.objects.filter(action="wave.created").exists()


def test_adjacent_waves_are_accepted(client):
    WaveFactory(opens_on=date(2026, 1, 1), closes_on=date(2026, 3, 31))
    client.force_login(UserFactory(role=Role.ANCT))
    response = client.post(reverse("concertation:waves"), wave_form("Vague 2", "2026-04-01", "2026-06-30"))
    assert response.status_code == 302
    assert Wave.objects.count() == 2


def test_the_wave_service_refuses_an_overlap_the_form_did_not_see():
    WaveFactory(name="Vague A", opens_on=date(2026, 1, 1), closes_on=date(2026, 3, 31))
    with pytest.raises(workflow.TransitionError, match="Vague A"):
        create_wave(
            by=None, name="B", opens_on=date(2026, 3, 31), closes_on=date(2026, 4, 30), target_posts=1
        )


def test_waves_page_permission_matrix(role_matrix):
    role_matrix.check(reverse("concertation:waves"), {Role.ANCT})
    role_matrix.check(
        reverse("concertation:waves"),
        {Role.ANCT},
        method="post",
        data=wave_form("x", "2026-13-01", "2026-01-01"),
        ok=400,
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, available_apps=APPS_BUT_JOURNAL)
@pytest.mark.usefixtures("_journal_cleanup")
def test_two_anct_agents_creating_overlapping_waves_at_the_same_moment_make_one_wave():
    agents = [UserFactory(role=Role.ANCT), UserFactory(role=Role.ANCT)]

    def create(agent, name, opens_on, closes_on):
        return create_wave(by=agent, name=name, opens_on=opens_on, closes_on=closes_on, target_posts=10)

    results = race(
        lambda: create(agents[0], "Vague A", date(2027, 1, 1), date(2027, 3, 31)),
        lambda: create(agents[1], "Vague B", date(2027, 3, 1), date(2027, 5, 31)),
    )
    assert outcomes(results, workflow.TransitionError) == ["ok", "refused"]
    assert Wave.objects.count() == 1


def test_the_public_path_creates_the_draft_as_a_step_and_confirms_into_the_waiting_list(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    import re

    from tests.concertation.test_apply import COMMITMENTS, CONTACT, MOTIVATION, identity, project
    from tests.factories import CommuneFactory

    CommuneFactory()
    client.post(reverse("concertation:start"), identity())
    application = StructureApplication.objects.get()
    log = ApplicationTransition.objects.get(application=application)
    assert (log.name, log.from_status, log.to_status, log.by) == ("create", "", S.DRAFT, None)
    assert JournalEntry.objects.for_object(application).get().action == "application.create"
    for number, data in [(2, CONTACT), (3, project()), (4, MOTIVATION), (5, COMMITMENTS)]:
        client.post(reverse("concertation:step", args=[application.public_id, number]), data)
    assert ApplicationTransition.objects.filter(application=application).count() == 1  # steps are not moves
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("concertation:transmit", args=[application.public_id]))
    link = re.search(r"http://testserver(/candidatures/confirmer/\S+)", mailoutbox[-1].body).group(1)
    response = client.get(link, follow=True)
    application.refresh_from_db()
    assert application.status == S.WAITING_FOR_WAVE
    html = response.content.decode()
    assert "prochaine vague" in html and "En attente de vague" in html
