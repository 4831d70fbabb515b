"""Emails of the funding steps (§14) sent by the contract and payment services: queued inside the transaction that
records the event and delivered after its commit, at most once per event (the event key)."""

from django.urls import reverse

from cnfs.accounts.recipients import structure_users
from cnfs.notifications.services import absolute_url, send_email


def contract_recorded(contract):
    url = absolute_url(reverse("funding:contract_detail", args=[contract.pk]))
    for user in structure_users(contract.structure):
        send_email(
            event_key=f"contract:{contract.pk}:recorded:{user.pk}",
            to=user.email,
            subject="Contrat enregistré : le calendrier des versements est établi",
            template="funding/emails/contract_recorded",
            context={
                "contract": contract,
                "user": user,
                "tranches": contract.tranches.order_by("number"),
                "url": url,
            },
        )


def tranche_paid(payment):
    tranche = payment.tranche
    url = absolute_url(reverse("funding:structure"))
    for user in structure_users(tranche.structure):
        send_email(
            event_key=f"tranche:{tranche.pk}:paid:{user.pk}",
            to=user.email,
            subject=f"Tranche {tranche.number} versée : {payment.amount} €",
            template="funding/emails/tranche_paid",
            context={"payment": payment, "tranche": tranche, "user": user, "url": url},
        )
