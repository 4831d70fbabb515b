"""Demo candidates (about 400) around the activated demo structures, some overseas, some with Pix and CVs, and
matches in every state. Idempotent: candidates are keyed by their email."""

import random
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from cnfs.accounts.models import RoleAssignment, User
from cnfs.accounts.roles import Role
from cnfs.accounts.services import grant_role
from cnfs.candidates import cv
from cnfs.candidates.models import DISTANCE_CLASSES, Candidate, Distance, PixResult, UnavailableReason
from cnfs.concertation.models import ApplicationStatus, StructureApplication
from cnfs.recruitment.models import Match, MatchStatus
from cnfs.structures.models import Post, Structure
from cnfs.territories.geo import within_km
from cnfs.territories.models import Commune, Zone

COUNT = 400
OVERSEAS = 20
DOMAIN = "demo-candidats.fr"
FIRST_NAMES = [
    "Léa",
    "Hugo",
    "Inès",
    "Nathan",
    "Camille",
    "Yanis",
    "Manon",
    "Louis",
    "Sarah",
    "Noah",
    "Jade",
    "Adam",
]
LAST_NAMES = [
    "Martin",
    "Bernard",
    "Thomas",
    "Petit",
    "Robert",
    "Richard",
    "Durand",
    "Dubois",
    "Moreau",
    "Laurent",
]
MOTIVATIONS = [
    "J'accompagne déjà des voisins dans leurs démarches en ligne et je souhaite en faire mon métier.",
    "Après dix ans dans l'accueil du public, je veux aider les personnes éloignées du numérique.",
    "Animatrice multimédia, je veux mettre mes compétences au service de mon territoire.",
]


def demo_pdf(title: str) -> bytes:
    """A small valid one-page PDF with a line of text (offsets of the cross-reference table computed)."""
    text = title.replace("(", "").replace(")", "").encode("latin-1", "replace")
    stream = b"BT /F1 18 Tf 72 720 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


class _Upload:
    def __init__(self, content):
        self.content = content

    def chunks(self):
        yield self.content


def _activated_structures():
    structures = Structure.objects.filter(activated_at__isnull=False, latitude__isnull=False).select_related(
        "departement", "commune"
    )
    order = {pk: n for n, pk in enumerate(
        StructureApplication.objects.filter(status=ApplicationStatus.ACTIVATED).order_by("id")
        .values_list("structure_id", flat=True)
    )}  # fmt: skip
    structures = sorted(structures, key=lambda s: (order.get(s.pk, len(order)), s.pk))
    return [(s, s.latitude, s.longitude) for s in structures]


@transaction.atomic
def seed(*, anct=None, candidate_user=None) -> dict:
    rng = random.Random(2024)
    structures = _activated_structures()
    if not structures:
        return {"candidates": 0}
    password = make_password(None)  # demo candidates cannot log in, except the demo candidate account
    today = timezone.localdate()
    overseas = list(
        Commune.objects.filter(departement__zone=Zone.DROM, latitude__isnull=False).order_by("-population")[
            :10
        ]
    )
    created = 0
    near_cache = {}
    for n in range(COUNT):
        email = f"candidat{n:03d}@{DOMAIN}"
        if User.objects.filter(email=email).exists():
            continue
        if n < OVERSEAS and overseas:
            commune = overseas[n % len(overseas)]
        else:
            structure, lat, lon = structures[n % len(structures)]
            if structure.pk not in near_cache:
                near_cache[structure.pk] = list(
                    within_km(Commune.objects.filter(latitude__isnull=False), lat, lon, 30).order_by(
                        "-population"
                    )[:25]
                ) or [structure.commune]
            commune = rng.choice(near_cache[structure.pk])
        if commune is None:
            continue
        user = User.objects.create(
            email=email,
            password=password,
            first_name=rng.choice(FIRST_NAMES),
            last_name=rng.choice(LAST_NAMES),
            phone=f"+336{rng.randint(10000000, 99999999)}",
            email_confirmed_at=timezone.now() if n % 25 else None,
        )
        RoleAssignment.objects.create(user=user, role=Role.CANDIDATE)
        candidate = _candidate(user, commune, n, rng, today)
        created += 1
        if n % 4 == 0:
            PixResult.objects.create(
                candidate=candidate,
                level=rng.choice([1, 2, 2, 3]),
                professional_use=rng.randint(20, 95),
                producing_resources=rng.randint(20, 95),
                e_citizenship=rng.randint(20, 95),
                tested_on=today - timedelta(days=rng.randint(5, 200)),
            )
    if candidate_user is not None and not Candidate.objects.filter(user=candidate_user).exists():
        vichy = Commune.objects.filter(pk="03310").first() or structures[0][0].commune
        if vichy is not None:
            _candidate(candidate_user, vichy, 1, rng, today, max_distance=Distance.KM_100)
    _matches(structures, anct, rng)
    return {"candidates": created}


def _candidate(user, commune, n, rng, today, max_distance=None):
    candidate = Candidate(
        user=user,
        commune=commune,
        is_job_seeker=n % 2 == 0,
        is_employed=n % 2 == 1,
        is_in_training=n % 7 == 0,
        has_diploma=n % 5 == 0,
        diploma_name="Titre professionnel Responsable d'espace de médiation numérique" if n % 5 == 0 else "",
        has_experience=n % 3 == 0,
        was_advisor=n % 11 == 0,
        available_from=today + timedelta(days=rng.choice([0, 0, 7, 30, 60])),
        max_distance=max_distance
        if max_distance is not None
        else rng.choice([*DISTANCE_CLASSES, Distance.FRANCE]),
        motivation=rng.choice(MOTIVATIONS),
        pix_shared=n % 8 != 0,
    )
    if n % 3 == 0:
        candidate.cv_name = cv.store(_Upload(demo_pdf(f"CV de {user.full_name}")))
        candidate.cv_uploaded_at = timezone.now()
    candidate.locate()
    candidate.save()
    return candidate


def _structure_member(structure):
    """A member of the structure's team to act in its name: its first one, else its contact, as after accepting the
    activation invitation."""
    member = (
        RoleAssignment.objects.filter(role=Role.STRUCTURE, structure=structure).select_related("user").first()
    )
    if member is not None:
        return member.user
    email = structure.contact_email or f"structure{structure.pk}@demo-structure.fr"
    user = User.objects.filter(email__iexact=email).first() or User.objects.create(
        email=email,
        password=make_password(None),
        first_name=structure.contact_first_name or "Contact",
        last_name=structure.contact_last_name or str(structure),
        email_confirmed_at=timezone.now(),
    )
    grant_role(user, by=user, role=Role.STRUCTURE, structure=structure, is_admin=True)
    return user


def _matches(structures, anct, rng):
    """Matches in every state on the first demo structures (the Moulins account keeps a free post), taken through
    the real workflow (open, shortlist, request_hire, hire…), so their history and journal are the app's own."""
    from cnfs.candidates.services import withdraw
    from cnfs.recruitment import workflow
    from cnfs.recruitment.matching import matching_candidates

    if Match.objects.exists():
        return
    plan = [
        MatchStatus.SHORTLISTED,
        MatchStatus.SHORTLISTED,
        MatchStatus.NOT_RETAINED,
        MatchStatus.NEW,
        MatchStatus.CLOSED,
    ]
    holding = [MatchStatus.HIRE_REQUESTED, MatchStatus.HIRED]
    used = set()
    for index, (structure, _, _) in enumerate(structures[:8]):
        can_hire = Post.objects.filter(structure=structure).open_for_hire().count() >= len(holding)
        statuses = plan + (holding if index % 2 and can_hire and structure.siret != "21030190500011" else [])
        pool = [c for c in matching_candidates(structure).select_related("user")[:40] if c.pk not in used]
        member = _structure_member(structure)
        for status, candidate in zip(statuses, pool, strict=False):
            used.add(candidate.pk)
            match = workflow.open_match(structure, candidate, by=member)
            if status == MatchStatus.NOT_RETAINED:
                workflow.not_retain(match, by=member, role=Role.STRUCTURE)
            elif status != MatchStatus.NEW:
                workflow.shortlist(match, by=member, role=Role.STRUCTURE)
            if status == MatchStatus.CLOSED:
                withdraw(candidate, reason=UnavailableReason.FOUND_JOB, by=candidate.user)
            if status in holding:
                workflow.request_hire(match, by=member, role=Role.STRUCTURE)
            if status == MatchStatus.HIRED:
                # As in the app: the structure completes its grant file, the Banque des Territoires finds it
                # conform, which completes the hire.
                from .funding_file import conform_hire

                conform_hire(match, by=member)
