"""The training workflow through its services: assignment when the grant file is transmitted, positioning, the
four paths, the start rules against the contract, attendance, dropout and completion — with what each leaves in the
journal and the outbox."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cnfs.accounts.roles import Role
from cnfs.journal.models import JournalEntry
from cnfs.notifications.models import OutgoingEmail
from cnfs.training import attendance, services, sessions
from cnfs.training.models import (
    DropoutReason,
    Rhythm,
    Training,
    TrainingPath,
    TrainingStatus,
)
from cnfs.training.services import TransitionError
from tests.factories import UserFactory
from tests.funding.factories import hire_requested_match
from tests.training.factories import hired_training, positioned, provider, provider_agent, session

pytestmark = pytest.mark.django_db
P = Role.TRAINING_PROVIDER


@pytest.fixture
def today(time_machine):
    time_machine.move_to("2026-03-02 09:00:00+01:00", tick=False)  # a Monday
    return date(2026, 3, 2)


@pytest.fixture
def setup(today):
    training_provider = provider()
    agent = provider_agent(training_provider)
    return training_provider, agent


def test_transmitting_the_grant_file_assigns_the_provider_covering_the_departement(setup):
    training_provider, _ = setup
    provider("Autre organisme", departements=("63",))
    training = hired_training(training_provider=training_provider)
    assert training.provider == training_provider
    assert training.status == TrainingStatus.TO_POSITION
    entry = JournalEntry.objects.get(action="training.assign")
    assert entry.after["provider"] == training_provider.pk
    person = training.match.candidate.user.email
    assert OutgoingEmail.objects.filter(to=person, subject__contains=training_provider.name).count() == 1


def test_no_provider_covers_the_departement_leaves_it_to_anct(today):
    training = hired_training(training_provider=provider("Ailleurs", departements=("63",)))
    assert training.provider is None
    anct = UserFactory(role=Role.ANCT)
    other = provider("Allier Formation", departements=("03",))
    training = services.change_provider(training, other, by=anct, role=Role.ANCT)
    assert training.provider == other
    assert JournalEntry.objects.filter(action="training.change_provider").count() == 1


def test_a_second_transmission_keeps_the_same_training(setup):
    training = hired_training(training_provider=setup[0])
    assert services.assign(training.match) == training
    assert Training.objects.filter(match=training.match).count() == 1


def test_a_stopped_hire_request_cancels_the_training(setup):
    from cnfs.funding import grant_files
    from cnfs.funding.models import GrantFile
    from cnfs.recruitment import workflow
    from tests.funding.files import complete

    match = hire_requested_match()
    member = match.transitions.latest("pk").by
    grant_file = complete(GrantFile.objects.live().get(match=match), member)
    grant_files.transmit(grant_file, by=member, role=Role.STRUCTURE)
    assert Training.objects.get(match=match).status == TrainingStatus.TO_POSITION
    workflow.cancel_hire_request(match, by=member, role=Role.STRUCTURE, reason="Le candidat a renoncé.")
    assert Training.objects.get(match=match).status == TrainingStatus.CANCELLED


def test_positioning_then_path_rhythm_and_journal(setup):
    _, agent = setup
    training = positioned(hired_training(), agent, path=TrainingPath.WORK_STUDY_105)
    assert (training.status, training.path, training.rhythm) == (
        TrainingStatus.POSITIONED,
        105,
        Rhythm.WORK_STUDY,
    )
    assert JournalEntry.objects.get(action="training.assign_path").after["path"] == 105
    assert OutgoingEmail.objects.filter(subject__startswith="Test de positionnement le 02/03/2026").exists()


@pytest.mark.parametrize("path", [0, 100, 281, "420h", None, 999])
def test_a_path_other_than_the_four_is_refused(setup, path):
    _, agent = setup
    training = positioned(hired_training(), agent)
    with pytest.raises(ValidationError) as error:
        services.assign_path(training, path=path, by=agent, role=P)
    assert "quatre parcours" in error.value.message_dict["path"][0]
    training.refresh_from_db()
    assert training.path == 280


def test_the_database_refuses_a_fifth_path(setup):
    _, agent = setup
    training = positioned(hired_training(), agent)
    with pytest.raises(IntegrityError), transaction.atomic():
        Training.objects.filter(pk=training.pk).update(path=300)


@pytest.mark.parametrize(
    "path, start, end",
    [
        (105, date(2026, 3, 23), date(2026, 7, 5)),  # 15 weeks of 7 h
        (280, date(2026, 3, 23), date(2026, 5, 17)),  # 8 weeks of 35 h
        (350, date(2026, 3, 23), date(2026, 5, 31)),  # 10 weeks
        (420, date(2026, 3, 23), date(2026, 6, 14)),  # 12 weeks
    ],
)
def test_expected_end_date_follows_hours_and_rhythm(setup, path, start, end):
    training_provider, agent = setup
    training = positioned(hired_training(), agent, path=path)
    training = sessions.register(
        training, session(training_provider, agent, start=start, path=path), by=agent, role=P
    )
    assert (training.start_date, training.expected_end_date) == (start, end)


def test_training_start_before_the_contract_start_is_refused(setup, today):
    training_provider, agent = setup
    training = positioned(hired_training(contract_start=today + timedelta(days=30)), agent)
    early = session(training_provider, agent, start=today + timedelta(days=29))
    with pytest.raises(ValidationError) as error:
        sessions.register(training, early, by=agent, role=P)
    assert "avant le début du contrat (01/04/2026)" in error.value.message_dict["session"][0]
    training.refresh_from_db()
    early.refresh_from_db()
    assert (training.status, early.registered_count) == (TrainingStatus.POSITIONED, 0)


@pytest.mark.parametrize("days_after, late", [(0, False), (15, False), (16, True)])
def test_a_start_more_than_15_days_after_the_contract_start_is_flagged(setup, today, days_after, late):
    training_provider, agent = setup
    contract_start = today + timedelta(days=5)
    training = positioned(hired_training(contract_start=contract_start), agent)
    start = contract_start + timedelta(days=days_after)
    training = sessions.register(training, session(training_provider, agent, start=start), by=agent, role=P)
    assert training.late_start is late
    assert JournalEntry.objects.get(action="training.register").after["late_start"] is late


def _in_training(setup, today, **kwargs):
    training_provider, agent = setup
    training = positioned(hired_training(), agent, **kwargs)
    start = today + timedelta(days=7)
    return sessions.register(training, session(training_provider, agent, start=start), by=agent, role=P)


def test_attendance_sums_and_never_exceeds_the_path(setup, today, time_machine):
    _, agent = setup
    training = _in_training(setup, today)
    time_machine.move_to("2026-05-20 09:00:00+02:00", tick=False)
    for week in range(7):
        attendance.record_attendance(
            training, week=date(2026, 3, 9) + timedelta(weeks=week), hours=35, by=agent
        )
    training.refresh_from_db()
    assert training.hours_done == Decimal(245)
    with pytest.raises(ValidationError) as error:
        attendance.record_attendance(training, week=date(2026, 4, 27), hours=Decimal("35.5"), by=agent)
    assert "entre 0,5 et 35" in error.value.message_dict["hours"][0]
    attendance.record_attendance(training, week=date(2026, 4, 27), hours=35, by=agent)
    with pytest.raises(ValidationError) as error:
        attendance.record_attendance(training, week=date(2026, 5, 4), hours=1, by=agent)
    assert "dépasserait les 280 h" in error.value.message_dict["hours"][0]
    training.refresh_from_db()
    assert training.hours_done == 280
    # the same week again replaces its hours
    attendance.record_attendance(training, week=date(2026, 4, 29), hours=20, by=agent)
    training.refresh_from_db()
    assert training.hours_done == 265


def test_completion_before_the_start_is_refused_then_recorded(setup, today, time_machine):
    _, agent = setup
    training = _in_training(setup, today)
    time_machine.move_to("2026-05-20 09:00:00+02:00", tick=False)
    with pytest.raises(ValidationError) as error:
        services.complete(
            training, ccp1_on=date(2026, 3, 8), pix_on=date(2026, 5, 12), pix_score=520, by=agent, role=P
        )
    assert "précède le début de la formation (09/03/2026)" in error.value.message_dict["ccp1_on"][0]
    training.refresh_from_db()
    assert training.status == TrainingStatus.IN_TRAINING
    with pytest.raises(ValidationError) as error:
        services.complete(
            training, ccp1_on=date(2026, 5, 12), pix_on=date(2026, 5, 21), pix_score=2000, by=agent, role=P
        )
    assert set(error.value.message_dict) == {"pix_on", "pix_score"}
    training = services.complete(
        training, ccp1_on=date(2026, 5, 12), pix_on=date(2026, 5, 13), pix_score=520, by=agent, role=P
    )
    assert training.status == TrainingStatus.COMPLETED
    entry = JournalEntry.objects.get(action="training.complete")
    assert entry.after["pix_score"] == 520 and entry.before == {"status": "in_training"}
    assert (
        OutgoingEmail.objects.filter(subject__startswith="Formation terminée").count() == 2
    )  # structure + person


def test_dropout_closes_the_registration(setup, today, time_machine):
    _, agent = setup
    training = _in_training(setup, today)
    the_session = training.registrations.get().session
    time_machine.move_to("2026-03-20 09:00:00+01:00", tick=False)
    training = services.drop(training, day=date(2026, 3, 19), reason=DropoutReason.HEALTH, by=agent, role=P)
    the_session.refresh_from_db()
    assert training.status == TrainingStatus.DROPPED and the_session.registered_count == 0


def test_another_provider_cannot_register_in_its_sessions(setup, today):
    training_provider, agent = setup
    training = positioned(hired_training(), agent)
    other = provider("Autre", departements=("63",))
    foreign = session(other, provider_agent(other), start=today + timedelta(days=20))
    with pytest.raises(TransitionError):
        sessions.register(training, foreign, by=agent, role=P)


def test_a_role_other_than_the_provider_cannot_position(setup):
    training = hired_training()
    with pytest.raises(services.TransitionForbidden):
        services.book_positioning(
            training, day=date(2026, 3, 3), by=UserFactory(role=Role.ANCT), role=Role.ANCT
        )


def test_a_validated_termination_stops_the_training(setup, today):
    from cnfs.funding import terminations
    from cnfs.funding.models import TerminationMotive

    training_provider, agent = setup
    training = positioned(hired_training(training_provider=training_provider), agent)
    training = sessions.register(
        training, session(training_provider, agent, start=today + timedelta(days=9)), by=agent, role=P
    )
    contract = training.match.contracts.get()
    member = training.match.transitions.filter(name="request_hire").latest("pk").by
    termination = terminations.request_termination(
        contract, by=member, motive=TerminationMotive.RESIGNATION, day=today + timedelta(days=3)
    )
    terminations.validate_termination(termination, by=UserFactory(role=Role.ANCT))
    training.refresh_from_db()
    assert (training.status, training.dropout_reason, training.dropped_on) == (
        TrainingStatus.DROPPED,
        DropoutReason.CONTRACT_ENDED,
        today + timedelta(days=3),
    )
    assert training.registrations.get().session.registered_count == 0
    assert JournalEntry.objects.get(action="training.contract_ended").after["session"] is not None
