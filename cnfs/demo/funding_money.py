"""Demo funding (issue 9, contracts, agreements, payments): through the real services, on the demo's completed
hires: contracts signed about 13 months, 3 months and 3 weeks ago (so that tranches are paid, due and to come), a
signed agreement, a renewal, payments recorded by the demo Banque des Territoires agent. Idempotent.

The demo structures' committees are dated today; so that tranches are already due, their job posting (when they
have none) is dated 400 days back and the contracts signed accordingly — demo data only."""

from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from cnfs.accounts.models import RoleAssignment
from cnfs.accounts.roles import Role
from cnfs.core.themes import PROGRAMME_MISSIONS
from cnfs.core.workflow import TransitionError
from cnfs.funding import agreements, contracts, payments
from cnfs.funding.models import AgreementStatus, Contract, GrantAgreement, Tranche, TrancheStatus
from cnfs.recruitment.models import Match, MatchStatus
from cnfs.structures.models import JobPosting
from cnfs.structures.services import add_months

SIGNED_DAYS_AGO = (380, 100, 20)


def _member(structure):
    assignment = RoleAssignment.objects.filter(role=Role.STRUCTURE, structure=structure).select_related(
        "user"
    )
    first = assignment.first()
    return first.user if first else None


def seed_money(*, bdt=None) -> dict:
    if bdt is None:
        return {"contrats": 0}
    today = timezone.localdate()
    matches = list(
        Match.objects.filter(status=MatchStatus.HIRED, post__isnull=False)
        .exclude(contracts__isnull=False)
        .select_related("structure", "post")
        .order_by("pk")[: max(len(SIGNED_DAYS_AGO) - Contract.objects.count(), 0)]
    )
    recorded = []
    for match, days in zip(matches, SIGNED_DAYS_AGO[Contract.objects.count() :], strict=False):
        by = _member(match.structure) or bdt
        JobPosting.objects.get_or_create(
            structure=match.structure,
            defaults={
                "url": f"https://www.emploi-territorial.fr/offre/o{match.structure_id:010d}",
                "published_on": today - timedelta(days=400),
                "recorded_by": by,
            },
        )
        posting = contracts.job_posting_for(match)
        signed_on = max(today - timedelta(days=days), posting.contract_signable_from)
        try:
            contract = contracts.record_contract(
                match,
                by=by,
                type=contracts.default_type(match.structure),
                signed_on=signed_on,
                start_date=signed_on,
                end_date=add_months(signed_on, 24),
                weekly_hours=Decimal("35"),
                gross_monthly_salary=Decimal("2150.00"),
                missions=[m.value for m in PROGRAMME_MISSIONS],
            )
        except (ValidationError, TransitionError):  # a demo hire the rules refuse: left without contract
            continue
        recorded.append(contract)
    # A signed agreement for every structure with a contract; the first one renewed.
    structures = {
        c.structure_id: c.structure for c in Contract.objects.select_related("structure").order_by("pk")
    }
    for index, structure in enumerate(structures.values()):
        if GrantAgreement.objects.filter(structure=structure).exists():
            continue
        agreement = agreements.prepare_agreement(
            structure, by=bdt, starts_on=today - timedelta(days=400), months=36, co_financing=Decimal("3000")
        )
        agreements.sign_agreement(agreement, by=bdt, signed_on=today)
        if index == 0:
            renewal = agreements.renew_agreement(agreement, by=bdt, starts_on=today, months=24)
            agreements.sign_agreement(renewal, by=bdt, signed_on=today)
    # Payments: every due tranche of a contract paid, except the latest due one of the oldest contract (left due).
    due = list(payments.due_tranches(Tranche.objects.filter(contract__in=recorded)))
    left_due = due[-1].pk if len(due) > 1 else None
    paid = 0
    for tranche in due:
        if tranche.pk == left_due:
            continue
        payments.record_payment(
            tranche,
            by=bdt,
            paid_on=tranche.due_on,
            amount=tranche.amount,
            reference=f"VIR-DEMO-{tranche.pk:05d}",
        )
        paid += 1
    return {
        "contrats": len(recorded),
        "tranches versées": paid,
        "conventions signées": GrantAgreement.objects.filter(status=AgreementStatus.SIGNED).count(),
        "tranches à venir": Tranche.objects.filter(status=TrancheStatus.SCHEDULED, due_on__gt=today).count(),
    }
