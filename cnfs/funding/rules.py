"""The funding rules as functions of dated settings (config/settings/base.py, CNFS_POST_FUNDING and
CNFS_MINIMUM_WAGE): the State funding of a post, the legal minimum salary on a day, the tranche schedule of a
contract and the amount due when a contract ends early. Each rule is written in the README and tested at its
boundaries; the services write their results as rows once (AgreementPost.state_funding, Tranche.amount/due_on,
Termination.amount_due)."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

from cnfs.structures.models import StructureType
from cnfs.structures.services import add_months

CENTS = Decimal("0.01")
# (number, share of the contract's funding, months after the signature date)
TRANCHES = ((1, Decimal("0.20"), 1), (2, Decimal("0.30"), 6), (3, Decimal("0.50"), 12))
FUNDED_MONTHS = 24
ANTILLES_GUYANE = {"971", "972", "973"}
REUNION_MAYOTTE = {"974", "976"}
MAYOTTE = "976"
_ONE_DAY = timedelta(days=1)


def _dated(entries, day: date) -> dict:
    """The entry of a dated setting in force on `day` (entries sorted by "from", the latest that started)."""
    current = None
    for entry in sorted(entries, key=lambda e: e["from"]):
        if date.fromisoformat(entry["from"]) <= day:
            current = entry
    if current is None:
        raise ValueError(f"Aucune valeur en vigueur le {day:%d/%m/%Y}.")
    return current


def funding_category(structure_type: str, departement_code: str) -> str:
    """ "private" for an association or a company, else by territory: "antilles_guyane", "reunion_mayotte" or
    "public" (mainland and the other territories)."""
    if structure_type not in StructureType.public_types():
        return "private"
    if departement_code in ANTILLES_GUYANE:
        return "antilles_guyane"
    if departement_code in REUNION_MAYOTTE:
        return "reunion_mayotte"
    return "public"


def post_funding(structure, day: date) -> Decimal:
    """State funding of one post over 24 months for this structure, by the setting in force on `day`."""
    entry = _dated(settings.CNFS_POST_FUNDING, day)
    return Decimal(str(entry[funding_category(structure.type, structure.departement_id)]))


@dataclass(frozen=True)
class MinimumWage:
    monthly_gross: Decimal
    source: str


def minimum_wage(day: date, departement_code: str = "") -> MinimumWage:
    """The gross monthly legal minimum for 35 hours a week in force on `day` (Mayotte has its own)."""
    entry = _dated(settings.CNFS_MINIMUM_WAGE, day)
    key = "mayotte_monthly_gross" if departement_code == MAYOTTE else "monthly_gross"
    return MinimumWage(Decimal(entry[key]), entry["source"])


def full_time_hours() -> Decimal:
    return Decimal(str(getattr(settings, "CNFS_FULL_TIME_WEEKLY_HOURS", 35)))


def tranche_schedule(funding: Decimal, signed_on: date) -> list[tuple[int, Decimal, date]]:
    """[(number, amount, due date)]: 20 % one month after the signature, 30 % six months after, 50 % twelve months
    after. The last tranche takes the cents rounding left, so the three add up to `funding` exactly."""
    rows = []
    remaining = funding
    for number, share, months in TRANCHES:
        amount = remaining if number == TRANCHES[-1][0] else (funding * share).quantize(CENTS, ROUND_HALF_UP)
        remaining -= amount
        rows.append((number, amount, add_months(signed_on, months)))
    return rows


def months_served(start: date, end: date) -> int:
    """Whole months served from `start` to `end`, both days worked: a month is complete when the day after `end`
    reaches its monthly anniversary (15/01 → 14/02 is one month, 15/01 → 13/02 none; 31/01 → 27/02 is one, since
    31 January + 1 month is 28 February)."""
    if end < start:
        return 0
    following = end + _ONE_DAY
    months = (following.year - start.year) * 12 + (following.month - start.month)
    if add_months(start, months) > following:
        months -= 1
    return max(months, 0)


def amount_due_on_termination(funding: Decimal, start: date, end: date) -> tuple[int, Decimal]:
    """(months served, amount due): the contract's funding × min(months served, 24) / 24, to the cent."""
    served = months_served(start, end)
    due = (funding * min(served, FUNDED_MONTHS) / FUNDED_MONTHS).quantize(CENTS, ROUND_HALF_UP)
    return served, due
