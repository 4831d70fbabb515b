"""Funding services shared by every funding screen: the one place where a contract's funding and its tranche schedule
are computed and written (rows, once)."""

from decimal import Decimal

from django.db.models import Sum

from cnfs.journal.services import record

from . import rules, totals
from .models import (
    AgreementPost,
    Contract,
    ContractStatus,
    Termination,
    TerminationStatus,
    Tranche,
    TrancheStatus,
)


def post_state_funding(post, day) -> Decimal:
    """The State funding of a post over 24 months: its line on the structure's latest agreement, else the setting in
    force on `day` for the structure's kind and territory."""
    line = AgreementPost.objects.filter(post=post).order_by("-agreement__starts_on", "-agreement_id").first()
    if line is not None:
        return line.state_funding
    return rules.post_funding(post.structure, day)


def earlier_contracts_due(post, *, exclude=None) -> Decimal:
    """What the post's earlier contracts were due: a terminated contract its pro rata amount, any other its
    tranches not cancelled."""
    total = Decimal("0")
    contracts = Contract.objects.filter(post=post)
    if exclude is not None:
        contracts = contracts.exclude(pk=exclude.pk)
    for contract in contracts:
        termination = contract.terminations.filter(status=TerminationStatus.VALIDATED).first()
        if termination is not None and termination.amount_due is not None:
            total += termination.amount_due
        else:
            total += contract.tranches.forecast().aggregate(s=Sum("amount"))["s"] or Decimal("0")
    return total


def contract_funding(contract) -> Decimal:
    """The funding a contract's tranches carry: the post's State funding less what earlier contracts on the same
    post were due (a re-hire after a termination continues the post's funding, it does not restart it)."""
    funding = post_state_funding(contract.post, contract.signed_on)
    return max(funding - earlier_contracts_due(contract.post, exclude=contract), Decimal("0"))


def schedule_tranches(contract: Contract, *, by) -> list[Tranche]:
    """Writes the contract's three tranches (20 % at +1 month, 30 % at +6, 50 % at +12 from the signature date).
    Called once, in the transaction that records the contract."""
    funding = contract_funding(contract)
    tranches = [
        Tranche(
            contract=contract,
            post=contract.post,
            structure=contract.structure,
            number=number,
            amount=amount,
            due_on=due_on,
        )
        for number, amount, due_on in rules.tranche_schedule(funding, contract.signed_on)
    ]
    Tranche.objects.bulk_create(tranches)
    totals.refresh_structures([contract.structure_id])
    record(
        "funding.tranches_scheduled",
        contract,
        by=by,
        after={"funding": funding, "tranches": [[t.number, t.amount, t.due_on] for t in tranches]},
    )
    return tranches


__all__ = [
    "ContractStatus",
    "Termination",
    "TrancheStatus",
    "contract_funding",
    "earlier_contracts_due",
    "post_state_funding",
    "schedule_tranches",
]
