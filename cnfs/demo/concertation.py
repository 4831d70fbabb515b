"""Demo data of the concertation: two waves and about 60 applications of every type and status. Idempotent (each
application is keyed by its SIRET).

Everything is written through the real services and workflows (`waves.create_wave`, `workflow.create`, `submit`,
`give_opinion`, `decide`…), by the demo users, at the dates the story needs (time-machine travels to each step's
moment), so the transition logs, the journal and the emails are the ones the app would have written.
"""

import random
from contextlib import contextmanager
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from stdnum import luhn

from cnfs.concertation import workflow
from cnfs.concertation.models import ApplicationStatus, DecisionOutcome, Mission, StructureApplication, Wave
from cnfs.concertation.waves import create_wave
from cnfs.structures.models import StructureType

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


@contextmanager
def at(moment):
    """Runs the block as if it were `moment` (time-machine is a development dependency, as the demo is)."""
    import time_machine

    with time_machine.travel(moment, tick=False):
        yield


def _wave(name, opens_on, closes_on, anct):
    wave = Wave.objects.filter(name=name).first()
    if wave is None:
        with at(timezone.make_aware(datetime.combine(opens_on - timedelta(days=7), time(10)))):
            wave = create_wave(by=anct, name=name, opens_on=opens_on, closes_on=closes_on, target_posts=2000)
    return wave


@transaction.atomic
def seed(*, anct, prefect, moulins=None) -> dict:
    from cnfs.territories.models import Commune

    today = timezone.localdate()
    first = _wave("Vague 1", today - timedelta(days=150), today - timedelta(days=60), anct)
    second = _wave("Vague 2", today - timedelta(days=59), today + timedelta(days=30), anct)
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
    latest = min(closes, now - timedelta(days=25 if reviewed else 2))
    span = max((latest - opens).total_seconds(), 0)
    return opens + timedelta(seconds=rng.uniform(0, span))


def _application(
    n, siret, kind, status, commune, wave, anct, prefect, rng, structure=None, submitted_at=None, **answers
):
    submitted_at = submitted_at or _submission_time(wave, status, rng)
    opinion_at = submitted_at + timedelta(days=10)
    committee_at = submitted_at + timedelta(days=20)
    filed_at = min(submitted_at + timedelta(days=5), timezone.now() - timedelta(hours=1))
    fields = {
        "type": kind,
        "siret": siret,
        "name": NAMES[kind].format(commune=commune.name, departement=commune.departement_id),
        "address": f"{rng.randint(1, 40)} place de la Mairie",
        "commune": commune,
        "departement_id": commune.departement_id,
        "latitude": commune.latitude,
        "longitude": commune.longitude,
        "contact_first_name": rng.choice(["Marie", "Pierre", "Aïcha", "Jean", "Chloé", "Hugo"]),
        "contact_last_name": rng.choice(["Durand", "Lefèvre", "Moreau", "Girard", "Bonnet", "Faure"]),
        "contact_job_title": "Directeur(rice) général(e) des services",
        "contact_email": f"contact{n}@demo-structure.fr",
        "contact_phone": "+33470000000",
        "advisors_wanted": rng.choice([None, 1, 2, 3, 5]),
        "start_date": timezone.localdate() + timedelta(days=rng.randint(10, 120)),
        "missions": [Mission.DAILY_USES, Mission.PROCEDURES, rng.choice(list(Mission)[3:])],
        "qpv": n % 4 == 0,
        "petites_villes": n % 5 == 0,
        "coeur_de_ville": n % 7 == 0,
        "zrr": n % 3 == 0,
        "france_services": n % 6 == 0,
        "motivation": "Nous souhaitons accompagner les habitants éloignés du numérique, notamment les seniors.",
        "structure": structure,
        **answers,
    }
    # The applicant fills the form in a couple of days, then confirms their email: the application is transmitted.
    with at(submitted_at - timedelta(days=2)):
        application = StructureApplication(last_step=5 if status != S.DRAFT else 2, **fields)
        workflow.create(application)
        application.place_communes.add(commune)
    if status == S.DRAFT:
        return application
    with at(submitted_at):
        application.commitments_accepted_at = application.email_confirmed_at = timezone.now()
        application.save(update_fields=["commitments_accepted_at", "email_confirmed_at", "updated_at"])
        workflow.submit(application)
    if status in (S.OPINION_GIVEN, S.FURTHER_EXAMINATION, S.REFUSED, S.ACTIVATED):
        with at(opinion_at):
            workflow.give_opinion(
                application,
                by=prefect,
                value="unfavourable" if status == S.REFUSED else "favourable",
                comment="Projet cohérent avec les besoins du territoire et les lieux existants.",
                suggested_posts=2,
            )
    outcome = {
        S.FURTHER_EXAMINATION: DecisionOutcome.FURTHER_EXAMINATION,
        S.REFUSED: DecisionOutcome.NEGATIVE,
        S.ACTIVATED: DecisionOutcome.POSITIVE,
    }.get(status)
    if outcome:  # a positive decision activates the structure and invites its contact
        with at(committee_at):
            workflow.decide(
                application, by=anct, outcome=outcome, posts=2, committee_date=timezone.localdate()
            )
    with at(filed_at):
        if status == S.CANCELLED:
            workflow.cancel(application, reason="Projet reporté par le conseil municipal.")
        elif status == S.ABANDONED:
            workflow.abandon(application, by=anct, reason="La structure ne répond plus aux relances.")
        elif status == S.DUPLICATE:
            original = (
                StructureApplication.objects.exclude(pk=application.pk)
                .exclude(status=S.DRAFT)
                .order_by("pk")
                .first()
            )
            workflow.mark_duplicate(application, by=anct, duplicate_of=original)
    application.refresh_from_db()
    return application


def _moulins(structure, wave, anct, prefect):
    """The demo structure account's own application: submitted 40 days ago, opinion 30 days ago, activated with 2
    posts by the committee 20 days ago (so about 40 days remain to recruit)."""
    if StructureApplication.objects.filter(structure=structure).exists() or structure.commune is None:
        return
    _application(
        999, structure.siret, structure.type, S.ACTIVATED, structure.commune, wave, anct, prefect,
        random.Random(3), structure=structure, submitted_at=timezone.now() - timedelta(days=40),
        name=structure.name, contact_email="structure@demo.conseiller-numerique.fr",
        contact_first_name="Nathalie", contact_last_name="Petit",
    )  # fmt: skip
