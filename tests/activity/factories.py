"""Advisors in post (hired the real way) and places (written by the real service)."""

from cnfs.accounts.roles import Role
from cnfs.activity import services, standard
from cnfs.recruitment.models import Advisor
from cnfs.territories.models import PostalCode
from tests.factories import CommuneFactory
from tests.funding.factories import hired_match


def hired_advisor(structure=None) -> Advisor:
    """An Advisor record after a completed hire (its user holds the advisor role)."""
    match = hired_match(structure)
    return Advisor.objects.select_related("candidate__user", "structure").get(match=match)


def advisor_user(advisor):
    """The advisor's account, acting as advisor."""
    user = advisor.candidate.user
    assert user.role_assignments.filter(role=Role.ADVISOR).exists()
    return user


def moulins():
    commune = CommuneFactory()
    PostalCode.objects.get_or_create(code="03000", commune=commune)
    return commune


def place_values(**overrides) -> dict:
    values = {
        "name": "Médiathèque de Moulins",
        "address": "1 place de l'Ancien Palais",
        "commune": overrides.pop("commune", None) or moulins(),
        "postal_code": "03000",
        "siret": "",
        "rna": "",
        "opening_hours": "Mo-Fr 09:00-12:00,14:00-17:00",
        "access_modes": ["Se présenter"],
        "support_modes": ["Accompagnement individuel"],
        "services": [standard.SERVICES[0][0]],
        "audiences": [],
        "specific_support": [],
        "fees": ["Gratuit"],
        "national_programmes": [standard.ADVISORS_PROGRAMME],
        "mobility": standard.FIXED,
        "visible": True,
    }
    values.update(overrides)
    return values


def make_place(advisor, **overrides):
    return services.create_place(advisor, place_values(**overrides), by=advisor.candidate.user)


def report_values(**overrides) -> dict:
    """An individual support at home, on the service's terms (what the form hands it)."""
    import datetime

    from django.utils import timezone

    values = {
        "date": timezone.localdate() - datetime.timedelta(days=1),
        "kind": "individual",
        "title": "",
        "level": "",
        "place_kind": "remote",
        "place": None,
        "commune": None,
        "duration_minutes": 30,
        "themes": ["email"],
        "sub_themes": [],
        "equipment": ["computer"],
        "participants": 1,
        "already_accompanied": 0,
        "autonomy": "",
        "redirected_to": "",
        "aidants_connect": False,
        "pass_numerique": 0,
        "notes": "",
    }
    values.update(overrides)
    return values


def make_report(advisor, **overrides):
    from cnfs.activity import reports

    return reports.create_report(advisor, report_values(**overrides), by=advisor.candidate.user)
