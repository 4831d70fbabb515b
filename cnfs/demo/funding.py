"""Demo funding story, through the real services at the dates it needs (time-machine, as the concertation demo): the
two structures whose committee is the oldest recruit in the weeks after it, their grant files are found conform, they
sign contracts, the Banque des Territoires signs their agreements and pays the first tranche that fell due, one
structure files its quarterly report, the other is late; one advisor resigns (termination validated: tranches not yet
due cancelled, amount to recover, post reopened), another termination waits for ANCT, one agreement is renewed.
The grant files in their other states come from `funding_file`. Idempotent: nothing is done once a contract exists."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from cnfs.accounts.roles import Role
from cnfs.core.themes import PROGRAMME_MISSIONS
from cnfs.funding import agreements, contracts, payments, reports, terminations
from cnfs.funding.models import Contract, TerminationMotive, Tranche
from cnfs.recruitment import workflow
from cnfs.recruitment.candidate_list import structure_candidates
from cnfs.recruitment.models import HOLDING_STATUSES, Match
from cnfs.structures.models import JobPosting, Post, Structure
from cnfs.structures.services import add_months, record_job_posting

from .concertation import at
from .funding_file import demo_bdt
from .recruitment import _structure_member
from .seed import DEMO_DOMAIN

POSTING_URL = "https://www.emploi-territorial.fr/offre/o1{:09d}"
SUMMARY = "Ateliers collectifs deux fois par semaine et permanences en mairie ; achat de deux ordinateurs portables."


def _moment(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _oldest_structures(count: int, *, before: date) -> list[Structure]:
    """Structures whose posts are all still free and were granted before `before`, the oldest committee first."""
    rows = (
        Post.objects.granted()
        .filter(committee_date__lte=before)
        .values("structure_id")
        .annotate(first=Min("committee_date"))
        .order_by("first", "structure_id")
    )
    chosen = []
    for row in rows:
        posts = Post.objects.granted().filter(structure_id=row["structure_id"])
        if posts.count() >= 2 and not posts.exclude(status="free").exists():
            chosen.append(Structure.objects.get(pk=row["structure_id"]))
        if len(chosen) == count:
            break
    return chosen


def _publish_posting(structure, member, day: date) -> JobPosting:
    with at(_moment(day)):
        return record_job_posting(
            JobPosting(structure=structure, url=POSTING_URL.format(structure.pk), published_on=day), by=member
        )


def _hire(structure, member, bdt, requested_on: date) -> Match:
    """A nearby available candidate shortlisted, "Valider cette candidature", the file completed and transmitted two
    days later, found conform a week after that."""
    taken = Match.objects.filter(status__in=HOLDING_STATUSES).values("candidate_id")
    candidate = (
        structure_candidates(structure)
        .filter(is_available=True, erased_at__isnull=True, match_pk__isnull=True)
        .exclude(pk__in=taken)
        .exclude(user__email__endswith=f"@{DEMO_DOMAIN}")  # the demo candidate account stays a candidate
        .order_by("distance_km", "pk")
        .first()
    )
    if candidate is None:
        return None
    with at(_moment(requested_on, 9)):
        match = workflow.open_match(structure, candidate, by=member)
        match = workflow.shortlist(match, by=member)
        match = workflow.request_hire(match, by=member, role=Role.STRUCTURE)
    with at(_moment(requested_on + timedelta(days=2))):
        from cnfs.funding import grant_files
        from cnfs.funding.models import GrantFile

        from .funding_file import complete

        grant_file = GrantFile.objects.live().get(match=match)
        complete(grant_file, by=member)
        grant_files.transmit(grant_file, by=member, role=Role.STRUCTURE)
    with at(_moment(requested_on + timedelta(days=9))):
        grant_files.decide(GrantFile.objects.get(pk=grant_file.pk), by=bdt, role=Role.BDT, conform=True)
    match.refresh_from_db()
    return match


def _contract(match, member, signed_on: date) -> Contract:
    with at(_moment(signed_on, 11)):
        return contracts.record_contract(
            match,
            by=member,
            type=contracts.default_type(match.structure),
            signed_on=signed_on,
            start_date=signed_on + timedelta(days=1),
            end_date=add_months(signed_on, 24),
            weekly_hours=Decimal("35"),
            gross_monthly_salary=Decimal("2150.00"),
            missions=[m.value for m in PROGRAMME_MISSIONS],
        )


def _agreement(structure, bdt, prepared_on: date, starts_on: date):
    with at(_moment(prepared_on)):
        agreement = agreements.prepare_agreement(
            structure, by=bdt, starts_on=starts_on, months=36, co_financing=Decimal("3000")
        )
    with at(_moment(prepared_on + timedelta(days=6))):
        return agreements.sign_agreement(agreement, by=bdt, signed_on=prepared_on + timedelta(days=5))


def _pay(tranche: Tranche, bdt, paid_on: date):
    with at(_moment(paid_on, 15)):
        return payments.record_payment(
            tranche, by=bdt, paid_on=paid_on, amount=tranche.amount, reference=f"VIR-DEMO-{tranche.pk:05d}"
        )


@transaction.atomic
def seed_funding(*, anct) -> dict:
    if anct is None or Contract.objects.exists():
        return {}
    bdt = demo_bdt()
    today = timezone.localdate()
    # The story needs about 100 days after a committee (first tranche due, then a quarter's report).
    structures = _oldest_structures(2, before=today - timedelta(days=100))
    if len(structures) < 2:
        return {}
    done = {"contrats": 0, "versements": 0, "ruptures": 0, "rapports": 0}
    first_contracts = []
    for index, structure in enumerate(structures):
        member = _structure_member(structure)
        committee = Post.objects.granted().filter(structure=structure).aggregate(d=Min("committee_date"))["d"]
        posting = _publish_posting(structure, member, committee + timedelta(days=3))
        hires = [_hire(structure, member, bdt, committee + timedelta(days=15 + n)) for n in range(2)]
        hires = [match for match in hires if match is not None]
        signed = posting.contract_signable_from + timedelta(days=1)
        structure_contracts = [
            _contract(match, member, signed + timedelta(days=2 * n)) for n, match in enumerate(hires)
        ]
        done["contrats"] += len(structure_contracts)
        if not structure_contracts:
            continue
        first_contracts.append(structure_contracts[0])
        _agreement(structure, bdt, signed - timedelta(days=4), signed + timedelta(days=1))
        # Tranche 1 of the first contract paid four days after it fell due; the second contract's left due.
        tranche = structure_contracts[0].tranches.get(number=1)
        if tranche.due_on + timedelta(days=4) <= today:
            _pay(tranche, bdt, tranche.due_on + timedelta(days=4))
            done["versements"] += 1
        # The first structure files its quarterly reports ten days after each quarter; the second does not (late).
        if index == 0:
            for quarter in reports.reports_status(Structure.objects.filter(pk=structure.pk))[0].missing:
                filed_on = quarter.end + timedelta(days=10)
                if filed_on > today:
                    continue
                with at(_moment(filed_on)):
                    reports.submit_report(
                        structure,
                        by=member,
                        year=quarter.year,
                        quarter=quarter.number,
                        amount_spent=Decimal("6300.00"),
                        advisors_in_post=len(structure_contracts),
                        summary=SUMMARY,
                    )
                done["rapports"] += 1
        if len(structure_contracts) < 2:
            continue
        second = structure_contracts[1]
        if index == 1:
            # A resignation, validated by ANCT: tranches not yet due cancelled, the amount due pro rata, the post
            # reopened with a new deadline, the person available again.
            requested_on = max(second.signed_on + timedelta(days=70), today - timedelta(days=20))
            with at(_moment(requested_on)):
                termination = terminations.request_termination(
                    second,
                    by=member,
                    motive=TerminationMotive.RESIGNATION,
                    day=requested_on + timedelta(days=7),
                    comment="Démission pour un poste en CDI dans une autre collectivité.",
                )
            with at(_moment(requested_on + timedelta(days=3))):
                terminations.validate_termination(termination, by=anct)
            done["ruptures"] += 1
            # The agreement renewed ("reconventionnement") for the next three years.
            renewal_on = today - timedelta(days=3)
            with at(_moment(renewal_on)):
                renewal = agreements.renew_agreement(
                    agreements.live_agreement(structure), by=bdt, starts_on=today, months=36
                )
                agreements.sign_agreement(renewal, by=bdt, signed_on=renewal_on)
        else:
            # A termination waiting for ANCT: the fixed-term contract is not renewed.
            with at(_moment(today - timedelta(days=2))):
                terminations.request_termination(
                    second,
                    by=member,
                    motive=TerminationMotive.NON_RENEWAL,
                    day=today + timedelta(days=20),
                    comment="Le conseiller a trouvé une formation qualifiante.",
                )
            done["ruptures"] += 1
    return done
