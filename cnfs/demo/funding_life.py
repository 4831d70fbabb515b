"""Demo of the life of a post, through the real services: three hires with contracts signed seven months ago, a
termination validated by ANCT (with its balance tranche, the post reopened, the person available again), a
termination waiting for ANCT, quarterly reports filed and one late. With the recruitment demo's free and held posts,
the radar shows posts late, at risk and on time. Idempotent: nothing is done once a termination exists."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from cnfs.accounts.roles import Role
from cnfs.core.workflow import TransitionError
from cnfs.funding import reports, terminations
from cnfs.funding.models import Contract, ContractType, Termination, TerminationMotive
from cnfs.funding.services import schedule_tranches
from cnfs.recruitment import workflow
from cnfs.recruitment.models import Match, MatchStatus
from cnfs.structures.models import JobPosting, Post
from cnfs.structures.services import add_months

from .recruitment import _structure_member

HIRES = 3
POSTING_URL = "https://www.emploi-territorial.fr/offre/o{:010d}"
SUMMARY = "Ateliers collectifs deux fois par semaine et permanences en mairie ; achat de deux ordinateurs portables."


def _hires(anct, count):
    """Advisors hired without a contract yet (one per structure), completed by hiring shortlisted candidates of
    structures that still have a post open."""
    hired = []
    seen = set()
    for match in Match.objects.filter(status=MatchStatus.HIRED, contracts__isnull=True).order_by("pk"):
        if len(hired) < count and match.structure_id not in seen:
            seen.add(match.structure_id)
            hired.append(match)
    shortlisted = (
        Match.objects.filter(status=MatchStatus.SHORTLISTED).select_related("structure").order_by("pk")
    )
    for match in shortlisted:
        if len(hired) == count:
            break
        if (
            match.structure_id in seen
            or not Post.objects.filter(structure=match.structure_id).open_for_hire()
        ):
            continue
        member = _structure_member(match.structure)
        try:
            match = workflow.request_hire(match, by=member, role=Role.STRUCTURE)
            match = workflow.hire(match, by=anct, role=Role.ANCT)
        except TransitionError:
            continue
        seen.add(match.structure_id)
        hired.append(match)
    return hired


def _contract(match, signed_on, by):
    """A contract as the contract form records it (the model, then the one tranche service)."""
    if not JobPosting.objects.filter(structure=match.structure).exists():
        JobPosting.objects.create(
            structure=match.structure,
            url=POSTING_URL.format(match.structure_id),
            published_on=signed_on - timedelta(days=40),
            recorded_by=by,
        )
    contract = Contract.objects.create(
        structure=match.structure,
        post=match.post,
        match=match,
        type=ContractType.PROJECT,
        start_date=signed_on,
        end_date=add_months(signed_on, 24),
        gross_monthly_salary="2150.00",
        missions=["digital_autonomy"],
        signed_on=signed_on,
        recorded_by=by,
    )
    schedule_tranches(contract, by=by)
    return contract


def _file_reports(structure, by, *, skip_first=False):
    rows = reports.reports_status(type(structure).objects.filter(pk=structure.pk))
    if not rows:
        return 0
    quarters = rows[0].missing[1:] if skip_first else rows[0].missing
    for quarter in quarters:
        reports.submit_report(
            structure,
            by=by,
            year=quarter.year,
            quarter=quarter.number,
            amount_spent="6300.00",
            advisors_in_post=1,
            summary=SUMMARY,
        )
    return len(quarters)


@transaction.atomic
def seed_life(*, anct) -> dict:
    if anct is None or Termination.objects.exists():
        return {}
    today = timezone.localdate()
    signed_on = add_months(today, -7)
    hires = _hires(anct, HIRES)
    contracts = [_contract(match, signed_on, anct) for match in hires]
    result = {"contracts": len(contracts), "reports": 0}
    if len(contracts) < 2:
        return result
    first, second = contracts[:2]
    # Resignation the day before the 2nd tranche falls due: 6 months served, only T1 kept → a balance tranche.
    member = _structure_member(first.structure)
    termination = terminations.request_termination(
        first,
        by=member,
        motive=TerminationMotive.RESIGNATION,
        day=add_months(signed_on, 6) - timedelta(days=1),
        comment="Démission pour un poste en CDI dans une autre collectivité.",
    )
    terminations.validate_termination(termination, by=anct)
    # Waiting for ANCT.
    terminations.request_termination(
        second,
        by=_structure_member(second.structure),
        motive=TerminationMotive.NON_RENEWAL,
        day=today + timedelta(days=20),
    )
    result["reports"] += _file_reports(first.structure, member)
    # The second structure never filed its first quarter: late.
    result["reports"] += _file_reports(second.structure, _structure_member(second.structure), skip_first=True)
    result["terminations"] = Termination.objects.count()
    return result
