"""The rule of 8: a face-to-face session is confirmed only with at least 8 registrants at the same centre on the
same date; with fewer it is confirmed remote and every registrant (and their structure) is told why. Registration
and withdrawal at the same moment leave the count exact (PostgreSQL, real concurrent transactions)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cnfs.accounts.roles import Role
from cnfs.journal.models import JournalEntry
from cnfs.notifications.models import OutgoingEmail
from cnfs.training import sessions
from cnfs.training.models import (
    SessionMode,
    SessionRegistration,
    SessionStatus,
    Training,
    TrainingSession,
    TrainingStatus,
)
from cnfs.training.services import TransitionError
from tests.concurrency import APPS_BUT_JOURNAL, race
from tests.training.factories import hired_training, positioned, provider, provider_agent, session

P = Role.TRAINING_PROVIDER


def _registered(count, *, start=None):
    """A provider's session (starting in 20 days) with `count` advisors registered through the real services."""
    training_provider = provider()
    agent = provider_agent(training_provider)
    the_session = session(training_provider, agent, start=start)
    trainings = []
    for _ in range(count):
        training = positioned(hired_training(training_provider=training_provider), agent)
        trainings.append(sessions.register(training, the_session, by=agent, role=P))
    the_session.refresh_from_db()
    return the_session, agent, trainings


@pytest.fixture
def at_cutoff(time_machine):
    """Moves to the session's cut-off date (10 days before a start 20 days from now)."""

    def move():
        time_machine.move_to(timezone.now() + timedelta(days=10), tick=False)

    return move


@pytest.mark.django_db
@pytest.mark.parametrize("count", [7, 8, 9])
def test_face_to_face_needs_8_registrants(count, at_cutoff):
    the_session, agent, _ = _registered(count)
    assert the_session.registered_count == count
    at_cutoff()
    if count < 8:
        with pytest.raises(ValidationError) as error:
            sessions.confirm(the_session, mode=SessionMode.FACE_TO_FACE, by=agent)
        assert "au moins 8 conseillers" in error.value.message_dict["mode"][0]
        assert "elle en compte 7" in error.value.message_dict["mode"][0]
        assert TrainingSession.objects.get(pk=the_session.pk).status == SessionStatus.PLANNED
        assert not JournalEntry.objects.filter(action="training_session.confirmed").exists()
        the_session = sessions.confirm(the_session, mode=SessionMode.REMOTE, by=agent)
        assert the_session.mode == SessionMode.REMOTE
        emails = OutgoingEmail.objects.filter(subject__contains="formation à distance")
        # each registrant and their structure's member, once, with the reason
        assert emails.count() == 2 * count
        assert all(
            "au moins 8 conseillers" in email.body_text and "7 y sont inscrits" in email.body_text
            for email in emails
        )
        assert (
            JournalEntry.objects.get(action="training_session.confirmed").after["switched_to_remote"] is True
        )
    else:
        the_session = sessions.confirm(the_session, mode=SessionMode.FACE_TO_FACE, by=agent)
        assert (the_session.status, the_session.mode, the_session.confirmed_count) == (
            SessionStatus.CONFIRMED,
            SessionMode.FACE_TO_FACE,
            count,
        )
        assert OutgoingEmail.objects.filter(subject__contains="confirmée en présentiel").count() == 2 * count
        entry = JournalEntry.objects.get(action="training_session.confirmed")
        assert entry.after == {
            "status": "confirmed",
            "mode": "face_to_face",
            "registered": count,
            "switched_to_remote": False,
        }
    # a second confirmation is refused and mails nobody again
    sent = OutgoingEmail.objects.count()
    with pytest.raises(TransitionError):
        sessions.confirm(the_session, mode=SessionMode.REMOTE, by=agent)
    assert OutgoingEmail.objects.count() == sent


@pytest.mark.django_db
def test_the_database_refuses_a_face_to_face_confirmation_below_8():
    the_session, agent, _ = _registered(1)
    with pytest.raises(IntegrityError), transaction.atomic():
        TrainingSession.objects.filter(pk=the_session.pk).update(
            status=SessionStatus.CONFIRMED, confirmed_at=timezone.now(), confirmed_count=7
        )


@pytest.mark.django_db
def test_confirmation_waits_for_the_cutoff_date():
    the_session, agent, _ = _registered(1)
    with pytest.raises(TransitionError, match="se confirme à partir du"):
        sessions.confirm(the_session, mode=SessionMode.REMOTE, by=agent)


@pytest.mark.django_db
@pytest.mark.parametrize("days", [0, -1, -365])
def test_a_session_starting_today_or_in_the_past_is_refused_at_creation(days):
    training_provider = provider()
    agent = provider_agent(training_provider)
    with pytest.raises(ValidationError) as error:
        session(training_provider, agent, start=timezone.localdate() + timedelta(days=days))
    assert "doit être dans le futur" in error.value.message_dict["start_date"][0]
    assert not TrainingSession.objects.exists()


@pytest.mark.django_db
def test_the_same_centre_date_and_path_twice_is_one_session():
    training_provider = provider()
    agent = provider_agent(training_provider)
    session(training_provider, agent)
    with pytest.raises(ValidationError, match="existe déjà"):
        session(training_provider, agent)


@pytest.mark.django_db
def test_withdrawal_recounts_and_frees_the_start():
    the_session, agent, trainings = _registered(2)
    training = sessions.withdraw(trainings[0], by=agent, role=P)
    the_session.refresh_from_db()
    assert the_session.registered_count == 1
    assert (training.status, training.start_date, training.expected_end_date) == (
        TrainingStatus.POSITIONED,
        None,
        None,
    )
    assert SessionRegistration.objects.filter(training=training, withdrawn_at__isnull=False).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, available_apps=APPS_BUT_JOURNAL)
@pytest.mark.usefixtures("_journal_cleanup")
def test_registering_the_8th_while_another_withdraws_keeps_the_count_exact():
    the_session, agent, trainings = _registered(7)
    newcomer = positioned(hired_training(training_provider=the_session.provider), agent)
    leaving = trainings[0]
    for _ in range(3):  # several rounds: a lost update would show in one of them
        results = race(
            lambda: sessions.register(newcomer, the_session, by=agent, role=P),
            lambda: sessions.withdraw(leaving, by=agent, role=P),
        )
        assert not [r for r in results if isinstance(r, Exception)], results
        the_session.refresh_from_db()
        active = SessionRegistration.objects.filter(session=the_session, withdrawn_at__isnull=True).count()
        assert the_session.registered_count == active == 7
        # back to the start of the round: the newcomer leaves, the other one comes back
        sessions.withdraw(Training.objects.get(pk=newcomer.pk), by=agent, role=P)
        sessions.register(Training.objects.get(pk=leaving.pk), the_session, by=agent, role=P)
        newcomer.refresh_from_db()
        leaving.refresh_from_db()
    the_session.refresh_from_db()
    assert the_session.registered_count == 7


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, available_apps=APPS_BUT_JOURNAL)
@pytest.mark.usefixtures("_journal_cleanup")
def test_confirming_while_the_8th_registers_sees_a_consistent_count():
    """Confirmation and the 8th registration at once: either the confirmation saw 7 (and face-to-face was refused)
    or it saw 8 (and was accepted); never face-to-face with 7."""
    the_session, agent, _ = _registered(7, start=timezone.localdate() + timedelta(days=5))
    newcomer = positioned(hired_training(training_provider=the_session.provider), agent)
    results = race(
        lambda: sessions.register(newcomer, the_session, by=agent, role=P),
        lambda: sessions.confirm(the_session, mode=SessionMode.FACE_TO_FACE, by=agent),
    )
    assert not isinstance(results[0], Exception), results
    the_session.refresh_from_db()
    assert the_session.registered_count == 8
    if isinstance(results[1], ValidationError):
        assert the_session.status == SessionStatus.PLANNED
    else:
        assert (the_session.status, the_session.confirmed_count) == (SessionStatus.CONFIRMED, 8)
