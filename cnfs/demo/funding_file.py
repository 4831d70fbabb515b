"""Demo grant files in every state, through the real services (the files themselves are opened by the demo's hire
requests): incomplete, transmitted, overdue, not conform, conform (the demo's hires are completed by a conform
decision). The demo Banque des Territoires account gets real work in its queue. Idempotent."""

from datetime import date, datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from cnfs.accounts.models import RoleAssignment, User
from cnfs.accounts.roles import Role
from cnfs.core import uploads
from cnfs.funding import grant_files
from cnfs.funding.models import DocumentKind, FileStatus, GrantFile, NonConformityReason, OutfitSize
from cnfs.recruitment.models import MatchStatus
from cnfs.structures.models import JobPosting
from cnfs.structures.services import record_job_posting

from .concertation import at
from .recruitment import demo_pdf
from .seed import DEMO_ACCOUNTS, DEMO_PASSWORD

POSTING_DAYS_AGO = 90


def demo_bdt() -> User:
    """The demo Banque des Territoires agent (created if the accounts were not seeded)."""
    account = next(a for a in DEMO_ACCOUNTS if a.role == Role.BDT)
    user = User.objects.filter(email=account.email).first()
    if user is None:
        user = User.objects.create_user(
            account.email,
            DEMO_PASSWORD,
            first_name=account.first_name,
            last_name=account.last_name,
            email_confirmed_at=timezone.now(),
        )
    RoleAssignment.objects.get_or_create(user=user, role=Role.BDT, scope_id="")
    return user


def _member(grant_file):
    assignment = (
        RoleAssignment.objects.filter(role=Role.STRUCTURE, structure=grant_file.structure_id)
        .select_related("user")
        .order_by("-is_admin", "pk")
        .first()
    )
    return assignment.user if assignment else None


def complete(grant_file, *, by, documents=True, identities=True):
    """The structure fills its file: its job posting (published 90 days ago, if not recorded yet), identities,
    outfit size, the SIRENE notice and the signed deliberation."""
    if not JobPosting.objects.filter(structure=grant_file.structure_id).exists():
        # Published well before the demo's hires, so each of them may sign its contract on any recent day.
        record_job_posting(
            JobPosting(
                structure=grant_file.structure,
                url=f"https://www.emploi-territorial.fr/offre/o0{grant_file.structure_id:010d}",
                published_on=timezone.localdate() - timedelta(days=POSTING_DAYS_AGO),
            ),
            by=by,
        )
    grant_files.link_job_posting(grant_file)
    if identities:
        grant_files.save_identities(
            grant_file,
            {
                "president_first_name": "Martine",
                "president_last_name": "Durand",
                "president_birth_date": date(1962, 4, 12),
                "dgs_first_name": "Olivier",
                "dgs_last_name": "Lefèvre",
                "dgs_birth_date": date(1971, 9, 3),
                "outfit_size": OutfitSize.M,
            },
            by=by,
        )
    if documents:
        for kind in DocumentKind:
            name = f"{kind.value}-{grant_file.structure_id}.pdf"
            upload = SimpleUploadedFile(
                name, demo_pdf(f"{kind.label} - {grant_file.structure}"), "application/pdf"
            )
            grant_files.upload_document(grant_file, kind, upload, uploads.PDF, by=by)


def conform_hire(match, *, by, bdt=None):
    """A demo hire completed as in the app: the structure completes and transmits the file, the Banque des
    Territoires finds it conform (which hires)."""
    grant_file = GrantFile.objects.live().get(match=match)
    complete(grant_file, by=by)
    grant_files.transmit(grant_file, by=by, role=Role.STRUCTURE)
    return grant_files.decide(grant_file, by=bdt or demo_bdt(), role=Role.BDT, conform=True)


def _days_ago(days):
    return timezone.make_aware(datetime.combine(timezone.localdate() - timedelta(days=days), time(10)))


@transaction.atomic
def seed_file() -> dict:
    bdt = demo_bdt()
    if GrantFile.objects.filter(status__in=(FileStatus.TRANSMITTED, FileStatus.NOT_CONFORM)).exists():
        return {"dossiers": GrantFile.objects.count()}
    drafts = list(
        GrantFile.objects.filter(status=FileStatus.DRAFT, match__status=MatchStatus.HIRE_REQUESTED)
        .select_related("structure")
        .order_by("pk")
    )
    # The first stays incomplete (identities only); then one transmitted today, one overdue, one not conform and
    # sent back, one transmitted 13 days ago (its review deadline in 2 days).
    plan = ["incomplete", "transmitted", "overdue", "not_conform", "soon"]
    for state, grant_file in zip(plan, drafts, strict=False):
        member = _member(grant_file)
        if member is None:
            continue
        if state == "incomplete":
            complete(grant_file, by=member, documents=False)
            continue
        complete(grant_file, by=member)
        if state == "transmitted":
            grant_files.transmit(grant_file, by=member, role=Role.STRUCTURE)
        elif state in ("overdue", "soon"):
            with at(_days_ago(20 if state == "overdue" else 13)):
                grant_files.transmit(grant_file, by=member, role=Role.STRUCTURE)
        elif state == "not_conform":
            with at(_days_ago(12)):
                grant_files.transmit(grant_file, by=member, role=Role.STRUCTURE)
            with at(_days_ago(5)):
                grant_files.decide(
                    grant_file,
                    by=bdt,
                    role=Role.BDT,
                    conform=False,
                    reasons=[NonConformityReason.SIRENE, NonConformityReason.OTHER],
                    comment="La délibération jointe date de 2021 : joignez celle qui autorise ce recrutement.",
                )
    return {"dossiers": GrantFile.objects.count()}
