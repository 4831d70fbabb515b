"""Demo training story (issue 10), through the real services at the dates it needs (time-machine, as the funding
demo): the structure covered by the demo provider whose contract is the oldest asks for more posts (préfet's opinion, ANCT's
decision), recruits 27 advisors (their grant files transmitted, which assigns the provider
covering its département, then found conform), signs their contracts the first day the 30-day posting rule allows; the provider positions them and runs three sessions:
one started two weeks after the contracts with 9 advisors (confirmed face-to-face, attendance recorded, 7 completions), one in two
weeks with 8 (face-to-face possible, to confirm at its cut-off date), one in five days with 7 (confirmed remote, every
registrant told why). Two advisors are positioned and wait for a session, one dropped out, the hires of the funding
demo wait for their positioning test. The structure's onboarding checklists are partly done.

Three providers: Auvergne's (the demo `training_provider` account), the Rhône's and the Loire's. Idempotent: nothing is done once a session exists."""

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from cnfs.accounts.models import RoleAssignment
from cnfs.accounts.roles import Role
from cnfs.concertation import changes
from cnfs.concertation.models import (
    ApplicationStatus,
    ChangeKind,
    ChangeMotive,
    OpinionValue,
    StructureApplication,
)
from cnfs.core.workflow import TransitionError
from cnfs.funding.models import Contract, ContractStatus
from cnfs.territories.models import Commune, Departement
from cnfs.training import attendance, onboarding, services, sessions
from cnfs.training.models import (
    DropoutReason,
    PositioningResult,
    SessionMode,
    Training,
    TrainingPath,
    TrainingProvider,
    TrainingSession,
)

from .concertation import at
from .funding import _contract, _hire
from .funding_file import demo_bdt
from .recruitment import _structure_member

PROVIDERS = [
    # (name, SIRET, contact email, phone, départements covered)
    ("Auvergne Médiation Numérique Formation", "81234567800014", "contact@amn-formation.fr", "04 70 20 30 40", ["03", "15", "43", "63"]),
    ("Rhône Numérique Formation", "83456789000018", "sessions@rhone-numerique.fr", "04 72 40 50 60", ["69", "01"]),
    ("Loire Ardèche Formation Numérique", "82345678900011", "accueil@laf-numerique.fr", "04 77 10 20 30", ["42", "07"]),
]  # fmt: skip
P = Role.TRAINING_PROVIDER


def _moment(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def seed_providers() -> dict[str, TrainingProvider]:
    """The three providers and the départements they cover (before any grant file is transmitted: the
    transmission proposes the provider covering the structure's département)."""
    providers = {}
    for name, siret, email, phone, codes in PROVIDERS:
        provider, _ = TrainingProvider.objects.get_or_create(
            name=name, defaults={"siret": siret, "contact_email": email, "contact_phone": phone}
        )
        provider.departements.add(*Departement.objects.filter(code__in=codes))
        providers[codes[0]] = provider
    return providers


def _agent(provider):
    assignment = (
        RoleAssignment.objects.filter(role=P, training_provider=provider).select_related("user").first()
    )
    return assignment.user if assignment else None


def _add_posts(structure, *, posts: int, prefect, anct, on: date):
    application = StructureApplication.objects.filter(
        structure=structure, status=ApplicationStatus.ACTIVATED
    ).first()
    member = _structure_member(structure)
    with at(_moment(on - timedelta(days=10))):
        change = changes.request_change(
            application,
            by=member,
            kind=ChangeKind.ADDITION,
            posts=posts,
            motive=ChangeMotive.MORE_DEMAND,
            comment="Les permanences ne suffisent pas : files d'attente dans toutes les mairies du département.",
            role=Role.STRUCTURE,
        )
    with at(_moment(on - timedelta(days=5))):
        changes.give_change_opinion(
            change, by=prefect, value=OpinionValue.FAVOURABLE, comment="Besoin avéré.", role=Role.PREFECTURE
        )
    with at(_moment(on)):
        changes.accept_change(change, by=anct, committee_date=on, role=Role.ANCT)


def _position(training, agent, day: date, path: int):
    with at(_moment(day - timedelta(days=3))):
        services.book_positioning(training, day=day, by=agent, role=P)
    with at(_moment(day, 15)):
        training = services.record_positioning(
            training,
            result=PositioningResult.EXPERIENCED
            if path == TrainingPath.WORK_STUDY_105
            else PositioningResult.INTERMEDIATE,
            score=78 if path == TrainingPath.WORK_STUDY_105 else 55,
            by=agent,
            role=P,
        )
        return services.assign_path(training, path=path, by=agent, role=P)


def _session(provider, agent, *, created: date, start: date, path: int, commune, centre: str, address: str):
    with at(_moment(created)):
        return sessions.create_session(
            provider,
            by=agent,
            centre_name=centre,
            address=address,
            commune=commune,
            start_date=start,
            path=path,
            mode=SessionMode.FACE_TO_FACE,
        )


@transaction.atomic
def seed_training(*, anct, prefect) -> dict:
    providers = seed_providers()
    if anct is None or TrainingSession.objects.exists():
        return {}
    provider = providers["03"]
    agent = _agent(provider)
    contract = (
        Contract.objects.filter(
            structure__departement__in=provider.departements.all(), status=ContractStatus.ACTIVE
        )
        .order_by("signed_on", "pk")
        .first()
    )
    if agent is None or contract is None:
        return {}
    structure = contract.structure
    today = timezone.localdate()
    # Contracts signed the first day the 30-day posting rule allows; the story needs 85 days after it.
    signed = structure.current_job_posting.contract_signable_from + timedelta(days=1)
    if signed > today - timedelta(days=85):
        return {}
    granted_on = signed - timedelta(days=30)
    try:
        _add_posts(structure, posts=27, prefect=prefect, anct=anct, on=granted_on)
    except TransitionError:
        return {}
    member = _structure_member(structure)
    bdt = demo_bdt()
    hires = []
    for n in range(27):
        match = _hire(structure, member, bdt, granted_on + timedelta(days=5 + n % 5))
        if match is None:
            break
        hires.append(_contract(match, member, signed))
    trainings = [Training.objects.get(match=c.match, status="to_position") for c in hires]
    if len(trainings) < 27:
        return {"recrutements": len(trainings)}
    commune = structure.commune or Commune.objects.filter(departement_id=structure.departement_id).first()
    centre = {
        "commune": commune,
        "centre": f"Centre de formation de {commune.name}",
        "address": "8 place de la Mairie",
    }
    # Session A: two weeks after the contracts' start, 280 h full time, 9 advisors, confirmed face-to-face.
    started = signed + timedelta(days=15)
    first = _session(provider, agent, created=signed + timedelta(days=1), start=started, path=280, **centre)
    group_a = [
        _position(t, agent, signed + timedelta(days=2), TrainingPath.FULL_TIME_280) for t in trainings[:9]
    ]
    with at(_moment(signed + timedelta(days=3))):
        group_a = [sessions.register(t, first, by=agent, role=P) for t in group_a]
    with at(_moment(first.cutoff_date + timedelta(days=1))):
        sessions.confirm(first, mode=SessionMode.FACE_TO_FACE, by=agent)
    for index, training in enumerate(group_a):
        weeks = 8 if index < 7 else 6
        for week in range(weeks):
            monday = started + timedelta(days=7 * week - started.weekday())
            with at(_moment(monday + timedelta(days=4), 17)):
                attendance.record_attendance(training, week=monday, hours=35, by=agent)
        if index < 7:
            done = started + timedelta(weeks=8, days=3)
            with at(_moment(done + timedelta(days=10))):
                services.complete(
                    training,
                    ccp1_on=done,
                    pix_on=done + timedelta(days=5),
                    pix_score=480 + 12 * index,
                    by=agent,
                    role=P,
                )
    # Session B: in 14 days, 350 h, 8 advisors: face-to-face possible, to confirm from its cut-off date.
    second = _session(
        provider,
        agent,
        created=today - timedelta(days=20),
        start=today + timedelta(days=14),
        path=350,
        **centre,
    )
    group_b = [
        _position(t, agent, today - timedelta(days=15), TrainingPath.FULL_TIME_350) for t in trainings[9:17]
    ]
    with at(_moment(today - timedelta(days=12))):
        for training in group_b:
            sessions.register(training, second, by=agent, role=P)
    # Session C: in 5 days, 105 h work-study, 7 advisors: confirmed remote at the cut-off date, everyone told why.
    third = _session(
        provider,
        agent,
        created=today - timedelta(days=25),
        start=today + timedelta(days=5),
        path=105,
        commune=commune,
        centre=f"Espace numérique de {commune.name}",
        address="2 rue de la République",
    )
    group_c = [
        _position(t, agent, today - timedelta(days=20), TrainingPath.WORK_STUDY_105) for t in trainings[17:24]
    ]
    with at(_moment(today - timedelta(days=18))):
        for training in group_c:
            sessions.register(training, third, by=agent, role=P)
    with at(_moment(today - timedelta(days=2))):
        sessions.confirm(third, mode=SessionMode.REMOTE, by=agent)
    # Two positioned, waiting for a 420 h session; one dropped out after positioning.
    for training in trainings[24:26]:
        _position(training, agent, today - timedelta(days=8), TrainingPath.FULL_TIME_420)
    dropped = _position(trainings[26], agent, today - timedelta(days=30), TrainingPath.FULL_TIME_280)
    with at(_moment(today - timedelta(days=6))):
        services.drop(dropped, day=today - timedelta(days=7), reason=DropoutReason.PERSONAL, by=agent, role=P)
    # Onboarding: the first third complete, the second third half done, the rest not started.
    for index, c in enumerate(hires):
        checklist = onboarding.checklist_for(c.match)
        if index % 3 == 2:
            continue
        values = {
            "outfit_ordered_on": signed,
            "computer_on": signed + timedelta(days=1),
            "phone_on": signed + timedelta(days=1),
        }
        if index % 3 == 0:
            values.update(
                outfit_handed_over_on=signed + timedelta(days=12),
                rooms_on=signed,
                booklet_on=signed + timedelta(days=1),
                community_on=signed + timedelta(days=2),
                vehicle_on=signed if checklist.vehicle_needed else None,
            )
        with at(_moment(signed + timedelta(days=14))):
            onboarding.save_checklist(checklist, values, by=member)
    return {"formations": len(trainings), "sessions": TrainingSession.objects.count()}
