"""Grant files, contracts, tranches and payments tell the same story as matches and posts."""

from django.db.models import Count, DateField, F, Q, Sum
from django.db.models.functions import TruncMonth

from cnfs.core.consistency import register
from cnfs.recruitment.models import Match, MatchStatus
from cnfs.structures.models import PostStatus

from .models import (
    AgreementPost,
    Contract,
    ContractStatus,
    DueMonthTotal,
    FileStatus,
    GrantFile,
    Payment,
    Tranche,
    TrancheStatus,
    TrancheTotal,
)

PENDING_FILE = (FileStatus.DRAFT, FileStatus.TRANSMITTED, FileStatus.NOT_CONFORM)
HIRED = (MatchStatus.HIRED, MatchStatus.TERMINATION_REQUESTED, MatchStatus.TERMINATED)


@register(
    "funding.file_per_hire_request",
    "chaque demande de recrutement en cours a un dossier de subvention, un seul",
)
def every_hire_request_has_one_file():
    return (
        Match.objects.filter(status=MatchStatus.HIRE_REQUESTED)
        .annotate(files=Count("grant_files", filter=~Q(grant_files__status=FileStatus.CANCELLED)))
        .exclude(files=1)
        .values_list("pk", flat=True)
        .order_by("pk")
    )


@register(
    "funding.file_follows_match",
    "un dossier en cours suit sa demande, un dossier conforme un recrutement fait",
)
def files_follow_their_match():
    pending_wrong = GrantFile.objects.filter(status__in=PENDING_FILE).exclude(
        match__status=MatchStatus.HIRE_REQUESTED
    )
    conform_wrong = GrantFile.objects.filter(status=FileStatus.CONFORM).exclude(match__status__in=HIRED)
    other_post = GrantFile.objects.live().exclude(post_id=F("match__post_id"))
    return sorted(
        {
            *pending_wrong.values_list("pk", flat=True),
            *conform_wrong.values_list("pk", flat=True),
            *other_post.values_list("pk", flat=True),
        }
    )


@register("funding.contract_post", "un contrat en cours tient le poste occupé de son recrutement")
def active_contracts_hold_their_post():
    return (
        Contract.objects.filter(status=ContractStatus.ACTIVE)
        .exclude(
            Q(post__status=PostStatus.OCCUPIED)
            & Q(match__status__in=(MatchStatus.HIRED, MatchStatus.TERMINATION_REQUESTED))
            & Q(post_id=F("match__post_id"))
            & Q(structure_id=F("post__structure_id"))
        )
        .values_list("pk", flat=True)
        .order_by("pk")
    )


@register("funding.tranche_contract", "une tranche porte le poste et la structure de son contrat")
def tranches_follow_their_contract():
    return (
        Tranche.objects.exclude(
            Q(post_id=F("contract__post_id")) & Q(structure_id=F("contract__structure_id"))
        )
        .values_list("pk", flat=True)
        .order_by("pk")
    )


@register("funding.payment", "une tranche versée a un versement de son montant, une tranche non versée aucun")
def payments_match_their_tranche():
    wrong_amount = Payment.objects.exclude(
        Q(amount=F("tranche__amount"))
        & Q(post_id=F("tranche__post_id"))
        & Q(tranche__status=TrancheStatus.PAID)
    ).values_list("tranche_id", flat=True)
    paid_without = Tranche.objects.filter(status=TrancheStatus.PAID, payment__isnull=True).values_list(
        "pk", flat=True
    )
    return sorted({*wrong_amount, *paid_without})


@register("funding.agreement_post", "une convention ne liste que des postes de sa structure")
def agreement_lines_belong_to_the_structure():
    return (
        AgreementPost.objects.exclude(post__structure_id=F("agreement__structure_id"))
        .values_list("pk", flat=True)
        .order_by("pk")
    )


def _grouped(rows) -> set:
    return {tuple(row.values()) for row in rows}


@register(
    "funding.totals_match_tranches",
    "les totaux par département (page nationale, trésorerie) sont ceux des tranches",
)
def totals_match_tranches():
    """The départements whose kept totals (cnfs/funding/totals.py) differ from a GROUP BY over their tranches."""
    raw = _grouped(
        Tranche.objects.order_by()
        .values("structure__departement_id", "number", "status")
        .annotate(count=Count("pk"), amount=Sum("amount"))
    )
    kept = _grouped(
        TrancheTotal.objects.order_by().values("departement_id", "number", "status", "tranches", "amount")
    )
    raw_due = _grouped(
        Tranche.objects.filter(status=TrancheStatus.SCHEDULED)
        .order_by()
        .annotate(month=TruncMonth("due_on", output_field=DateField()))
        .values("structure__departement_id", "month")
        .annotate(count=Count("pk"), amount=Sum("amount"))
    )
    kept_due = _grouped(
        DueMonthTotal.objects.order_by().values("departement_id", "month", "tranches", "amount")
    )
    return sorted({row[0] for row in raw ^ kept} | {row[0] for row in raw_due ^ kept_due})
