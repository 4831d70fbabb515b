"""Demo data: one account per role and a small, realistic set of structures. Idempotent."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from cnfs.accounts import second_factor
from cnfs.accounts.models import RoleAssignment, User
from cnfs.accounts.roles import Role
from cnfs.structures.models import Structure, StructureType
from cnfs.territories.models import Commune, Departement, Hub, Region

DEMO_PASSWORD = "Demo-Cnfs-2026!"
DEMO_DOMAIN = "demo.conseiller-numerique.fr"
# The demo agents' authenticator key (their roles require a second factor): shown by `make run` (demo_accounts) to be
# added to an authenticator app, and used by the browser tests to compute the codes. Demo data only.
DEMO_TOTP_KEY = "3132333435363738393031323334353637383930"


@dataclass(frozen=True)
class DemoAccount:
    email: str
    first_name: str
    last_name: str
    role: Role
    description: str


DEMO_ACCOUNTS = [
    DemoAccount(f"anct@{DEMO_DOMAIN}", "Claire", "Martin", Role.ANCT, "Équipe nationale (ANCT)"),
    DemoAccount(
        f"prefecture.allier@{DEMO_DOMAIN}",
        "Julien",
        "Bernard",
        Role.PREFECTURE,
        "Préfecture de l'Allier (03)",
    ),
    DemoAccount(f"bdt@{DEMO_DOMAIN}", "Sophie", "Dubois", Role.BDT, "Banque des Territoires"),
    DemoAccount(
        f"structure@{DEMO_DOMAIN}",
        "Nathalie",
        "Petit",
        Role.STRUCTURE,
        "Commune de Moulins (administratrice)",
    ),
    DemoAccount(
        f"formation@{DEMO_DOMAIN}", "Karim", "Benali", Role.TRAINING_PROVIDER, "Organisme de formation"
    ),
    DemoAccount(f"hub@{DEMO_DOMAIN}", "Élodie", "Roux", Role.HUB, "Hub territorial Auvergne"),
    DemoAccount(
        f"coordinateur@{DEMO_DOMAIN}", "Thomas", "Moreau", Role.COORDINATOR, "Coordinateur (et conseiller)"
    ),
    DemoAccount(
        f"conseiller@{DEMO_DOMAIN}", "Inès", "Garnier", Role.ADVISOR, "Conseillère numérique à Moulins"
    ),
    DemoAccount(f"candidat@{DEMO_DOMAIN}", "Lucas", "Fontaine", Role.CANDIDATE, "Candidat à Vichy"),
]

DEMO_STRUCTURES = [
    # (name, siret, type, commune INSEE, département)
    ("Commune de Moulins", "21030190500011", StructureType.COMMUNE, "03190", "03"),
    ("Communauté d'agglomération Vichy Communauté", "20007125800018", StructureType.EPCI, "03310", "03"),
    ("Association Montluçon Numérique Solidaire", "84412345600017", StructureType.ASSOCIATION, "03185", "03"),
    ("Métropole de Lyon", "20004697700019", StructureType.EPCI, "69123", "69"),
]


def _commune(code):
    return Commune.objects.filter(pk=code).first()


def demo_totp_code(steps_ahead: int = 0) -> str:
    """The code an authenticator app holding DEMO_TOTP_KEY shows now (or so many 30-second steps later)."""
    from django_otp.oath import TOTP

    return f"{TOTP(bytes.fromhex(DEMO_TOTP_KEY), step=30, t0=0, digits=6, drift=steps_ahead).token():06d}"


def enrol_demo_totp(user) -> None:
    """Through the real enrolment: the device, then its first code."""
    if second_factor.has_device(user):
        return
    device = second_factor.start_totp(user, key=DEMO_TOTP_KEY)
    second_factor.confirm_totp(user, device, demo_totp_code())


@transaction.atomic
def seed() -> dict:
    allier = Departement.objects.get(pk="03")
    structures = {}
    for name, siret, kind, commune_code, departement_code in DEMO_STRUCTURES:
        departement = Departement.objects.filter(pk=departement_code).first() or allier
        structure, _ = Structure.objects.get_or_create(
            siret=siret,
            defaults={
                "name": name,
                "type": kind,
                "commune": _commune(commune_code),
                "departement": departement,
            },
        )
        structures[commune_code] = structure
    from .training import seed_providers

    # Before any grant file is transmitted: the transmission proposes the provider covering the département.
    provider = seed_providers()["03"]
    hub, _ = Hub.objects.get_or_create(name="Hub territorial Auvergne")
    hub.departements.add(*Departement.objects.filter(code__in=["03", "15", "43", "63"]))

    scopes = {
        Role.PREFECTURE: {"departement": allier},
        Role.STRUCTURE: {"structure": structures["03190"], "is_admin": True},
        Role.TRAINING_PROVIDER: {"training_provider": provider},
        Role.HUB: {"hub": hub},
        Role.ADVISOR: {"structure": structures["03190"]},
    }
    users = {}
    for account in DEMO_ACCOUNTS:
        user = User.objects.filter(email=account.email).first()
        if user is None:
            user = User.objects.create_user(
                account.email,
                DEMO_PASSWORD,
                first_name=account.first_name,
                last_name=account.last_name,
                email_confirmed_at=timezone.now(),
            )
        RoleAssignment.objects.get_or_create(
            user=user,
            role=account.role,
            scope_id=RoleAssignment(role=account.role, **scopes.get(account.role, {})).scope_key,
            defaults=scopes.get(account.role, {}),
        )
        users[account.role] = user
        if second_factor.is_required(user):
            enrol_demo_totp(user)
    # The coordinator is also an advisor: one account, two roles (switch in the header); the advisor role comes with
    # the recruitment in seed_teams.
    # A second préfecture agent, for the région, shows the région scope.
    region = Region.objects.filter(pk="84").first()
    if region:
        RoleAssignment.objects.get_or_create(
            user=users[Role.PREFECTURE],
            role=Role.PREFECTURE,
            scope_id=f"region:{region.pk}",
            defaults={"region": region},
        )
    from .concertation import seed as seed_concertation

    seed_concertation(anct=users[Role.ANCT], prefect=users[Role.PREFECTURE], moulins=structures["03190"])
    from .recruitment import seed as seed_recruitment

    seed_recruitment(anct=users[Role.ANCT], candidate_user=users[Role.CANDIDATE])
    from .funding import seed_funding
    from .funding_file import seed_file

    seed_funding(anct=users[Role.ANCT])
    seed_file()
    from .training import seed_training

    seed_training(anct=users[Role.ANCT], prefect=users[Role.PREFECTURE])
    from .teams import seed_teams

    seed_teams(anct=users[Role.ANCT])  # before the places and reports: the demo advisors get theirs
    from .activity import seed_places

    seed_places()
    from .reports import seed_reports

    seed_reports()
    from .api import seed_api

    seed_api(anct=users[Role.ANCT])
    from .exports import seed_exports

    seed_exports(anct=users[Role.ANCT])
    return summary()


def summary() -> dict:
    from cnfs.activity.models import ActivityReport, Place
    from cnfs.candidates.models import Candidate
    from cnfs.concertation.models import StructureApplication
    from cnfs.recruitment.models import Match
    from cnfs.training.models import Training, TrainingSession

    return {
        "comptes": User.objects.count(),
        "candidatures de structures": StructureApplication.objects.count(),
        "structures": Structure.objects.count(),
        "candidats": Candidate.objects.count(),
        "mises en relation": Match.objects.count(),
        "formations": Training.objects.count(),
        "sessions de formation": TrainingSession.objects.count(),
        "lieux d'activité": Place.objects.count(),
        "comptes rendus d'activité": ActivityReport.objects.count(),
    }
