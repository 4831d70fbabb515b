"""The funding figures every overview page shows, aggregated in SQL (values().annotate(Sum)): a page runs the same
number of queries whatever the number of tranches. "Forecast" is every tranche not cancelled; "paid" the tranches
paid. A structure's page aggregates its own tranches; the national and territorial pages read the totals kept per
département with the tranches (TrancheTotal, DueMonthTotal), about 1,200 rows for the whole country."""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from cnfs.structures.services import add_months

from .models import DueMonthTotal, Tranche, TrancheStatus, TrancheTotal

ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=14, decimal_places=2))
PAID = Q(status=TrancheStatus.PAID)
FORECAST = ~Q(status=TrancheStatus.CANCELLED)
DUE = Q(status=TrancheStatus.SCHEDULED)


def _sums():
    return {
        "forecast": Coalesce(Sum("amount", filter=FORECAST), ZERO),
        "paid": Coalesce(Sum("amount", filter=PAID), ZERO),
        "to_pay": Coalesce(Sum("amount", filter=DUE), ZERO),
        "tranches": Count("pk", filter=FORECAST),
    }


def totals_of(rows) -> dict:
    """The grand totals of `by_tranche_number`'s rows (at most four rows: no extra query)."""
    keys = ("forecast", "paid", "to_pay", "tranches")
    return {key: sum((row[key] for row in rows), Decimal("0") if key != "tranches" else 0) for key in keys}


def by_tranche_number(tranches) -> list[dict]:
    """One row per tranche number (1, 2, 3 and the balance 4), forecast vs paid (one query)."""
    rows = tranches.order_by().values("number").annotate(**_sums()).order_by("number")
    return list(rows)


def by_structure(tranches):
    """One row per structure, forecast vs paid (paginate it: one query per page and one to count)."""
    return (
        tranches.order_by()
        .values("structure_id", "structure__name", "structure__departement_id")
        .annotate(**_sums())
        .order_by("structure__name", "structure_id")
    )


# --- national and territorial figures, read from the totals kept with the tranches (cnfs/funding/totals.py) -------


def kept_totals(departements=None) -> tuple[list[dict], list[dict]]:
    """by_tranche_number's rows and one row per département with tranches (code, name, forecast, paid, to pay,
    tranches), over these départements (None: the whole country), from the kept totals: one query reading at most
    12 rows a département, added up here."""
    rows = TrancheTotal.objects.order_by()
    if departements is not None:
        rows = rows.filter(departement_id__in=departements)
    numbers, places, names = defaultdict(_sums_row), defaultdict(_sums_row), {}
    fields = ("departement_id", "departement__name", "number", "status", "tranches", "amount")
    for code, name, number, status, count, amount in rows.values_list(*fields):
        names[code] = name
        column = _COLUMN[status]
        for sums in (numbers[number], places[code]):
            sums[column] += amount
            if column != 2:
                sums[3] += count
    return (
        [_as_row(numbers[n], number=n) for n in sorted(numbers)],
        [_as_row(places[c], departement_id=c, departement__name=names[c]) for c in sorted(places)],
    )


# paid, to pay, cancelled; then the number of tranches not cancelled
_COLUMN = {TrancheStatus.PAID: 0, TrancheStatus.SCHEDULED: 1, TrancheStatus.CANCELLED: 2}


def _sums_row() -> list:
    return [Decimal("0"), Decimal("0"), Decimal("0"), 0]


def _as_row(sums, **keys) -> dict:
    paid, to_pay, _, tranches = sums
    return {**keys, "forecast": paid + to_pay, "paid": paid, "to_pay": to_pay, "tranches": tranches}


def cash_flow(departements=None, *, today: date | None = None, months: int = 12) -> dict:
    """The amounts still to pay per month, for this month and the `months - 1` next ones, plus what is overdue
    (due before today and unpaid), over these départements (None: the whole country). Two queries: the months from
    the totals, and the tranches of the current month already past due (a few hundred rows at most, by due date)."""
    today = today or timezone.localdate()
    first = today.replace(day=1)
    end = add_months(first, months)
    due = DueMonthTotal.objects.order_by()
    if departements is not None:
        due = due.filter(departement_id__in=departements)
    rows = due.filter(month__lt=end).values("month").annotate(amount=Sum("amount"), tranches=Sum("tranches"))
    found, overdue = {}, {"amount": Decimal("0"), "tranches": 0}
    for row in rows:
        if row["month"] < first:
            overdue["amount"] += row["amount"]
            overdue["tranches"] += row["tranches"]
        else:
            found[row["month"]] = row
    this_month = Tranche.objects.filter(status=TrancheStatus.SCHEDULED, due_on__gte=first, due_on__lt=today)
    if departements is not None:
        this_month = this_month.filter(structure__departement_id__in=departements)
    late = this_month.order_by().aggregate(amount=Coalesce(Sum("amount"), ZERO), tranches=Count("pk"))
    overdue["amount"] += late["amount"]
    overdue["tranches"] += late["tranches"]
    table = []
    for offset in range(months):
        month = add_months(first, offset)
        row = found.get(month, {})
        table.append(
            {"month": month, "amount": row.get("amount") or Decimal("0"), "tranches": row.get("tranches", 0)}
        )
    return {"months": table, "overdue": overdue, "total": sum((r["amount"] for r in table), Decimal("0"))}
