"""Demo data of the concertation: two waves and about 60 applications of every type and status. Idempotent (each
application is keyed by its SIRET)."""

import random
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from stdnum import luhn

from cnfs.structures.models import StructureType
from cnfs.structures.services import grant_posts, record_activation

from .models import (
    ApplicationStatus,
    ApplicationTransition,
    CommitteeDecision,
    DecisionOutcome,
    Mission,
    PrefectOpinion,
    StructureApplication,
    Wave,
)

S = ApplicationStatus
DEPARTEMENTS = ["03", "63", "15", "43", "69"]
STATUSES = [
    S.DRAFT,
    S.SUBMITTED,
    S.SUBMITTED,
    S.OPINION_GIVEN,
    S.OPINION_GIVEN,
    S.FURTHER_EXAMINATION,
    S.REFUSED,
    S.ACTIVATED,
    S.ACTIVATED,
    S.ACTIVATED,
    S.ABANDONED,
    S.CANCELLED,
    S.DUPLICATE,
]
NAMES = {
    StructureType.COMMUNE: "Commune de {commune}",
    StructureType.EPCI: "Communauté de communes du pays de {commune}",
    StructureType.DEPARTEMENT: "Conseil départemental ({departement})",
    StructureType.REGION: "Conseil régional ({departement})",
    StructureType.OTHER_PUBLIC: "Syndicat mixte numérique de {commune}",
    StructureType.ASSOCIATION: "Association {commune} Connectée",
    StructureType.PRIVATE_ESS: "Coopérative Inclusion {commune}",
}
COUNT = 60


def demo_siret(n: int) -> str:
    siren = f"{77000000 + n:08d}"
    siren += luhn.calc_check_digit(siren)
    base = f"{siren}0001"
    return base + luhn.calc_check_digit(base)


def _communes(Commune):
    by_departement = {}
    for code in DEPARTEMENTS:
        communes = list(Commune.objects.filter(departement_id=code).order_by("-population", "name")[:15])
        if communes:
            by_departement[code] = communes
    return by_departement


@transaction.atomic
def seed(*, anct, prefect, moulins=None) -> dict:
    from cnfs.territories.models import Commune

    today = timezone.localdate()
    first, _ = Wave.objects.get_or_create(
        name="Vague 1",
        defaults={
            "opens_on": today - timedelta(days=150),
            "closes_on": today - timedelta(days=60),
            "target_posts": 2000,
        },
    )
    second, _ = Wave.objects.get_or_create(
        name="Vague 2",
        defaults={
            "opens_on": today - timedelta(days=59),
            "closes_on": today + timedelta(days=30),
            "target_posts": 2000,
        },
    )
    communes = _communes(Commune)
    if not communes:
        return {"applications": 0}
    rng = random.Random(2021)
    types = list(StructureType)
    created = 0
    codes = list(communes)
    for n in range(COUNT):
        siret = demo_siret(n)
        if StructureApplication.objects.filter(siret=siret).exists():
            continue
        code = codes[n % len(codes)]
        commune = communes[code][(n // len(codes)) % len(communes[code])]
        kind = types[n % len(types)]
        status = STATUSES[n % len(STATUSES)]
        _application(n, siret, kind, status, commune, first if n % 3 == 0 else second, anct, prefect, rng)
        created += 1
    if moulins is not None:
        _moulins(moulins, second, anct, prefect)
    return {"applications": created}


def _submission_time(wave, status, rng):
    """A submission inside the wave's window, early enough for the opinion (+10 days) and the committee (+20 days)
    that its status implies to be in the past."""
    now = timezone.now()
    opens = timezone.make_aware(datetime.combine(wave.opens_on, time(9)))
    closes = timezone.make_aware(datetime.combine(wave.closes_on, time(18)))
    reviewed = status in (S.OPINION_GIVEN, S.FURTHER_EXAMINATION, S.REFUSED, S.ACTIVATED)
    latest = min(closes, now - timedelta(days=25 if reviewed else 1))
    span = max((latest - opens).total_seconds(), 0)
    return opens + timedelta(seconds=rng.uniform(0, span))


def _application(
    n, siret, kind, status, commune, wave, anct, prefect, rng, structure=None, submitted_at=None
):
    submitted_at = submitted_at or _submission_time(wave, status, rng)
    opinion_at = submitted_at + timedelta(days=10)
    committee_at = submitted_at + timedelta(days=20)
    application = StructureApplication.objects.create(
        status=S.DRAFT if status == S.DRAFT else S.SUBMITTED,
        last_step=5 if status != S.DRAFT else 2,
        wave=None if status == S.DRAFT else wave,
        type=kind,
        siret=siret,
        name=NAMES[kind].format(commune=commune.name, departement=commune.departement_id),
        address=f"{rng.randint(1, 40)} place de la Mairie",
        commune=commune,
        departement_id=commune.departement_id,
        latitude=commune.latitude,
        longitude=commune.longitude,
        contact_first_name=rng.choice(["Marie", "Pierre", "Aïcha", "Jean", "Chloé", "Hugo"]),
        contact_last_name=rng.choice(["Durand", "Lefèvre", "Moreau", "Girard", "Bonnet", "Faure"]),
        contact_job_title="Directeur(rice) général(e) des services",
        contact_email=f"contact{n}@demo-structure.fr",
        contact_phone="0470000000",
        advisors_wanted=rng.choice([None, 1, 2, 3, 5]),
        start_date=timezone.localdate() + timedelta(days=rng.randint(10, 120)),
        missions=[Mission.DAILY_USES, Mission.PROCEDURES, rng.choice(list(Mission)[3:])],
        qpv=n % 4 == 0,
        petites_villes=n % 5 == 0,
        coeur_de_ville=n % 7 == 0,
        zrr=n % 3 == 0,
        france_services=n % 6 == 0,
        motivation="Nous souhaitons accompagner les habitants éloignés du numérique, notamment les seniors.",
        commitments_accepted_at=submitted_at,
        email_confirmed_at=None if status == S.DRAFT else submitted_at,
        submitted_at=None if status == S.DRAFT else submitted_at,
        structure=structure,
    )
    application.place_communes.add(commune)
    if status == S.DRAFT:
        return application

    def moved(name, before, after, by, at):
        ApplicationTransition.objects.create(
            application=application, name=name, from_status=before, to_status=after, by=by, at=at
        )

    moved("submit", S.DRAFT, S.SUBMITTED, None, submitted_at)
    current = S.SUBMITTED
    if status in (S.OPINION_GIVEN, S.FURTHER_EXAMINATION, S.REFUSED, S.ACTIVATED):
        PrefectOpinion.objects.create(
            application=application,
            value="unfavourable" if status == S.REFUSED else "favourable",
            comment="Projet cohérent avec les besoins du territoire et les lieux existants.",
            suggested_posts=2,
            by=prefect,
            created_at=opinion_at,
        )
        moved("give_opinion", current, S.OPINION_GIVEN, prefect, opinion_at)
        current = S.OPINION_GIVEN
    outcome = {
        S.FURTHER_EXAMINATION: DecisionOutcome.FURTHER_EXAMINATION,
        S.REFUSED: DecisionOutcome.NEGATIVE,
        S.ACTIVATED: DecisionOutcome.POSITIVE,
    }.get(status)
    decision = None
    if outcome:
        decision = CommitteeDecision.objects.create(
            application=application,
            outcome=outcome,
            posts=2 if outcome == DecisionOutcome.POSITIVE else 0,
            committee_date=timezone.localtime(committee_at).date(),
            by=anct,
        )
        name, target = {
            DecisionOutcome.FURTHER_EXAMINATION: ("ask_further_examination", S.FURTHER_EXAMINATION),
            DecisionOutcome.NEGATIVE: ("refuse", S.REFUSED),
            DecisionOutcome.POSITIVE: ("accept", S.ACCEPTED),
        }[outcome]
        moved(name, current, target, anct, committee_at)
        current = target
    if status == S.ACTIVATED:
        application.structure = record_activation(application, by=anct)  # the structure's facts and posts
        grant_posts(decision, by=anct)
        moved("activate", current, S.ACTIVATED, anct, committee_at)
        current = S.ACTIVATED
    elif current != status:  # cancelled by the structure, abandoned or duplicate by ANCT
        name = {S.CANCELLED: "cancel", S.ABANDONED: "abandon", S.DUPLICATE: "mark_duplicate"}[status]
        moved(
            name, current, status, None if status == S.CANCELLED else anct, submitted_at + timedelta(days=5)
        )
    application.status = status
    application.save()
    return application


def _moulins(structure, wave, anct, prefect):
    """The demo structure account's own application: submitted 40 days ago, opinion 30 days ago, activated with 2
    posts by the committee 20 days ago (so about 40 days remain to recruit)."""
    if StructureApplication.objects.filter(structure=structure).exists() or structure.commune is None:
        return
    application = _application(
        999, structure.siret, structure.type, S.ACTIVATED, structure.commune, wave, anct, prefect,
        random.Random(3), structure=structure, submitted_at=timezone.now() - timedelta(days=40),
    )  # fmt: skip
    application.name = structure.name
    application.contact_email = "structure@demo.conseiller-numerique.fr"
    application.contact_first_name, application.contact_last_name = "Nathalie", "Petit"
    application.save()
    record_activation(application, by=anct)
