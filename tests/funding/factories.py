"""Funding test data through the real services: a hire requested ("Valider cette candidature", which opens the grant
file once funding listens), a hire completed (as the conformity decision completes it), a contract with its
tranches."""

from datetime import date
from decimal import Decimal

from django.utils import timezone

from cnfs.funding.models import Contract, ContractType
from cnfs.funding.services import schedule_tranches
from cnfs.recruitment import workflow
from cnfs.recruitment.models import MatchStatus
from cnfs.structures.models import JobPosting
from tests.factories import UserFactory
from tests.recruitment.factories import CandidateFactory, MatchFactory, activated_structure, structure_user


def hire_requested_match(structure=None, *, by=None, posts=2, **structure_kwargs):
    """A match after "Valider cette candidature", on a structure activated with `posts` posts (and a job posting
    published 40 days ago)."""
    structure = structure or activated_structure(posts=posts, **structure_kwargs)
    if structure.current_job_posting is None:
        JobPosting.objects.create(
            structure=structure,
            url="https://www.emploi-territorial.fr/offre/o0000000000",
            published_on=timezone.localdate() - timezone.timedelta(days=40),
        )
    by = by or structure_user(structure)
    candidate = CandidateFactory(latitude=structure.latitude, longitude=structure.longitude)
    match = MatchFactory(structure=structure, candidate=candidate, status=MatchStatus.SHORTLISTED)
    return workflow.request_hire(match, by=by)


def hired_match(structure=None, *, by=None, **kwargs):
    """A hire completed the real way (see `complete_hire`)."""
    return complete_hire(hire_requested_match(structure, **kwargs), by=by)


def complete_hire(match, *, by=None):
    """The structure member who asked completes and transmits the grant file the hire request opened; a Banque des
    Territoires agent (`by`) finds it conform, which completes the hire."""
    from cnfs.accounts.roles import Role
    from cnfs.funding import grant_files
    from cnfs.funding.models import GrantFile
    from tests.funding.files import complete

    member = match.transitions.filter(name="request_hire").latest("pk").by
    grant_file = complete(GrantFile.objects.live().get(match=match), member)
    grant_file = grant_files.transmit(grant_file, by=member, role=Role.STRUCTURE)
    grant_files.decide(grant_file, by=by or UserFactory(role=Role.BDT), conform=True, role=Role.BDT)
    match.refresh_from_db()
    return match


def contract_for(
    match,
    *,
    by=None,
    signed_on: date | None = None,
    type=ContractType.PROJECT,
    months=24,
    agreement=False,
    **fields,
):
    """A contract on the match's post, with its tranches scheduled by the real service."""
    from cnfs.structures.services import add_months

    signed_on = signed_on or timezone.localdate()
    start = fields.pop("start_date", signed_on)
    contract = Contract.objects.create(
        structure=match.structure,
        post=match.post,
        match=match,
        type=type,
        start_date=start,
        end_date=None if type == ContractType.CDI else add_months(start, months),
        gross_monthly_salary=fields.pop("gross_monthly_salary", Decimal("2100.00")),
        missions=fields.pop("missions", ["digital_autonomy"]),
        signed_on=signed_on,
        recorded_by=by or UserFactory(),
        **fields,
    )
    schedule_tranches(contract, by=contract.recorded_by)
    if agreement:  # its posts carried by a signed agreement, so that its tranches can be paid
        signed_agreement(match.structure, starts_on=signed_on)
    return contract


def signed_agreement(structure, *, by=None, starts_on: date | None = None, signed_on: date | None = None):
    """The structure's agreement over its granted posts, prepared and signed by the Banque des Territoires (through
    the real services): a tranche is paid only on a post a signed agreement carries."""
    from cnfs.accounts.roles import Role
    from cnfs.funding import agreements

    by = by or UserFactory(role=Role.BDT)
    agreement = agreements.live_agreement(structure)
    if agreement is None:
        agreement = agreements.prepare_agreement(
            structure, by=by, starts_on=starts_on or timezone.localdate(), months=36
        )
    if agreement.signed_on is None:
        agreement = agreements.sign_agreement(agreement, by=by, signed_on=signed_on or timezone.localdate())
    return agreement
