"""The grant agreement ("convention de subventionnement", SPEC §7): prepared by the Banque des Territoires for a
structure, listing its granted posts with the State funding each carries (written once, from the dated setting in
force on the agreement's start), at most CNFS_AGREEMENT_MAX_MONTHS months; signed (date recorded by BdT); renewed
("reconventionnement") by a new agreement pointing at the previous one, which becomes RENEWED."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cnfs.core.workflow import TransitionError
from cnfs.journal.services import record
from cnfs.structures.models import Post, Structure

from . import rules
from .models import (
    LIVE_AGREEMENT_STATUSES,
    AgreementCounter,
    AgreementPost,
    AgreementStatus,
    GrantAgreement,
)

ALREADY_LIVE = (
    "Cette structure a déjà une convention en cours : elle n'a pas été créée une seconde fois "
    "(pour la remplacer, préparez un reconventionnement depuis la convention signée)."
)


def max_months() -> int:
    return getattr(settings, "CNFS_AGREEMENT_MAX_MONTHS", 36)


def agreement_errors(values: dict) -> dict[str, str]:
    errors = {}
    months = values.get("months")
    if months is not None and months > max_months():
        errors["months"] = (
            f"Une convention de subventionnement dure au plus {max_months()} mois : saisissez une durée "
            f"de 1 à {max_months()} mois."
        )
    elif months is not None and months < 1:
        errors["months"] = "Saisissez une durée d'au moins 1 mois."
    co_financing = values.get("co_financing")
    if co_financing is not None and co_financing < 0:
        errors["co_financing"] = "Le cofinancement ne peut pas être négatif : saisissez 0 s'il n'y en a pas."
    return errors


def live_agreement(structure) -> GrantAgreement | None:
    return GrantAgreement.objects.filter(structure=structure, status__in=LIVE_AGREEMENT_STATUSES).first()


def _summary(agreement, lines) -> dict:
    return {
        "number": agreement.number,
        "status": agreement.status,
        "starts_on": agreement.starts_on,
        "months": agreement.months,
        "co_financing": agreement.co_financing,
        "renewal_of": agreement.renewal_of_id,
        "posts": [[line.post_id, line.state_funding] for line in lines],
        "state_funding_total": sum((line.state_funding for line in lines), Decimal("0")),
    }


def prepare_agreement(structure, *, by, starts_on, months, co_financing=Decimal("0"), renewal_of=None):
    """A new agreement (to sign) listing the structure's granted posts. With `renewal_of` (a signed agreement of
    the structure), a renewal: the previous agreement becomes RENEWED in the same transaction."""
    errors = agreement_errors({"months": months, "co_financing": co_financing})
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            Structure.objects.select_for_update().get(pk=structure.pk)
            if renewal_of is not None:
                renewal_of = GrantAgreement.objects.select_for_update().get(pk=renewal_of.pk)
                if renewal_of.structure_id != structure.pk or renewal_of.status != AgreementStatus.SIGNED:
                    raise TransitionError("Seule une convention signée peut être renouvelée.")
                renewal_of.status = AgreementStatus.RENEWED
                renewal_of.save(update_fields=["status"])
                record(
                    "agreement.renewed",
                    renewal_of,
                    by=by,
                    before={"status": AgreementStatus.SIGNED},
                    after={"status": AgreementStatus.RENEWED},
                )
            elif live_agreement(structure) is not None:
                raise TransitionError(ALREADY_LIVE)
            posts = list(Post.objects.granted().filter(structure=structure).order_by("pk"))
            if not posts:
                raise TransitionError(
                    "Cette structure n'a aucun poste accordé : il n'y a rien à conventionner."
                )
            funding = rules.post_funding(structure, starts_on)
            agreement = GrantAgreement.objects.create(
                structure=structure,
                number=AgreementCounter.next_number(timezone.localdate().year),
                starts_on=starts_on,
                months=months,
                co_financing=co_financing,
                renewal_of=renewal_of,
                created_by=by,
            )
            lines = AgreementPost.objects.bulk_create(
                AgreementPost(agreement=agreement, post=post, state_funding=funding) for post in posts
            )
            record("agreement.prepared", agreement, by=by, before=None, after=_summary(agreement, lines))
    except IntegrityError as error:  # a double click: one live agreement per structure (database rule)
        raise TransitionError(ALREADY_LIVE) from error
    return agreement


def renew_agreement(previous, *, by, starts_on, months, co_financing=Decimal("0")):
    return prepare_agreement(
        previous.structure,
        by=by,
        starts_on=starts_on,
        months=months,
        co_financing=co_financing,
        renewal_of=previous,
    )


def sign_agreement(agreement, *, by, signed_on) -> GrantAgreement:
    """BdT records the signature date: the agreement is SIGNED (journaled)."""
    if signed_on > timezone.localdate():
        raise ValidationError({"signed_on": "La date de signature ne peut pas être dans le futur."})
    with transaction.atomic():
        agreement = GrantAgreement.objects.select_for_update().get(pk=agreement.pk)
        if agreement.status != AgreementStatus.TO_SIGN:
            raise TransitionError(
                f"Cette convention est déjà {agreement.get_status_display().lower()} : sa signature n'a pas été "
                "enregistrée une seconde fois."
            )
        if signed_on < timezone.localtime(agreement.created_at).date():
            raise ValidationError(
                {
                    "signed_on": "La convention ne peut pas être signée avant d'avoir été préparée "
                    f"(le {timezone.localtime(agreement.created_at):%d/%m/%Y})."
                }
            )
        agreement.status = AgreementStatus.SIGNED
        agreement.signed_on = signed_on
        agreement.save(update_fields=["status", "signed_on"])
        record(
            "agreement.signed",
            agreement,
            by=by,
            before={"status": AgreementStatus.TO_SIGN, "signed_on": None},
            after={"status": AgreementStatus.SIGNED, "signed_on": signed_on, "number": agreement.number},
        )
    return agreement


def totals(agreement) -> dict:
    lines = list(agreement.lines.all())
    state = sum((line.state_funding for line in lines), Decimal("0"))
    return {
        "posts": len(lines),
        "state_funding": state,
        "co_financing": agreement.co_financing,
        "total": state + agreement.co_financing,
    }
