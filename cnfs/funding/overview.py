"""The funding figures every overview page shows, aggregated in SQL (values().annotate(Sum)): a page runs the same
number of queries whatever the number of tranches. "Forecast" is every tranche not cancelled; "paid" the tranches
paid."""

from datetime import date
from decimal import Decimal

from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from cnfs.structures.services import add_months

from .models import TrancheStatus

ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=14, decimal_places=2))
PAID = Q(status=TrancheStatus.PAID)
FORECAST = ~Q(status=TrancheStatus.CANCELLED)
DUE = Q(status=TrancheStatus.SCHEDULED)


def _sums(prefix=""):
    return {
        "forecast": Coalesce(Sum("amount", filter=FORECAST), ZERO),
        "paid": Coalesce(Sum("amount", filter=PAID), ZERO),
        "to_pay": Coalesce(Sum("amount", filter=DUE), ZERO),
        "tranches": Count("pk", filter=FORECAST),
    }


def totals(tranches) -> dict:
    """Forecast, paid and still to pay over these tranches (one query)."""
    return tranches.aggregate(**_sums())


def totals_of(rows) -> dict:
    """The grand totals of `by_tranche_number`'s rows (at most four rows: no extra query)."""
    keys = ("forecast", "paid", "to_pay", "tranches")
    return {key: sum((row[key] for row in rows), Decimal("0") if key != "tranches" else 0) for key in keys}


def by_tranche_number(tranches) -> list[dict]:
    """One row per tranche number (1, 2, 3 and the balance 4), forecast vs paid (one query)."""
    rows = tranches.order_by().values("number").annotate(**_sums()).order_by("number")
    return list(rows)


def by_departement(tranches):
    """One row per département of the structures, forecast vs paid (a queryset: one query when read)."""
    return (
        tranches.order_by()
        .values("structure__departement_id", "structure__departement__name")
        .annotate(**_sums())
        .order_by("structure__departement_id")
    )


def by_structure(tranches):
    """One row per structure, forecast vs paid (paginate it: one query per page and one to count)."""
    return (
        tranches.order_by()
        .values("structure_id", "structure__name", "structure__departement_id")
        .annotate(**_sums())
        .order_by("structure__name", "structure_id")
    )


def cash_flow(tranches, *, today: date | None = None, months: int = 12) -> dict:
    """The amounts still to pay per month, for this month and the `months - 1` next ones, plus what is overdue
    (due before today and unpaid). Two queries."""
    today = today or timezone.localdate()
    first = today.replace(day=1)
    end = add_months(first, months)
    due = tranches.filter(status=TrancheStatus.SCHEDULED)
    rows = (
        due.filter(due_on__gte=first, due_on__lt=end)
        .order_by()
        .annotate(month=TruncMonth("due_on"))
        .values("month")
        .annotate(amount=Sum("amount"), tranches=Count("pk"))
    )
    found = {}
    for row in rows:
        month = row["month"]
        month = month.date() if hasattr(month, "date") and callable(month.date) else month
        found[month] = row
    table = []
    for offset in range(months):
        month = add_months(first, offset)
        row = found.get(month, {})
        table.append(
            {"month": month, "amount": row.get("amount") or Decimal("0"), "tranches": row.get("tranches", 0)}
        )
    overdue = due.filter(due_on__lt=today).aggregate(
        amount=Coalesce(Sum("amount"), ZERO), tranches=Count("pk")
    )
    return {"months": table, "overdue": overdue, "total": sum((r["amount"] for r in table), Decimal("0"))}
