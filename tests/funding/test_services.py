from decimal import Decimal

import pytest

from cnfs.funding.models import Termination, TerminationMotive, TerminationStatus, Tranche
from cnfs.funding.services import contract_funding
from cnfs.recruitment.models import MatchStatus
from tests.funding.factories import contract_for, hired_match

pytestmark = pytest.mark.django_db


def test_a_contract_schedules_three_tranches_of_the_posts_funding():
    match = hired_match()
    assert match.status == MatchStatus.HIRED
    contract = contract_for(match)
    tranches = list(Tranche.objects.filter(contract=contract).order_by("number"))
    assert [t.amount for t in tranches] == [Decimal("10000.00"), Decimal("15000.00"), Decimal("25000.00")]
    assert all(t.post_id == match.post_id and t.structure_id == match.structure_id for t in tranches)


def test_a_private_structures_post_carries_32000():
    contract = contract_for(hired_match(type="association"))
    assert sum(t.amount for t in contract.tranches.all()) == Decimal("32000.00")


def test_a_second_contract_on_the_post_carries_what_the_first_left():
    first = contract_for(hired_match())
    Termination.objects.create(
        contract=first,
        structure=first.structure,
        motive=TerminationMotive.RESIGNATION,
        date=first.start_date,
        requested_by=first.recorded_by,
        status=TerminationStatus.VALIDATED,
        decided_by=first.recorded_by,
        decided_at=first.recorded_at,
        months_served=6,
        amount_due=Decimal("12500.00"),
    )
    first.status = "ended"
    first.ended_on = first.start_date
    first.save()
    second = contract_for(first.match, signed_on=first.signed_on)  # the factory reuses the match for brevity
    assert contract_funding(second) == Decimal("37500.00")
