"""Emails of the grant file (§14): queued after commit through the task queue, at most once per event (the event
key names the file, its transmission and the step). Only ids, statuses, dates and the structure's name go in: no
identities from the file, no comment."""

from django.urls import reverse

from cnfs.accounts.recipients import anct_recipients, bdt_recipients, structure_users
from cnfs.core.text import euros
from cnfs.notifications.services import absolute_url, send_email

from .models import NonConformityReason


def hire_in_progress(match):
    """ANCT follows the hires in progress nationally (it no longer validates them: the conformity decision does)."""
    step = match.transitions.count()
    for email in anct_recipients():
        send_email(
            event_key=f"match:{match.pk}:hire_requested:anct:{email}:{step}",
            to=email,
            subject=f"Recrutement en cours : {match.structure}",
            template="funding/emails/hire_in_progress",
            context={"match": match, "url": absolute_url(reverse("funding:hire_requests"))},
        )


def file_transmitted(grant_file):
    for email in bdt_recipients():
        send_email(
            event_key=f"grant_file:{grant_file.pk}:transmitted:{grant_file.submission}:{email}",
            to=email,
            subject=f"Dossier de subvention à instruire : {grant_file.structure}",
            template="funding/emails/file_transmitted",
            context={
                "grant_file": grant_file,
                "url": absolute_url(reverse("funding:review", args=[grant_file.pk])),
            },
        )


def conformity_decided(grant_file, *, conform: bool, reasons):
    labels = [NonConformityReason(reason).label for reason in reasons]
    for user in structure_users(grant_file.structure):
        send_email(
            event_key=f"grant_file:{grant_file.pk}:decided:{grant_file.submission}:{user.pk}",
            to=user.email,
            subject="Votre dossier de subvention est conforme"
            if conform
            else "Votre dossier de subvention est à reprendre",
            template="funding/emails/conformity_decided",
            context={
                "grant_file": grant_file,
                "user": user,
                "conform": conform,
                "reasons": labels,
                "url": absolute_url(reverse("funding:file_detail", args=[grant_file.pk])),
            },
        )


def incomplete_reminder(grant_file, missing: list[str], period: int) -> int:
    """Once per file and per 7-day period since it was opened."""
    sent = 0
    for user in structure_users(grant_file.structure):
        email = send_email(
            event_key=f"grant_file:{grant_file.pk}:incomplete:{period}:{user.pk}",
            to=user.email,
            subject="Votre dossier de subvention est incomplet",
            template="funding/emails/incomplete_reminder",
            context={
                "grant_file": grant_file,
                "user": user,
                "missing": missing,
                "url": absolute_url(reverse("funding:file_detail", args=[grant_file.pk])),
            },
        )
        sent += email is not None
    return sent


def review_deadline_approaching(grant_file, days_left: int) -> int:
    sent = 0
    for email in bdt_recipients():
        sent += (
            send_email(
                event_key=f"grant_file:{grant_file.pk}:review_deadline:{grant_file.submission}:{email}",
                to=email,
                subject=f"Instruction à terminer avant le {grant_file.review_deadline:%d/%m/%Y} : "
                f"{grant_file.structure}",
                template="funding/emails/review_deadline",
                context={
                    "grant_file": grant_file,
                    "days": days_left,
                    "url": absolute_url(reverse("funding:review", args=[grant_file.pk])),
                },
            )
            is not None
        )
    return sent


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
            subject=f"Tranche {tranche.number} versée : {euros(payment.amount)} €",
            template="funding/emails/tranche_paid",
            context={"payment": payment, "tranche": tranche, "user": user, "url": url},
        )
