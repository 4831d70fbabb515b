"""The life of a post after the hire (SPEC §8): a contract's termination ("rupture") requested by the structure and
validated or refused by ANCT, and a contract's extension.

Validation settles the money in the same transaction (see README, "Financement"): the contract's funding
(`services.contract_funding`) × whole months served / 24 is due; the tranches not yet due on the termination date are
cancelled; if the tranches kept fall short of the amount due, a balance tranche (number 4) due on the termination
date makes up the difference; if they exceed it, the termination shows the amount to recover ("trop-perçu"). The
contract ends, the advisor's match is terminated (recruitment frees the post), the post gets a new recruitment
deadline, and the person is a candidate again."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from cnfs.candidates import services as candidates
from cnfs.core.workflow import TransitionError
from cnfs.journal.services import record
from cnfs.recruitment import workflow as recruitment
from cnfs.structures.models import Structure
from cnfs.structures.services import reopen_post

from . import life_notify, rules, services, totals
from .models import (
    Contract,
    ContractExtension,
    ContractStatus,
    ContractType,
    Termination,
    TerminationMotive,
    TerminationStatus,
    Tranche,
    TrancheStatus,
)
from .signals import contract_terminated

END_DATE_MESSAGE = "La date de rupture doit être au plus tard la date de fin du contrat ({:%d/%m/%Y})."
START_DATE_MESSAGE = "La date de rupture doit être au plus tôt la date de début du contrat ({:%d/%m/%Y})."
OPEN_MESSAGE = "Une demande de rupture est déjà en cours pour ce contrat."
NOT_ACTIVE_MESSAGE = "Ce contrat n'est plus en cours."


class TerminationError(TransitionError):
    """A refused termination or extension; `field` names the form field the message belongs to (or None)."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


def check_termination_date(contract: Contract, day: date) -> None:
    if contract.end_date is not None and day > contract.end_date:
        raise TerminationError(END_DATE_MESSAGE.format(contract.end_date), "date")
    if day < contract.start_date:
        raise TerminationError(START_DATE_MESSAGE.format(contract.start_date), "date")


def open_termination(contract: Contract):
    return contract.terminations.filter(status=TerminationStatus.REQUESTED).first()


def request_termination(contract: Contract, *, by, motive: str, day: date, comment: str = "") -> Termination:
    """The structure asks ANCT to validate the end of an active contract: a termination "requested", the match
    "termination requested". One open request per contract (a database rule: a double submit gets the message)."""
    if motive not in TerminationMotive.values:
        raise TerminationError("Choisissez un motif dans la liste.", "motive")
    try:
        with transaction.atomic():
            Structure.objects.select_for_update().get(pk=contract.structure_id)
            contract = Contract.objects.select_for_update().select_related("match").get(pk=contract.pk)
            if contract.status != ContractStatus.ACTIVE:
                raise TerminationError(NOT_ACTIVE_MESSAGE)
            if open_termination(contract) is not None:
                raise TerminationError(OPEN_MESSAGE)
            check_termination_date(contract, day)
            termination = Termination.objects.create(
                contract=contract,
                structure_id=contract.structure_id,
                motive=motive,
                date=day,
                comment=comment,
                requested_by=by,
            )
            recruitment.request_termination(contract.match, by=by)
            record(
                "termination.requested",
                termination,
                by=by,
                after={"contract": contract.pk, "motive": motive, "date": day, "status": termination.status},
            )
            life_notify.termination_requested(termination)
    except IntegrityError as error:
        raise TerminationError(OPEN_MESSAGE) from error
    return termination


@dataclass(frozen=True)
class Settlement:
    months_served: int
    amount_due: Decimal
    cancelled: list[int]
    balance: Decimal
    to_recover: Decimal


def _lock_requested(termination: Termination) -> Termination:
    Structure.objects.select_for_update().get(pk=termination.structure_id)
    termination = (
        Termination.objects.select_for_update()
        .select_related("contract__match__candidate", "contract__post")
        .get(pk=termination.pk)
    )
    if termination.status != TerminationStatus.REQUESTED:
        raise TransitionError(
            f"Cette demande de rupture est déjà « {termination.get_status_display().lower()} »."
        )
    return termination


def settle(contract: Contract, day: date, *, now=None) -> Settlement:
    """Settles the contract's money at its termination on `day` (inside the validation's transaction): the amount due
    is the contract's funding pro rata of the whole months served (rules.amount_due_on_termination). Unpaid tranches
    not yet due on `day` are cancelled; unpaid tranches already due are kept as long as, with what was paid, they do
    not exceed the amount due (else they are cancelled too); a balance tranche (n° 4, due on `day`) makes up what is
    still owed. What was paid beyond the amount due is to recover. After it, the contract's tranches not cancelled
    add up to max(amount due, paid)."""
    now = now or timezone.now()
    funding = services.contract_funding(contract)
    served, due = rules.amount_due_on_termination(funding, contract.start_date, day)
    tranches = list(
        Tranche.objects.select_for_update().filter(contract=contract).forecast().order_by("number")
    )
    paid = sum((t.amount for t in tranches if t.status == TrancheStatus.PAID), Decimal("0"))
    unpaid = [t for t in tranches if t.status == TrancheStatus.SCHEDULED]
    cancelled = [t for t in unpaid if t.due_on > day]
    kept_unpaid = [t for t in unpaid if t not in cancelled]
    if paid + sum((t.amount for t in kept_unpaid), Decimal("0")) > due:
        cancelled += kept_unpaid
        kept_unpaid = []
    Tranche.objects.filter(pk__in=[t.pk for t in cancelled]).update(
        status=TrancheStatus.CANCELLED, cancelled_at=now
    )
    kept = paid + sum((t.amount for t in kept_unpaid), Decimal("0"))
    balance = Decimal("0")
    if kept < due:
        balance = due - kept
        Tranche.objects.create(
            contract=contract,
            post_id=contract.post_id,
            structure_id=contract.structure_id,
            number=Tranche.BALANCE,
            amount=balance,
            due_on=day,
        )
    totals.refresh_structures([contract.structure_id])
    return Settlement(
        months_served=served,
        amount_due=due,
        cancelled=sorted(t.number for t in cancelled),
        balance=balance,
        to_recover=max(paid - due, Decimal("0")),
    )


def validate_termination(termination: Termination, *, by, today: date | None = None) -> Termination:
    """ANCT validates: the money is settled, the contract ends, the advisor's match is terminated (the post is
    free), the post gets a new recruitment deadline and the person is available again. One transaction, rows
    locked (structure, termination, contract and its tranches, then recruitment's own locks)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        termination = _lock_requested(termination)
        contract = Contract.objects.select_for_update().get(pk=termination.contract_id)
        settlement = settle(contract, termination.date)
        now = timezone.now()
        termination.status = TerminationStatus.VALIDATED
        termination.decided_by = by
        termination.decided_at = now
        termination.months_served = settlement.months_served
        termination.amount_due = settlement.amount_due
        termination.save(update_fields=["status", "decided_by", "decided_at", "months_served", "amount_due"])
        contract.status = ContractStatus.ENDED
        contract.ended_on = termination.date
        contract.save(update_fields=["status", "ended_on"])
        match = recruitment.terminate(contract.match, by=by)
        contract_terminated.send(sender=Contract, contract=contract, day=termination.date, by=by)
        post = reopen_post(contract.post, by=by, day=today)
        candidate = match.candidate
        candidates.make_available(
            candidate, available_from=max(today, termination.date + timedelta(days=1)), by=by
        )
        record(
            "termination.validated",
            termination,
            by=by,
            before={"status": TerminationStatus.REQUESTED},
            after={
                "status": termination.status,
                "contract": contract.pk,
                "post": post.pk,
                "date": termination.date,
                "months_served": settlement.months_served,
                "amount_due": settlement.amount_due,
                "cancelled_tranches": settlement.cancelled,
                "balance": settlement.balance,
                "to_recover": settlement.to_recover,
                "post_deadline": post.deadline,
            },
        )
        life_notify.termination_decided(termination)
    return termination


def refuse_termination(termination: Termination, *, by, reason: str) -> Termination:
    """ANCT refuses, with a reason (kept on the termination, not in the journal): the contract goes on, the match
    is back to hired."""
    reason = (reason or "").strip()
    if not reason:
        raise TerminationError("Indiquez le motif du refus.", "reason")
    with transaction.atomic():
        termination = _lock_requested(termination)
        termination.status = TerminationStatus.REFUSED
        termination.refusal_reason = reason
        termination.decided_by = by
        termination.decided_at = timezone.now()
        termination.save(update_fields=["status", "refusal_reason", "decided_by", "decided_at"])
        recruitment.refuse_termination(termination.contract.match, by=by, reason=reason)
        record(
            "termination.refused",
            termination,
            by=by,
            before={"status": TerminationStatus.REQUESTED},
            after={"status": termination.status, "contract": termination.contract_id, "fields": ["reason"]},
        )
        life_notify.termination_decided(termination)
    return termination


def amount_to_recover(termination: Termination) -> Decimal:
    """What the structure received beyond the amount due ("trop-perçu"): the tranches paid less the amount due
    (zero when it was paid less, the balance tranche making up the difference)."""
    if termination.status != TerminationStatus.VALIDATED or termination.amount_due is None:
        return Decimal("0")
    paid = termination.contract.tranches.filter(status=TrancheStatus.PAID).aggregate(s=Sum("amount"))[
        "s"
    ] or Decimal("0")
    return max(paid - termination.amount_due, Decimal("0"))


# --- extension -------------------------------------------------------------------------------------------------------


def extend_contract(contract: Contract, *, by, end_date: date) -> ContractExtension:
    """The contract's end date moves later (avenant de prolongation): an extension row, journaled."""
    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=contract.pk)
        if contract.status != ContractStatus.ACTIVE:
            raise TerminationError(NOT_ACTIVE_MESSAGE)
        if contract.type == ContractType.CDI or contract.end_date is None:
            raise TerminationError("Un CDI n'a pas de date de fin : il n'y a rien à prolonger.")
        if end_date <= contract.end_date:
            raise TerminationError(
                f"La nouvelle date de fin doit être postérieure à l'actuelle ({contract.end_date:%d/%m/%Y}).",
                "end_date",
            )
        previous = contract.end_date
        extension = ContractExtension.objects.create(
            contract=contract, previous_end_date=previous, end_date=end_date, by=by
        )
        contract.end_date = end_date
        contract.save(update_fields=["end_date"])
        record(
            "contract.extended",
            contract,
            by=by,
            before={"end_date": previous},
            after={"end_date": end_date, "extension": extension.pk},
        )
    return extension
