"""The funding totals the national and territorial pages read (TrancheTotal, DueMonthTotal), kept with the tranches.

Every service that writes tranches (schedule_tranches, record_payment, settle) calls `refresh` with the départements
it touched, inside its transaction: the département's totals are recomputed from its tranches (about a hundred rows)
and rewritten. Recomputing instead of adding deltas means a total cannot drift from a missed case; the département
rows are locked first so that two transactions refreshing the same département one after the other each see the
other's tranches. `rebuild` does every département (the bench's bulk data, a repair); `check_consistency` compares
the totals with a GROUP BY over the tranches (cnfs/funding/consistency.py)."""

from collections import defaultdict
from decimal import Decimal

from django.db import transaction

from cnfs.territories.models import Departement

from .models import DueMonthTotal, Tranche, TrancheStatus, TrancheTotal


def _lock(codes) -> list[str]:
    return list(
        Departement.objects.select_for_update()
        .filter(code__in=codes)
        .order_by("code")
        .values_list("code", flat=True)
    )


def _write(codes, tranches, *, models=(TrancheTotal, DueMonthTotal)) -> None:
    tranche_total, due_month_total = models
    totals = defaultdict(lambda: [0, Decimal("0")])
    due = defaultdict(lambda: [0, Decimal("0")])
    for departement, number, status, due_on, amount in tranches:
        row = totals[(departement, number, status)]
        row[0] += 1
        row[1] += amount
        if status == TrancheStatus.SCHEDULED:
            row = due[(departement, due_on.replace(day=1))]
            row[0] += 1
            row[1] += amount
    tranche_total.objects.filter(departement_id__in=codes).delete()
    due_month_total.objects.filter(departement_id__in=codes).delete()
    tranche_total.objects.bulk_create(
        tranche_total(departement_id=d, number=n, status=s, tranches=c, amount=a)
        for (d, n, s), (c, a) in sorted(totals.items())
    )
    due_month_total.objects.bulk_create(
        due_month_total(departement_id=d, month=m, tranches=c, amount=a)
        for (d, m), (c, a) in sorted(due.items())
    )


FIELDS = ("structure__departement_id", "number", "status", "due_on", "amount")


def refresh(codes) -> None:
    """Rewrites the totals of these départements from their tranches (call it inside the transaction that wrote
    them)."""
    codes = sorted({code for code in codes if code})
    if not codes:
        return
    with transaction.atomic():
        _lock(codes)
        tranches = Tranche.objects.filter(structure__departement_id__in=codes).order_by().values_list(*FIELDS)
        _write(codes, tranches)


def refresh_structures(structure_ids) -> None:
    """Refreshes the départements of these structures (those of the tranches just written)."""
    from cnfs.structures.models import Structure

    refresh(Structure.objects.filter(pk__in=set(structure_ids)).values_list("departement_id", flat=True))


def rebuild(apps=None) -> None:
    """Rewrites every département's totals (after bulk loads, in a migration with its historical `apps`; the same
    result as refreshing each one)."""
    get = apps.get_model if apps else None
    departements = get("territories", "Departement") if get else Departement
    tranches = get("funding", "Tranche") if get else Tranche
    models = (
        (get("funding", "TrancheTotal"), get("funding", "DueMonthTotal"))
        if get
        else (TrancheTotal, DueMonthTotal)
    )
    with transaction.atomic():
        codes = list(departements.objects.select_for_update().order_by("code").values_list("code", flat=True))
        rows = tranches.objects.order_by().values_list(*FIELDS).iterator(chunk_size=5000)
        _write(codes, rows, models=models)
