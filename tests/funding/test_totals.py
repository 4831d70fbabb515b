"""The funding totals kept per département (cnfs/funding/totals.py) follow every tranche written by the real
services: contract recorded, tranche paid, termination settled, structure moved; the national and territorial pages
read them and show what the tranches say."""

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cnfs.accounts.roles import Role
from cnfs.funding import overview, payments, terminations, totals
from cnfs.funding.consistency import totals_match_tranches
from cnfs.funding.models import DueMonthTotal, Tranche, TrancheStatus, TrancheTotal
from cnfs.funding.terminations import TerminationMotive
from tests.concurrency import APPS_BUT_JOURNAL, race
from tests.factories import CommuneFactory, DepartementFactory, UserFactory
from tests.funding.factories import contract_for, hired_match
from tests.recruitment.factories import activated_structure, structure_user

pytestmark = pytest.mark.django_db

TODAY = "2026-06-15 10:00:00+02:00"


@pytest.fixture
def today(time_machine):
    time_machine.move_to(TODAY, tick=False)
    return date(2026, 6, 15)


def puy_de_dome_structure(**kwargs):
    departement = DepartementFactory(code="63", name="Puy-de-Dôme")
    commune = CommuneFactory(insee_code="63113", name="Clermont-Ferrand", departement=departement)
    return activated_structure(commune=commune, latitude=45.78, longitude=3.08, **kwargs)


def kept(departement=None) -> dict:
    """{(number, status): (tranches, amount)} as kept."""
    rows = TrancheTotal.objects.all()
    if departement:
        rows = rows.filter(departement_id=departement)
    return {(r.number, r.status): (r.tranches, r.amount) for r in rows}


def pay(tranche):
    payments.record_payment(
        tranche,
        by=UserFactory(role=Role.BDT),
        paid_on=tranche.due_on,
        amount=tranche.amount,
        reference=f"VIR-{tranche.pk}",
    )


def test_a_contract_its_payment_and_its_termination_move_the_totals(today):
    # Signed 01/12/2025: 10 000 € due 01/01/2026, 15 000 € due 01/06/2026, 25 000 € due 01/12/2026.
    contract = contract_for(hired_match(), signed_on=date(2025, 12, 1), agreement=True)
    S, P, C = TrancheStatus.SCHEDULED, TrancheStatus.PAID, TrancheStatus.CANCELLED
    assert kept("03") == {
        (1, S): (1, Decimal("10000.00")),
        (2, S): (1, Decimal("15000.00")),
        (3, S): (1, Decimal("25000.00")),
    }
    assert {(r.month, r.amount) for r in DueMonthTotal.objects.all()} == {
        (date(2026, 1, 1), Decimal("10000.00")),
        (date(2026, 6, 1), Decimal("15000.00")),
        (date(2026, 12, 1), Decimal("25000.00")),
    }

    pay(contract.tranches.get(number=1))
    assert kept("03")[(1, P)] == (1, Decimal("10000.00"))
    assert (1, S) not in kept("03")
    assert not DueMonthTotal.objects.filter(month=date(2026, 1, 1)).exists()

    # Terminated on 15/06/2026 after 6 whole months: 12 500 € due, 10 000 € paid. T3 is not due: cancelled; T2 is
    # due but 10 000 + 15 000 would pass 12 500: cancelled too; a balance tranche (n° 4) of 2 500 € due that day.
    termination = terminations.request_termination(
        contract,
        by=structure_user(contract.structure),
        motive=TerminationMotive.RESIGNATION,
        day=today,
        comment="Départ",
    )
    terminations.validate_termination(termination, by=UserFactory(role=Role.ANCT))
    assert kept("03") == {
        (1, P): (1, Decimal("10000.00")),
        (2, C): (1, Decimal("15000.00")),
        (3, C): (1, Decimal("25000.00")),
        (4, S): (1, Decimal("2500.00")),
    }
    assert {(r.month, r.amount) for r in DueMonthTotal.objects.all()} == {
        (date(2026, 6, 1), Decimal("2500.00"))
    }
    assert totals_match_tranches() == []


def test_the_pages_figures_come_by_departement_and_the_prefecture_sees_its_own(client, today):
    allier = contract_for(hired_match(), signed_on=date(2025, 12, 1))
    contract_for(hired_match(puy_de_dome_structure()), signed_on=date(2026, 2, 10))
    by_number, rows = overview.kept_totals()
    assert [(r["departement_id"], r["forecast"], r["tranches"]) for r in rows] == [
        ("03", Decimal("50000.00"), 3),
        ("63", Decimal("50000.00"), 3),
    ]
    assert overview.totals_of(by_number)["forecast"] == Decimal("100000.00")

    prefect = UserFactory(role=Role.PREFECTURE, role__departement=allier.structure.departement)
    client.force_login(prefect)
    response = client.get(reverse("funding:territory"))
    assert response.status_code == 200, response
    assert [r["departement_id"] for r in response.context["departements"]] == ["03"]
    assert response.context["totals"]["forecast"] == Decimal("50000.00")
    assert [r["structure_id"] for r in response.context["page"].object_list] == [allier.structure_id]


def test_overdue_counts_past_months_and_this_month_before_today(today):
    # 15/06/2026. Signed 01/12/2025: T1 due 01/01 (past month), T2 due 01/06 (this month, before today).
    contract_for(hired_match(), signed_on=date(2025, 12, 1))
    # Signed 15/05/2026: T1 due 15/06 (today: not yet late), T2 15/11, T3 15/05/2027.
    contract_for(hired_match(puy_de_dome_structure()), signed_on=date(2026, 5, 15))
    flow = overview.cash_flow()
    assert flow["overdue"] == {"amount": Decimal("25000.00"), "tranches": 2}
    months = {row["month"]: (row["tranches"], row["amount"]) for row in flow["months"]}
    assert months[date(2026, 6, 1)] == (2, Decimal("25000.00"))  # T2 of the first, T1 of the second
    assert months[date(2026, 11, 1)] == (1, Decimal("15000.00"))
    assert months[date(2026, 12, 1)] == (1, Decimal("25000.00"))
    assert date(2027, 5, 1) in months and months[date(2027, 5, 1)] == (1, Decimal("25000.00"))
    assert flow["total"] == Decimal("90000.00")
    assert overview.cash_flow(["63"])["overdue"] == {"amount": Decimal("0"), "tranches": 0}


def test_a_structure_that_moves_takes_its_totals_along(today):
    contract = contract_for(hired_match(), signed_on=date(2025, 12, 1))
    structure = contract.structure
    structure.departement = DepartementFactory(code="63", name="Puy-de-Dôme")
    structure.save()
    assert kept("03") == {}
    assert sum(n for n, _ in kept("63").values()) == 3
    assert totals_match_tranches() == []


def test_the_consistency_rule_finds_a_total_that_drifted_and_rebuild_repairs_it(today):
    contract_for(hired_match(), signed_on=date(2025, 12, 1))
    TrancheTotal.objects.filter(number=2).update(amount=Decimal("1.00"))
    assert totals_match_tranches() == ["03"]
    DueMonthTotal.objects.all().delete()
    totals.rebuild()
    assert totals_match_tranches() == []


def test_random_histories_keep_the_totals_equal_to_the_tranches(time_machine):
    """Contracts signed on random days in two départements, random tranches paid: the totals the pages read equal
    the raw aggregates over the tranches."""
    rng = random.Random(20261127)
    time_machine.move_to("2027-03-01 09:00:00+01:00", tick=False)
    structures = [activated_structure(posts=4), puy_de_dome_structure(posts=4)]
    for structure in structures:
        for _ in range(3):
            signed_on = date(2026, 1, 1) + timedelta(days=rng.randint(0, 400))
            contract = contract_for(hired_match(structure), signed_on=signed_on, agreement=True)
            for tranche in contract.tranches.filter(due_on__lte=timezone.localdate()):
                if rng.random() < 0.6:
                    pay(tranche)
    raw = overview.by_tranche_number(Tranche.objects.all())
    assert overview.kept_totals()[0] == raw
    for code in ("03", "63"):
        mine = Tranche.objects.filter(structure__departement_id=code)
        assert overview.kept_totals([code])[0] == overview.by_tranche_number(mine)
    assert totals_match_tranches() == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, available_apps=APPS_BUT_JOURNAL)
@pytest.mark.usefixtures("_journal_cleanup")
def test_two_payments_in_one_departement_at_once_both_reach_the_totals():
    day = timezone.localdate() - timedelta(days=400)
    first = contract_for(hired_match(), signed_on=day, agreement=True).tranches.get(number=1)
    second = contract_for(hired_match(), signed_on=day, agreement=True).tranches.get(number=1)
    results = race(lambda: pay(first), lambda: pay(second))
    assert results == [None, None]
    assert kept("03")[(1, TrancheStatus.PAID)] == (2, first.amount + second.amount)
    assert totals_match_tranches() == []
