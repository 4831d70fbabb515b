"""Tranche payments (SPEC §7): the Banque des Territoires records, once, the payment of a tranche that is due.

Rules (README "Versements"): the amount is the tranche's amount exactly; the payment date is neither in the future
nor before the tranche's due date (a tranche is paid from its due date on, never in advance). One payment per
tranche is a database rule (Payment.tranche is one-to-one) and the tranche row is locked while the payment is
written: two agents recording the same tranche at the same moment make exactly one payment."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cnfs.core.text import euros
from cnfs.core.workflow import TransitionError
from cnfs.journal.services import record

from . import notify, totals
from .models import AgreementPost, Payment, Tranche, TrancheStatus

ALREADY_PAID = "Cette tranche est déjà versée : le versement n'a pas été enregistré une seconde fois."


NO_SIGNED_AGREEMENT = (
    "Aucune convention signée ne porte ce poste : enregistrez la signature de la convention de la structure avant "
    "de verser une tranche."
)


def payment_errors(tranche, values: dict, *, today=None) -> dict[str, str]:
    today = today or timezone.localdate()
    errors = {}
    amount, paid_on = values.get("amount"), values.get("paid_on")
    if amount is not None and amount != tranche.amount:
        errors["amount"] = f"Le montant versé doit être celui de la tranche : {euros(tranche.amount)} €."
    if paid_on is not None:
        if paid_on > today:
            errors["paid_on"] = "La date du versement ne peut pas être dans le futur."
        elif paid_on < tranche.due_on:
            errors["paid_on"] = (
                f"Une tranche se verse à partir de son échéance : saisissez une date à partir du "
                f"{tranche.due_on:%d/%m/%Y}."
            )
    return errors


def due_tranches(queryset=None, *, today=None):
    """Tranches due and not paid, the oldest due date first ("Versements à enregistrer")."""
    today = today or timezone.localdate()
    queryset = queryset if queryset is not None else Tranche.objects.all()
    return queryset.filter(status=TrancheStatus.SCHEDULED, due_on__lte=today).order_by(
        "due_on", "number", "pk"
    )


def record_payment(tranche, *, by, paid_on, amount, reference) -> Payment:
    try:
        with transaction.atomic():
            tranche = Tranche.objects.select_for_update().get(pk=tranche.pk)
            if tranche.status == TrancheStatus.PAID:
                raise TransitionError(ALREADY_PAID)
            if tranche.status != TrancheStatus.SCHEDULED:
                raise TransitionError("Cette tranche est annulée : elle ne se verse pas.")
            if tranche.due_on > timezone.localdate():
                raise TransitionError(
                    f"Cette tranche n'est pas encore due : elle se verse à partir du {tranche.due_on:%d/%m/%Y}."
                )
            if not AgreementPost.objects.filter(
                post_id=tranche.post_id, agreement__signed_on__isnull=False
            ).exists():
                raise TransitionError(NO_SIGNED_AGREEMENT)
            errors = payment_errors(tranche, {"amount": amount, "paid_on": paid_on})
            if errors:
                raise ValidationError(errors)
            payment = Payment.objects.create(
                tranche=tranche,
                post_id=tranche.post_id,
                paid_on=paid_on,
                amount=amount,
                reference=reference,
                recorded_by=by,
            )
            tranche.status = TrancheStatus.PAID
            tranche.save(update_fields=["status"])
            totals.refresh_structures([tranche.structure_id])
            record(
                "payment.recorded",
                tranche,
                by=by,
                before={"status": TrancheStatus.SCHEDULED},
                after={
                    "status": TrancheStatus.PAID,
                    "payment": payment.pk,
                    "contract": tranche.contract_id,
                    "number": tranche.number,
                    "amount": payment.amount,
                    "paid_on": paid_on,
                    "reference": reference.lower(),
                },
            )
            notify.tranche_paid(payment)
    except IntegrityError as error:
        raise TransitionError(ALREADY_PAID) from error
    return payment
