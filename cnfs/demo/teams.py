"""Demo coordinator and team, through the real services: the two demo accounts that act as advisors
(`conseiller@…`, `coordinateur@…`) are recruited the app's way (a candidate profile, a match shortlisted, "Valider
cette candidature", a conform grant file) so that they have a real Advisor record, places and reports; ANCT names the
coordinator and invites three advisors of the Allier: two accept from their space, the demo advisor's invitation
waits for her answer. Idempotent: nothing is done once a team exists."""

import random

from django.db import transaction
from django.utils import timezone

from cnfs.accounts.models import RoleAssignment, User
from cnfs.accounts.roles import Role
from cnfs.accounts.services import grant_role
from cnfs.candidates.models import Candidate, Distance
from cnfs.recruitment import workflow
from cnfs.recruitment.models import Advisor, AdvisorStatus
from cnfs.structures.models import Post, Structure
from cnfs.teams import services
from cnfs.teams.models import Team

from .funding_file import conform_hire
from .recruitment import _candidate, _structure_member
from .seed import DEMO_ACCOUNTS

MOULINS = "21030190500011"
MEMBERS = 2  # who accept; the demo advisor's invitation stays pending


def _account(role) -> User | None:
    email = next(account.email for account in DEMO_ACCOUNTS if account.role == role)
    return User.objects.filter(email=email).first()


def _free_structure(*, exclude=()) -> Structure | None:
    """A structure of the Allier with a post open for hire, other than the demo structure (which keeps one for the
    recruitment journeys)."""
    for structure in (
        Structure.objects.filter(departement_id="03", activated_at__isnull=False)
        .exclude(siret__in=exclude)
        .exclude(commune__isnull=True)
        .order_by("pk")
    ):
        if Post.objects.filter(structure=structure).open_for_hire().exists():
            return structure
    return None


def hire_account(user: User, structure: Structure | None, *, number: int) -> Advisor | None:
    """The account recruited by `structure` as a candidate would be: its candidate profile, then the structure's
    steps and the Banque des Territoires' conform decision, which creates the Advisor record and its role."""
    advisor = Advisor.objects.filter(candidate__user=user).first()
    if advisor is not None or structure is None:
        return advisor
    if not Post.objects.filter(structure=structure).open_for_hire().exists():
        return None
    candidate = Candidate.objects.filter(user=user).first()
    if candidate is None:
        today = timezone.localdate()
        candidate = _candidate(user, structure.commune, number, random.Random(number), today, Distance.KM_20)
        Candidate.objects.filter(pk=candidate.pk).update(available_from=today)
        grant_role(user, by=user, role=Role.CANDIDATE)
    member = _structure_member(structure)
    match = workflow.open_match(structure, candidate, by=member)
    match = workflow.shortlist(match, by=member, role=Role.STRUCTURE)
    match = workflow.request_hire(match, by=member, role=Role.STRUCTURE)
    conform_hire(match, by=member)
    return Advisor.objects.filter(candidate=candidate, status=AdvisorStatus.ACTIVE).first()


@transaction.atomic
def seed_teams(*, anct) -> dict:
    coordinator_user, advisor_user = _account(Role.COORDINATOR), _account(Role.ADVISOR)
    if anct is None or coordinator_user is None or Team.objects.exists():
        return {}
    moulins = Structure.objects.filter(siret=MOULINS).first()
    demo_advisor = hire_account(advisor_user, moulins, number=9001) if advisor_user else None
    coordinator = hire_account(coordinator_user, _free_structure(exclude=[MOULINS]), number=9002)
    if coordinator is None:  # no post to recruit on: the account keeps its advisor role, without a record
        RoleAssignment.objects.get_or_create(user=coordinator_user, role=Role.ADVISOR, scope_id="")
        return {}
    team = services.name_coordinator(coordinator, by=anct, role=Role.ANCT)
    demo_accounts = [account.email for account in DEMO_ACCOUNTS]
    colleagues = (
        Advisor.objects.filter(status=AdvisorStatus.ACTIVE, structure__departement_id="03")
        .exclude(pk=coordinator.pk)
        .exclude(candidate__user__email__in=demo_accounts)
        .select_related("candidate__user")
        .order_by("pk")[:MEMBERS]
    )
    for advisor in colleagues:
        membership = services.invite(team, advisor, by=anct, role=Role.ANCT)
        services.act(membership, "accept", by=advisor.candidate.user, role=Role.ADVISOR)
    if demo_advisor is not None:
        services.invite(team, demo_advisor, by=anct, role=Role.ANCT)
    return {"équipes": 1, "membres": len(colleagues)}
