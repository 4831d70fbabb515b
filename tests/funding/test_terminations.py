"""Terminations and extensions: the structure requests, ANCT validates (money settled pro rata of the months served,
contract ended, post free with a new deadline, person available again) or refuses; extensions move the end later."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db import IntegrityError

from cnfs.accounts.roles import Role
from cnfs.core.workflow import TransitionError
from cnfs.funding import payments, terminations
from cnfs.funding.models import (
    ContractExtension,
    ContractStatus,
    ContractType,
    Termination,
    TerminationMotive,
    TerminationStatus,
    Tranche,
    TrancheStatus,
)
from cnfs.funding.services import contract_funding
from cnfs.journal.models import JournalEntry
from cnfs.recruitment import workflow
from cnfs.recruitment.models import Advisor, AdvisorStatus, Match, MatchStatus
from cnfs.structures.models import PostStatus, PostTransition
from cnfs.structures.services import add_months
from tests.concurrency import APPS_BUT_JOURNAL, outcomes, race
from tests.factories import UserFactory
from tests.funding.factories import complete_hire, contract_for, hire_requested_match, hired_match
from tests.recruitment.factories import MatchFactory, activated_structure, structure_user

pytestmark = pytest.mark.django_db

TODAY = "2026-06-15 10:00:00+02:00"
START = date(2025, 12, 1)  # tranches due 01/01/2026 (10 000), 01/06/2026 (15 000), 01/12/2026 (25 000)


@pytest.fixture
def today(time_machine):
    time_machine.move_to(TODAY, tick=False)
    return date(2026, 6, 15)


@pytest.fixture
def anct():
    return UserFactory(role=Role.ANCT)


@pytest.fixture
def contract(today):
    match = hired_match()
    return contract_for(match, signed_on=START, agreement=True)


def pay(contract, *numbers):
    """The Banque des Territoires pays these tranches on their due date."""
    bdt = UserFactory(role=Role.BDT)
    for number in numbers:
        tranche = contract.tranches.get(number=number)
        payments.record_payment(
            tranche, by=bdt, paid_on=tranche.due_on, amount=tranche.amount, reference=f"VIR-{tranche.pk}"
        )


def request(contract, day, motive=TerminationMotive.RESIGNATION):
    user = structure_user(contract.structure)
    return terminations.request_termination(contract, by=user, motive=motive, day=day, comment="Départ")


def test_a_request_moves_the_match_and_is_journaled(contract):
    termination = request(contract, date(2026, 6, 14))
    assert termination.status == TerminationStatus.REQUESTED
    assert Match.objects.get(pk=contract.match_id).status == MatchStatus.TERMINATION_REQUESTED
    entry = JournalEntry.objects.get(action="termination.requested")
    assert entry.after["contract"] == contract.pk and entry.after["date"] == "2026-06-14"
    assert "comment" not in entry.after


def test_the_termination_date_must_be_within_the_contract(contract):
    with pytest.raises(TransitionError, match=r"au plus tard la date de fin du contrat \(01/12/2027\)"):
        request(contract, date(2027, 12, 2))
    with pytest.raises(TransitionError, match=r"au plus tôt la date de début du contrat \(01/12/2025\)"):
        request(contract, date(2025, 11, 30))
    with pytest.raises(TransitionError, match="motif"):
        request(contract, date(2026, 6, 1), motive="unknown")
    assert not Termination.objects.exists()
    assert Match.objects.get(pk=contract.match_id).status == MatchStatus.HIRED


def test_a_second_open_request_is_refused(contract):
    request(contract, date(2026, 6, 14))
    with pytest.raises(TransitionError, match="déjà en cours"):
        request(contract, date(2026, 6, 10))
    assert Termination.objects.count() == 1


def test_one_open_termination_per_contract_is_a_database_rule(contract):
    first = request(contract, date(2026, 6, 14))
    with pytest.raises(IntegrityError):
        Termination.objects.create(
            contract=contract,
            structure=contract.structure,
            motive=first.motive,
            date=first.date,
            requested_by=first.requested_by,
        )


def test_validation_cancels_the_tranches_not_yet_due_and_shows_the_amount_to_recover(contract, anct):
    pay(contract, 1, 2)
    termination = request(contract, date(2026, 6, 14))
    terminations.validate_termination(termination, by=anct)
    termination.refresh_from_db()
    # 01/12/2025 → 14/06/2026: 6 whole months; 50 000 × 6 / 24 = 12 500.
    assert termination.status == TerminationStatus.VALIDATED
    assert termination.months_served == 6
    assert termination.amount_due == Decimal("12500.00")
    statuses = dict(contract.tranches.values_list("number", "status"))
    assert statuses == {1: TrancheStatus.PAID, 2: TrancheStatus.PAID, 3: TrancheStatus.CANCELLED}
    assert contract.tranches.get(number=3).cancelled_at is not None
    assert not contract.tranches.filter(number=Tranche.BALANCE).exists()
    # T1 + T2 = 25 000 paid: 12 500 too much.
    assert terminations.amount_to_recover(termination) == Decimal("12500.00")


def test_a_due_tranche_not_paid_yet_is_not_paid_beyond_the_amount_due(contract, anct):
    pay(contract, 1)
    termination = request(contract, date(2026, 6, 14))
    terminations.validate_termination(termination, by=anct)
    termination.refresh_from_db()
    # T2 (15 000, due 01/06) unpaid: with T1's 10 000 paid it would exceed the 12 500 due; a balance of 2 500 instead.
    statuses = dict(contract.tranches.values_list("number", "status"))
    assert statuses == {
        1: TrancheStatus.PAID,
        2: TrancheStatus.CANCELLED,
        3: TrancheStatus.CANCELLED,
        Tranche.BALANCE: TrancheStatus.SCHEDULED,
    }
    assert contract.tranches.get(number=Tranche.BALANCE).amount == Decimal("2500.00")
    assert sum(t.amount for t in contract.tranches.forecast()) == termination.amount_due
    assert terminations.amount_to_recover(termination) == Decimal("0")


def test_validation_writes_a_balance_when_the_tranches_kept_fall_short(contract, anct):
    pay(contract, 1)
    termination = request(contract, date(2026, 5, 31))
    terminations.validate_termination(termination, by=anct)
    termination.refresh_from_db()
    # 01/12/2025 → 31/05/2026: 6 whole months (the day after reaches 01/06); only T1 was due on 31/05.
    assert termination.months_served == 6
    assert termination.amount_due == Decimal("12500.00")
    balance = contract.tranches.get(number=Tranche.BALANCE)
    assert balance.amount == Decimal("2500.00")
    assert balance.due_on == date(2026, 5, 31)
    assert balance.status == TrancheStatus.SCHEDULED
    assert contract.tranches.get(number=2).status == TrancheStatus.CANCELLED
    assert terminations.amount_to_recover(termination) == Decimal("0")


def test_the_user_path_from_hire_to_a_new_hire_elsewhere(
    today, anct, django_capture_on_commit_callbacks, settings
):
    settings.CNFS_ANCT_MAILBOX = "programme@anct.example"
    match = hired_match()
    structure = match.structure
    owner = structure_user(structure)
    contract = contract_for(match, signed_on=START, agreement=True)
    pay(contract, 1, 2)
    post = match.post
    with django_capture_on_commit_callbacks(execute=True):
        termination = terminations.request_termination(
            contract, by=owner, motive=TerminationMotive.DISMISSAL, day=date(2026, 6, 14)
        )
    assert [m.to for m in mail.outbox] == [["programme@anct.example"]]
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        terminations.validate_termination(termination, by=anct)

    contract.refresh_from_db()
    assert contract.status == ContractStatus.ENDED and contract.ended_on == date(2026, 6, 14)
    match.refresh_from_db()
    assert match.status == MatchStatus.TERMINATED
    assert Advisor.objects.get(candidate=match.candidate).status == AdvisorStatus.TERMINATED
    post.refresh_from_db()
    assert post.status == PostStatus.FREE
    assert post.deadline == date(2026, 8, 15)  # today + 2 recruitment months
    reopen = PostTransition.objects.get(post=post, name="reopen")
    assert reopen.by == anct and "15/08/2026" in reopen.reason
    candidate = match.candidate
    candidate.refresh_from_db()
    assert candidate.is_available
    actions = set(JournalEntry.objects.values_list("action", flat=True))
    assert {
        "termination.validated",
        "post.reopened",
        "match.terminate",
        "candidate.available_again",
    } <= actions
    entry = JournalEntry.objects.get(action="termination.validated")
    assert entry.actor == anct
    assert entry.after["cancelled_tranches"] == [3] and entry.after["amount_due"] == "12500.00"
    assert entry.before == {"status": "requested"}
    assert {m.to[0] for m in mail.outbox} >= {owner.email}
    assert all("validée" in m.subject for m in mail.outbox)

    # Another structure hires the person.
    other = activated_structure(posts=1)
    rehire = MatchFactory(structure=other, candidate=candidate, status=MatchStatus.SHORTLISTED)
    rehire = workflow.request_hire(rehire, by=structure_user(other))
    assert rehire.status == MatchStatus.HIRE_REQUESTED

    # The freed post is recruited again and continues the post's funding (50 000 − 12 500).
    second = hire_requested_match(structure)
    assert second.post_id == post.pk
    second = complete_hire(second)
    new_contract = contract_for(second, signed_on=date(2026, 7, 1))
    assert contract_funding(new_contract) == Decimal("37500.00")
    assert sum(t.amount for t in new_contract.tranches.all()) == Decimal("37500.00")


def test_refusal_needs_a_reason_and_puts_the_match_back_to_hired(
    contract, anct, django_capture_on_commit_callbacks
):
    termination = request(contract, date(2026, 6, 14))
    with pytest.raises(TransitionError, match="motif"):
        terminations.refuse_termination(termination, by=anct, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        terminations.refuse_termination(termination, by=anct, reason="Pièces justificatives manquantes")
    termination.refresh_from_db()
    assert termination.status == TerminationStatus.REFUSED
    assert Match.objects.get(pk=contract.match_id).status == MatchStatus.HIRED
    assert contract.tranches.filter(status=TrancheStatus.CANCELLED).count() == 0
    entry = JournalEntry.objects.get(action="termination.refused")
    assert entry.actor == anct and "Pièces" not in str(entry.after)
    assert any("refusée" in m.subject for m in mail.outbox)
    # A new request is possible after a refusal.
    assert request(contract, date(2026, 6, 10)).status == TerminationStatus.REQUESTED


def test_a_decided_termination_cannot_be_decided_again(contract, anct):
    pay(contract, 1, 2)
    termination = request(contract, date(2026, 6, 14))
    terminations.validate_termination(termination, by=anct)
    with pytest.raises(TransitionError, match="déjà"):
        terminations.validate_termination(termination, by=anct)
    with pytest.raises(TransitionError, match="déjà"):
        terminations.refuse_termination(termination, by=anct, reason="Trop tard pour refuser")
    assert Tranche.objects.filter(number=Tranche.BALANCE).count() == 0


def test_an_extension_moves_the_end_date_forward_and_is_journaled(contract):
    user = structure_user(contract.structure)
    extension = terminations.extend_contract(contract, by=user, end_date=date(2028, 6, 1))
    contract.refresh_from_db()
    assert contract.end_date == date(2028, 6, 1)
    assert extension.previous_end_date == date(2027, 12, 1)
    entry = JournalEntry.objects.get(action="contract.extended")
    assert entry.before == {"end_date": "2027-12-01"} and entry.after["end_date"] == "2028-06-01"
    with pytest.raises(TransitionError, match=r"postérieure à l'actuelle \(01/06/2028\)"):
        terminations.extend_contract(contract, by=user, end_date=date(2028, 5, 1))
    assert ContractExtension.objects.count() == 1


def test_a_cdi_has_no_end_date_to_extend(today):
    contract = contract_for(hired_match(), signed_on=START, type=ContractType.CDI)
    with pytest.raises(TransitionError, match="CDI"):
        terminations.extend_contract(contract, by=UserFactory(), end_date=date(2028, 1, 1))
    # and a CDI can be terminated at any date after its start
    assert request(contract, date(2030, 1, 1)).status == TerminationStatus.REQUESTED


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, available_apps=APPS_BUT_JOURNAL)
@pytest.mark.usefixtures("_journal_cleanup")
def test_two_agents_validating_the_same_termination_at_once_settle_it_once():
    contract = contract_for(hired_match(), signed_on=START)
    termination = terminations.request_termination(
        contract,
        by=structure_user(contract.structure),
        motive=TerminationMotive.RESIGNATION,
        day=add_months(START, 6) - timedelta(days=1),
    )
    agents = [UserFactory(role=Role.ANCT), UserFactory(role=Role.ANCT)]
    results = race(*[lambda a=a: terminations.validate_termination(termination, by=a) for a in agents])
    assert outcomes(results, TransitionError) == ["ok", "refused"]
    assert contract.tranches.filter(number=Tranche.BALANCE).count() == 1
    assert Termination.objects.get().status == TerminationStatus.VALIDATED


def test_a_reopened_post_is_reminded_fifteen_days_before_its_new_deadline(
    contract, anct, django_capture_on_commit_callbacks
):
    from cnfs.recruitment.tasks import send_deadline_reminders

    terminations.validate_termination(
        request(contract, date(2026, 6, 14)), by=anct
    )  # new deadline 15/08/2026
    with django_capture_on_commit_callbacks(execute=True):
        assert send_deadline_reminders.call("2026-07-30") == 0
        sent = send_deadline_reminders.call("2026-07-31")
    assert sent >= 1
    assert any("date limite le 15/08/2026" in m.subject for m in mail.outbox)
