"""Emails of the life of a post (§14): termination requested (to ANCT), validated or refused (to the structure),
quarterly report due and late (to the structure). Queued after commit by `send_email`, at most once per event."""

from django.urls import reverse

from cnfs.accounts.recipients import anct_recipients, structure_users
from cnfs.notifications.services import absolute_url, send_email


def termination_requested(termination):
    for email in anct_recipients():
        send_email(
            event_key=f"termination:{termination.pk}:requested:anct:{email}",
            to=email,
            subject=f"Rupture de contrat à valider : {termination.structure}",
            template="funding/emails/termination_requested",
            context={
                "termination": termination,
                "url": absolute_url(reverse("funding:termination_detail", args=[termination.pk])),
            },
        )


def termination_decided(termination):
    """Validated or refused: the structure's team is told (one email per decision and member)."""
    validated = termination.status == "validated"
    for user in structure_users(termination.structure):
        send_email(
            event_key=f"termination:{termination.pk}:{termination.status}:{user.pk}",
            to=user.email,
            subject="Rupture de contrat validée" if validated else "Rupture de contrat refusée",
            template="funding/emails/termination_validated"
            if validated
            else "funding/emails/termination_refused",
            context={
                "termination": termination,
                "user": user,
                "url": absolute_url(reverse("funding:structure_contracts")),
            },
        )


def quarterly_report(structure, quarter, *, late: bool) -> int:
    """The report of `quarter` (a reports.Quarter) is due in a few days, or late: once per structure, quarter, kind
    and member."""
    sent = 0
    kind = "late" if late else "due"
    for user in structure_users(structure):
        email = send_email(
            event_key=f"quarterly_report:{structure.pk}:{quarter.year}Q{quarter.number}:{kind}:{user.pk}",
            to=user.email,
            subject=(
                f"Rapport trimestriel en retard : {quarter.label}"
                if late
                else f"Rapport trimestriel à déposer avant le {quarter.due_on:%d/%m/%Y}"
            ),
            template=f"funding/emails/quarterly_report_{kind}",
            context={
                "structure": structure,
                "quarter": quarter,
                "user": user,
                "url": absolute_url(reverse("funding:quarterly_reports")),
            },
        )
        sent += email is not None
    return sent
