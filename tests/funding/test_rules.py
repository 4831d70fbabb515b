"""The funding rules at their boundaries: amounts by kind and territory, the minimum wage on the day a decree
changes it, the tranche calendar on the 29th–31st and in leap years, the pro rata of a termination."""

from datetime import date
from decimal import Decimal

import pytest

from cnfs.funding import rules


class _Structure:
    def __init__(self, type, departement_id):
        self.type, self.departement_id = type, departement_id


@pytest.mark.parametrize(
    ("type", "departement", "amount"),
    [
        ("commune", "03", "50000"),
        ("departement", "2A", "50000"),
        ("commune", "971", "70000"),
        ("epci", "972", "70000"),
        ("region", "973", "70000"),
        ("commune", "974", "67500"),
        ("commune", "976", "67500"),
        ("association", "03", "32000"),
        ("association", "971", "32000"),
        ("private_ess", "974", "32000"),
    ],
)
def test_state_funding_per_post_by_kind_and_territory(type, departement, amount):
    assert rules.post_funding(_Structure(type, departement), date(2026, 5, 1)) == Decimal(amount)


def test_a_day_before_any_setting_is_refused():
    with pytest.raises(ValueError):
        rules.post_funding(_Structure("commune", "03"), date(2019, 1, 1))


def test_minimum_wage_changes_on_the_day_of_the_decree():
    assert rules.minimum_wage(date(2025, 12, 31)).monthly_gross == Decimal("1801.80")
    assert rules.minimum_wage(date(2026, 1, 1)).monthly_gross == Decimal("1823.03")
    assert "2025-1228" in rules.minimum_wage(date(2026, 1, 1)).source
    assert rules.minimum_wage(date(2026, 1, 1), "976").monthly_gross == Decimal("1415.05")


@pytest.mark.parametrize(
    ("signed", "due"),
    [
        (date(2026, 3, 15), [date(2026, 4, 15), date(2026, 9, 15), date(2027, 3, 15)]),
        # the 31st: months without one end on their last day
        (date(2026, 1, 31), [date(2026, 2, 28), date(2026, 7, 31), date(2027, 1, 31)]),
        (date(2026, 8, 31), [date(2026, 9, 30), date(2027, 2, 28), date(2027, 8, 31)]),
        # leap years: 29 February exists in 2028 only
        (date(2028, 1, 29), [date(2028, 2, 29), date(2028, 7, 29), date(2029, 1, 29)]),
        (date(2027, 1, 30), [date(2027, 2, 28), date(2027, 7, 30), date(2028, 1, 30)]),
        (date(2028, 2, 29), [date(2028, 3, 29), date(2028, 8, 29), date(2029, 2, 28)]),
        (date(2026, 12, 31), [date(2027, 1, 31), date(2027, 6, 30), date(2027, 12, 31)]),
    ],
)
def test_tranches_fall_one_six_and_twelve_months_after_the_signature(signed, due):
    schedule = rules.tranche_schedule(Decimal("50000"), signed)
    assert [row[2] for row in schedule] == due
    assert [row[0] for row in schedule] == [1, 2, 3]


def test_tranches_are_20_30_50_percent_and_add_up_to_the_cent():
    assert [row[1] for row in rules.tranche_schedule(Decimal("50000"), date(2026, 1, 1))] == [
        Decimal("10000.00"),
        Decimal("15000.00"),
        Decimal("25000.00"),
    ]
    odd = rules.tranche_schedule(Decimal("33333.33"), date(2026, 1, 1))
    assert [row[1] for row in odd] == [Decimal("6666.67"), Decimal("10000.00"), Decimal("16666.66")]
    assert sum(row[1] for row in odd) == Decimal("33333.33")


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (date(2026, 1, 15), date(2026, 1, 15), 0),
        (date(2026, 1, 15), date(2026, 2, 13), 0),
        (date(2026, 1, 15), date(2026, 2, 14), 1),
        (date(2026, 1, 31), date(2026, 2, 27), 1),  # 28 February is 31 January + 1 month
        (date(2026, 1, 31), date(2026, 2, 26), 0),
        (date(2028, 1, 31), date(2028, 2, 28), 1),  # leap year: 29 February
        (date(2028, 1, 31), date(2028, 2, 27), 0),
        (date(2026, 1, 1), date(2026, 12, 31), 12),
        (date(2026, 1, 1), date(2028, 12, 31), 36),
        (date(2026, 3, 1), date(2026, 2, 1), 0),
    ],
)
def test_months_served_count_whole_months(start, end, months):
    assert rules.months_served(start, end) == months


def test_amount_due_on_termination_is_pro_rata_of_24_months_and_capped():
    assert rules.amount_due_on_termination(Decimal("50000"), date(2026, 1, 1), date(2026, 6, 30)) == (
        6,
        Decimal("12500.00"),
    )
    assert rules.amount_due_on_termination(Decimal("70000"), date(2026, 1, 1), date(2026, 1, 30)) == (
        0,
        Decimal("0.00"),
    )
    assert rules.amount_due_on_termination(Decimal("32000"), date(2026, 1, 1), date(2028, 12, 31)) == (
        36,
        Decimal("32000.00"),
    )
    assert rules.amount_due_on_termination(Decimal("67500"), date(2026, 1, 1), date(2026, 7, 31)) == (
        7,
        Decimal("19687.50"),
    )
