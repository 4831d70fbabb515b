"""The national volume (issue 12, §5 "Scale"): the programme's structures, candidates, hires and advisors, their places
of activity, four years of activity reports, their contracts' funding, and one account per role to look at it.

    manage.py seed_national --scale 1            # 3,271 structures, 50,000 candidates, ~4,000 advisors, 10 M reports
    manage.py seed_national --scale 0.02 --reports 50000

The rows are those the workflows leave behind, written in bulk (the services write one row at a time, with its journal
entry: at this volume that is days): `programme` writes what `record_activation`, the committee, `grant_posts`, the
matches and the hires leave (the national bench, bench/national.py, measures pages on it); `build` adds the rest.
Reports are written with PostgreSQL's COPY, streamed in chunks (constant memory), and with batched INSERTs on SQLite.
Every report is in the normal form the report service writes (`cnfs.activity.reports.normalize`) and passes its rules
(`check`); the build ends with `check_consistency`'s rules, and stops if one does not hold.

Nothing here is imported at module level from the apps: bench/ imports this module before Django is set up.
"""

import json
import random
import time
from bisect import bisect_right
from datetime import date, datetime, timedelta
from itertools import accumulate

# The programme's national volume (scale 1.0).
STRUCTURES = 3271
CANDIDATES = 50_000
APPLICATIONS = 5_000
HIRES = 4_000
REPORTS = 10_000_000
YEARS = 4


def activation_rows(structure, commune, posts, *, number, committee_date, now, agent, rng):
    """What `record_activation` and the committee leave behind for an activated structure granted `posts`: its
    activated application and its numbered positive decision (the decision's application is set once the application
    has its id). The structure's own columns (location, contact, mission start, activated_at) are set by
    `structure_row`, as `record_activation` copies them from this application."""
    from cnfs.concertation.models import (
        ApplicationStatus,
        CommitteeDecision,
        DecisionOutcome,
        StructureApplication,
    )

    application = StructureApplication(
        status=ApplicationStatus.ACTIVATED,
        structure=structure,
        type=structure.type,
        siret=structure.siret,
        name=structure.name,
        commune=commune,
        departement_id=commune.departement_id,
        latitude=commune.latitude,
        longitude=commune.longitude,
        advisors_wanted=posts,
        start_date=structure.mission_start,
        email_confirmed_at=now,
        submitted_at=now - timedelta(days=rng.randint(20, 200)),
        commitments_accepted_at=now,
        contact_first_name=structure.contact_first_name,
        contact_last_name=structure.contact_last_name,
        contact_email=structure.contact_email,
    )
    decision = CommitteeDecision(
        outcome=DecisionOutcome.POSITIVE,
        posts=posts,
        committee_date=committee_date,
        number=f"{committee_date.year}-{number:05d}",
        by=agent,
    )
    return application, decision


def structure_row(n, commune, *, today, now, rng):
    """An activated, located structure with the columns `record_activation` writes."""
    from cnfs.structures.models import Structure, StructureType

    return Structure(
        name=f"Structure {n}",
        siret=f"{n:014d}",
        type=rng.choice([StructureType.COMMUNE, StructureType.COMMUNE, StructureType.ASSOCIATION]),
        commune=commune,
        departement_id=commune.departement_id,
        latitude=commune.latitude,
        longitude=commune.longitude,
        contact_first_name="Contact",
        contact_last_name=f"Structure {n}",
        contact_email=f"contact{n}@bench.fr",
        mission_start=today + timedelta(days=rng.choice([-10, 15, 30])),
        activated_at=now,
    )


def programme(scale: float, seed: int) -> dict:
    from decimal import Decimal

    from django.db import connection
    from django.utils import timezone

    from cnfs.accounts.models import User
    from cnfs.candidates.models import DISTANCE_CLASSES, Candidate, PixResult, territory_of
    from cnfs.concertation.models import (
        ApplicationStatus,
        CommitteeDecision,
        DecisionCounter,
        OpinionValue,
        PrefectOpinion,
        StructureApplication,
    )
    from cnfs.funding.models import FileStatus, GrantFile
    from cnfs.recruitment.matching import matching_candidates
    from cnfs.recruitment.models import HOLDING_STATUSES, Advisor, AdvisorStatus, Match, MatchStatus
    from cnfs.structures.models import Post, PostStatus, Structure, StructureType
    from cnfs.structures.services import recruitment_deadline
    from cnfs.territories.models import Commune

    HIRED_STATUSES = (MatchStatus.HIRED, MatchStatus.TERMINATION_REQUESTED)
    rng = random.Random(seed)
    started = time.perf_counter()
    communes = list(
        Commune.objects.filter(latitude__isnull=False, population__gt=0)
        .select_related("departement")
        .order_by("insee_code")  # the same dataset on every database
    )
    weights = [c.population for c in communes]
    stats = {}
    n_structures, n_candidates = round(STRUCTURES * scale), round(CANDIDATES * scale)
    n_applications, n_hires = round(APPLICATIONS * scale), round(HIRES * scale)
    today, now = timezone.localdate(), timezone.now()
    batch = 2000

    # Candidates and their accounts.
    first_names = ["Léa", "Hugo", "Inès", "Nathan", "Camille", "Marie", "Mathis", "Emma", "Jules", "Manon"]
    User.objects.bulk_create(
        [
            User(
                email=f"c{n}@bench.fr",
                password="!",
                first_name=rng.choice(first_names),
                last_name=f"Candidat{n}",
                phone="0612345678",
                email_confirmed_at=now if rng.random() < 0.95 else None,
            )
            for n in range(n_candidates)
        ],
        batch_size=batch,
    )
    users = list(User.objects.filter(email__endswith="@bench.fr").order_by("id"))
    distance_weights = {5: 10, 10: 15, 15: 15, 20: 20, 40: 20, 100: 12, 0: 8}
    homes = rng.choices(communes, weights=weights, k=n_candidates)
    candidates = []
    for user, commune in zip(users, homes, strict=True):
        available = rng.random() < 0.9
        diploma = rng.random() < 0.2
        candidates.append(
            Candidate(
                user=user,
                commune=commune,
                latitude=commune.latitude,
                longitude=commune.longitude,
                territory=territory_of(commune.departement),
                email_confirmed=user.email_confirmed_at is not None,
                is_job_seeker=rng.random() < 0.7,
                is_employed=rng.random() < 0.3,
                has_diploma=diploma,
                diploma_name="Titre professionnel RNC" if diploma else "",
                has_experience=True,
                was_advisor=rng.random() < 0.05,
                available_from=today + timedelta(days=rng.choice([-60, -30, 0, 0, 15, 60])),
                max_distance=rng.choices(list(distance_weights), weights=list(distance_weights.values()))[0],
                motivation="Motivation.",
                is_available=available,
                unavailable_reason="" if available else "found_job",
                cv_name=f"cv/{user.pk}.pdf" if rng.random() < 0.4 else "",
                cv_uploaded_at=now,
                pix_shared=rng.random() < 0.8,
            )
        )
    Candidate.objects.bulk_create(candidates, batch_size=batch)
    candidates = list(Candidate.objects.order_by("id"))
    PixResult.objects.bulk_create(
        [
            PixResult(
                candidate=candidate,
                level=rng.choice([1, 1, 2, 2, 2, 3]),
                professional_use=Decimal(rng.randint(0, 100)),
                producing_resources=Decimal(rng.randint(0, 100)),
                e_citizenship=Decimal(rng.randint(0, 100)),
                tested_on=today - timedelta(days=rng.randint(1, 300)),
            )
            for candidate in candidates
            if rng.random() < 0.35
        ],
        batch_size=batch,
    )

    # Activated structures, with the columns record_activation writes.
    agent = User.objects.create(email="anct@bench.fr", password="!", first_name="Agent", last_name="ANCT")
    places = rng.choices(communes, weights=weights, k=n_structures)
    structures = Structure.objects.bulk_create(
        [structure_row(n, commune, today=today, now=now, rng=rng) for n, commune in enumerate(places)],
        batch_size=batch,
    )

    # Matches, planned before the posts they hold: hires up to the posts drawn, and every other state, with
    # candidates of the structure's département.
    by_departement = {}
    for candidate, commune in zip(candidates, homes, strict=True):
        by_departement.setdefault(commune.departement_id, []).append(candidate.pk)
    posts = [rng.choice([1, 1, 1, 2, 2, 3]) for _ in structures]
    held, planned, hired = set(), [[] for _ in structures], 0  # planned[i]: [(candidate id, status)]
    spread = [
        (MatchStatus.SHORTLISTED, 2),
        (MatchStatus.NOT_RETAINED, 2),
        (MatchStatus.CLOSED, 1),
        (MatchStatus.TERMINATED, 1),
    ]
    order = list(range(len(structures)))
    rng.shuffle(order)
    for index in order:
        pool = by_departement.get(places[index].departement_id, [])
        if len(pool) < 10:
            continue
        chosen = rng.sample(pool, min(len(pool), 12))
        statuses = []
        for _ in range(posts[index]):
            if hired < n_hires:
                statuses.append(rng.choice([MatchStatus.HIRED] * 8 + [MatchStatus.TERMINATION_REQUESTED]))
                hired += 1
        if rng.random() < 0.2:
            statuses.append(MatchStatus.HIRE_REQUESTED)
        for status, count in spread:
            statuses += [status] * rng.randint(0, count)
        for status, candidate_id in zip(statuses, chosen, strict=False):
            if status in HOLDING_STATUSES:
                if candidate_id in held:
                    continue
                held.add(candidate_id)
            planned[index].append((candidate_id, status))
    hired_ids = {
        pk for rows in planned for pk, status in rows if status in HIRED_STATUSES
    }  # hired advisors are no longer available to other structures
    Candidate.objects.filter(pk__in=hired_ids).update(is_available=False, unavailable_reason="hired_advisor")

    # The structure with the most live candidates (among the 60 in the most populous communes) and a median one:
    # both get matches in every tab, from their own live candidates.
    started = time.perf_counter()
    populous = sorted(range(len(structures)), key=lambda i: -places[i].population)[:60]
    sample = populous + rng.sample(range(len(structures)), min(61, len(structures)))
    sizes = {index: matching_candidates(structures[index]).exclude(pk__in=held).count() for index in sample}
    big = max(populous, key=lambda i: sizes[i])
    randoms = sorted(sample[len(populous) :], key=lambda i: sizes[i])
    median = randoms[len(randoms) // 2]
    for index in (big, median):
        own = {pk for pk, _ in planned[index]}
        live = [
            pk
            for pk in matching_candidates(structures[index]).order_by("pk").values_list("pk", flat=True)
            if pk not in held and pk not in own
        ][:40]
        for candidate_id, status in zip(
            live,
            [MatchStatus.SHORTLISTED, MatchStatus.NOT_RETAINED, MatchStatus.HIRE_REQUESTED, MatchStatus.HIRED]
            * 3,
            strict=False,
        ):
            if status in HOLDING_STATUSES:
                held.add(candidate_id)
            planned[index].append((candidate_id, status))
    Candidate.objects.filter(
        pk__in=[pk for index in (big, median) for pk, status in planned[index] if status in HIRED_STATUSES]
    ).update(is_available=False, unavailable_reason="hired_advisor")
    stats["choose_s"] = round(time.perf_counter() - started, 1)
    started = time.perf_counter()

    # Applications and numbered decisions: a structure is granted at least the posts its holding matches take.
    for index, rows in enumerate(planned):
        posts[index] = max(posts[index], sum(status in HOLDING_STATUSES for _, status in rows))
    committee_date = today - timedelta(days=10)
    pairs = [
        activation_rows(s, c, p, number=n + 1, committee_date=committee_date, now=now, agent=agent, rng=rng)
        for n, (s, c, p) in enumerate(zip(structures, places, posts, strict=True))
    ]
    applications = StructureApplication.objects.bulk_create([a for a, _ in pairs], batch_size=batch)
    decisions = []
    for application, (_, decision) in zip(applications, pairs, strict=True):
        decision.application = application
        decisions.append(decision)
    decisions = CommitteeDecision.objects.bulk_create(decisions, batch_size=batch)
    DecisionCounter.objects.update_or_create(year=committee_date.year, defaults={"last": len(decisions)})

    # Posts (grant_posts: one row per granted post), then the matches holding them and the advisors of the hires.
    deadline = recruitment_deadline(committee_date)
    post_status = {
        MatchStatus.HIRE_REQUESTED: PostStatus.HIRE_REQUESTED,
        MatchStatus.HIRED: PostStatus.OCCUPIED,
        MatchStatus.TERMINATION_REQUESTED: PostStatus.OCCUPIED,
    }
    post_rows, holders = (
        [],
        [],
    )  # holders[k]: (structure index, row index in planned) of post_rows[k], or None
    for index, (structure, decision) in enumerate(zip(structures, decisions, strict=True)):
        holding = [k for k, (_, status) in enumerate(planned[index]) if status in HOLDING_STATUSES]
        for n in range(decision.posts):
            status = post_status[planned[index][holding[n]][1]] if n < len(holding) else PostStatus.FREE
            post_rows.append(
                Post(
                    structure=structure,
                    granted_by=decision,
                    committee_date=committee_date,
                    deadline=deadline,
                    status=status,
                    status_changed_at=now,
                )
            )
            holders.append((index, holding[n]) if n < len(holding) else None)
    post_rows = Post.objects.bulk_create(post_rows, batch_size=batch)
    post_of = {holder: post for holder, post in zip(holders, post_rows, strict=True) if holder}
    matches = [
        Match(
            structure=structures[index],
            candidate_id=candidate_id,
            status=status,
            post=post_of.get((index, k)),
            status_changed_at=now,
        )
        for index, rows in enumerate(planned)
        for k, (candidate_id, status) in enumerate(rows)
    ]
    matches = Match.objects.bulk_create(matches, batch_size=batch)
    Advisor.objects.bulk_create(
        [
            Advisor(
                candidate_id=match.candidate_id,
                structure=match.structure,
                post=match.post,
                match=match,
                status=AdvisorStatus.ACTIVE,
                hired_at=now,
            )
            for match in matches
            if match.status in HIRED_STATUSES
        ],
        batch_size=batch,
    )

    # Each hire request has its grant file (opened by "Valider cette candidature"), still to be completed.
    GrantFile.objects.bulk_create(
        [
            GrantFile(
                structure_id=m.structure_id, match=m, post=m.post, status=FileStatus.DRAFT, created_at=now
            )
            for m in matches
            if m.status == MatchStatus.HIRE_REQUESTED
        ],
        batch_size=batch,
    )

    # The other applications, in every state, and the préfets' opinions.
    others = [
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.OPINION_GIVEN,
        ApplicationStatus.FURTHER_EXAMINATION,
        ApplicationStatus.REFUSED,
        ApplicationStatus.ABANDONED,
        ApplicationStatus.DRAFT,
    ]
    pending = StructureApplication.objects.bulk_create(
        [
            StructureApplication(
                status=status,
                type=StructureType.ASSOCIATION,
                siret=f"9{n:013d}",
                name=f"Association {n}",
                commune=commune,
                departement_id=commune.departement_id,
                latitude=commune.latitude,
                longitude=commune.longitude,
                advisors_wanted=rng.randint(1, 4),
                email_confirmed_at=now,
                submitted_at=now - timedelta(days=rng.randint(1, 100)),
                commitments_accepted_at=now,
                contact_first_name="Contact",
                contact_last_name=f"Association {n}",
                contact_email=f"asso{n}@bench.fr",
            )
            for n, (status, commune) in enumerate(
                zip(
                    rng.choices(others, k=max(n_applications - n_structures, 0)),
                    rng.choices(communes, weights=weights, k=max(n_applications - n_structures, 0)),
                    strict=True,
                )
            )
        ],
        batch_size=batch,
    )
    PrefectOpinion.objects.bulk_create(
        [
            PrefectOpinion(
                application=application,
                value=rng.choice([OpinionValue.FAVOURABLE, OpinionValue.UNFAVOURABLE]),
                comment="Avis du préfet sur la candidature.",
                suggested_posts=1,
                by=agent,
            )
            for application in [*applications, *pending]
            if application.status not in (ApplicationStatus.SUBMITTED, ApplicationStatus.DRAFT)
        ],
        batch_size=batch,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    stats["build_s"] = round(time.perf_counter() - started, 1)
    return {
        "stats": stats,
        "structures": structures,
        "big": big,
        "median": median,
        "sizes": sizes,
        "agent": agent,
        "counts": {
            "structures": n_structures,
            "candidats": Candidate.objects.count(),
            "candidatures": StructureApplication.objects.count(),
            "résultats Pix": PixResult.objects.count(),
            "recrutements": Match.objects.filter(status__in=HIRED_STATUSES).count(),
            "mises en relation": Match.objects.count(),
            "candidats vivants (grande)": sizes[big],
            "candidats vivants (médiane)": sizes[median],
            "classes de distance": len(DISTANCE_CLASSES) + 1,
        },
    }


# ---------------------------------------------------------------------------------------------------------------------
# What the advisors do: hire dates over the programme's years, places, reports, funding


def hire_dates(advisors, *, today, rng) -> dict:
    """Each advisor's hiring day over the last YEARS years, as the programme hired: half in its first six months, most
    of the others in the next two years and a half, a few recently. Written on the advisor rows; {advisor id: day}."""
    from django.utils import timezone

    from cnfs.recruitment.models import Advisor

    first = today - timedelta(days=365 * YEARS)
    span = (today - first).days
    days = {}
    for advisor in advisors:
        roll = rng.random()
        if roll < 0.5:
            offset = rng.randint(0, 180)
        elif roll < 0.85:
            offset = rng.randint(180, min(1100, span - 60))
        else:
            offset = rng.randint(min(1100, span - 60), span - 30)
        day = first + timedelta(days=offset)
        days[advisor.pk] = day
        advisor.hired_at = timezone.make_aware(datetime.combine(day, datetime.min.time().replace(hour=9)))
    Advisor.objects.bulk_update(advisors, ["hired_at"], batch_size=2000)
    return days


def _postal_codes() -> dict:
    from cnfs.territories.models import PostalCode

    codes = {}
    for commune_id, code in PostalCode.objects.order_by("code").values_list("commune_id", "code"):
        codes.setdefault(commune_id, code)
    return codes


def _place_row(template, commune, postal_code, structure_id, user_id, *, rng, now, **extra):
    """A place row from one of the demo's templates (cnfs/demo/activity.py), a few hundred metres from the commune's
    centre (the address is geocoded there)."""
    from cnfs.activity import standard
    from cnfs.activity.models import Place

    name, address, opening_hours, offered, access, support, audiences, specific = template
    values = {
        "name": name.format(commune=commune.name)[:150],
        "address": address,
        "opening_hours": opening_hours,
        "services": offered,
        "access_modes": access,
        "support_modes": support,
        "audiences": audiences,
        "specific_support": specific,
        "fees": ["Gratuit"],
        "national_programmes": [standard.ADVISORS_PROGRAMME],
        "mobility": standard.FIXED,
        "visible": True,
        **extra,
    }
    return Place(
        commune_id=commune.pk,
        postal_code=postal_code,
        latitude=round(commune.latitude + rng.uniform(-0.006, 0.006), 6),
        longitude=round(commune.longitude + rng.uniform(-0.008, 0.008), 6),
        structure_id=structure_id,
        created_by_id=user_id,
        created_at=now,
        updated_at=now,
        **values,
    )


def places(advisors, *, rng) -> dict:
    """One or two places per advisor, as cnfs/demo/activity.py's advisors hold them: the place of their structure's
    commune (shared by every advisor working in that commune), and for most of them a second one in a nearby commune
    of the département (shared too); one second place in ten is itinerant, one in twelve kept off the map.
    {advisor id: [place ids]}."""
    from django.utils import timezone

    from cnfs.activity import standard
    from cnfs.activity.models import Place
    from cnfs.demo.activity import MAIN_PLACES, SECOND_PLACES
    from cnfs.territories.models import Commune

    now = timezone.now()
    codes = _postal_codes()
    by_departement = {}
    for commune in Commune.objects.filter(latitude__isnull=False).order_by("insee_code"):
        if commune.pk in codes:
            by_departement.setdefault(commune.departement_id, []).append(commune)
    rows, keys, holders = [], {}, {}  # keys: (kind, commune id) → row index; holders: row index → advisor ids

    def hold(kind, commune, template, advisor, **extra):
        key = (kind, commune.pk)
        if key not in keys:
            keys[key] = len(rows)
            rows.append(
                _place_row(
                    template,
                    commune,
                    codes[commune.pk],
                    advisor.structure_id,
                    advisor.candidate.user_id,
                    rng=rng,
                    now=now,
                    **extra,
                )  # fmt: skip
            )
        holders.setdefault(keys[key], []).append(advisor.pk)

    seconds = 0
    for advisor in advisors:
        commune = advisor.structure.commune
        if commune.pk in codes:
            hold("main", commune, MAIN_PLACES[len(keys) % len(MAIN_PLACES)], advisor)
        if rng.random() < 0.6:
            near = sorted(
                by_departement.get(commune.departement_id, []),
                key=lambda c: (c.latitude - commune.latitude) ** 2 + (c.longitude - commune.longitude) ** 2,
            )[1:6]
            if near:
                extra = {}
                if seconds % 10 == 3:
                    extra = {"mobility": standard.ITINERANT}
                elif seconds % 12 == 7:
                    extra = {"visible": False}
                template = SECOND_PLACES[seconds % len(SECOND_PLACES)]
                if extra.get("mobility"):
                    template = ("Bus numérique — étape de {commune}", *template[1:])
                hold("second", rng.choice(near), template, advisor, **extra)
                seconds += 1
    created = Place.objects.bulk_create(rows, batch_size=2000)
    Through = Place.advisors.through
    Through.objects.bulk_create(
        [
            Through(place_id=created[index].pk, advisor_id=advisor_id)
            for index, advisor_ids in holders.items()
            for advisor_id in advisor_ids
        ],
        batch_size=5000,
    )
    held = {}
    for index, advisor_ids in holders.items():
        for advisor_id in advisor_ids:
            held.setdefault(advisor_id, []).append(created[index].pk)
    return held


# Reports: a pool of realistic contents (the demo's: kinds, themes, durations, breakdowns), each in the report
# service's normal form and passing its rules, drawn for each report; the advisor, day and place are the report's own.
POOL = 20_000
ROW_FIELDS = ("advisor_id", "date", "place_kind", "place_id", "commune_id", "created_at", "updated_at")
CHUNK = 50_000
NULL = "\\N"  # COPY's NULL


def content_fields() -> list[str]:
    """The report columns a pooled content fills: every column but the id, the submission key and ROW_FIELDS."""
    from cnfs.activity.models import ActivityReport

    return [
        f.attname
        for f in ActivityReport._meta.concrete_fields
        if not f.primary_key and f.attname not in ROW_FIELDS and f.attname != "submission_key"
    ]


def report_contents(rng, today, size=POOL) -> list[dict]:
    from cnfs.activity import reports
    from cnfs.activity.report_models import PlaceKind
    from cnfs.demo.reports import _values

    fields = content_fields()
    contents = []
    for _ in range(size):
        values = reports.normalize(_values(rng, today, [], None))
        reports.check(None, {**values, "place_kind": PlaceKind.REMOTE})
        contents.append({name: values.get(name, _DEFAULTS.get(name)) for name in fields})
    return contents


_DEFAULTS = {
    "title": "",
    "level": "",
    "sub_themes": [],
    "equipment": [],
    "autonomy": "",
    "redirected_to": "",
    "aidants_connect": False,
    "pass_numerique": 0,
    "notes": "",
    "already_accompanied": 0,
}


def _day_weight(day: date) -> float:
    """Activity by day: weekdays, a little on Saturdays, none on Sundays; August and the year-end holidays slower."""
    if day.weekday() == 6:
        return 0.0
    weight = 0.25 if day.weekday() == 5 else 1.0
    if day.month == 8:
        weight *= 0.5
    elif day.month == 12 and day.day >= 20 or day.month == 1 and day.day <= 2:
        weight *= 0.4
    return weight


def report_rows(total, advisors, hired, held, *, today, rng, pool=POOL, workshops=frozenset()):
    """`total` reports (advisor id, day, place kind, place id, commune id, content index), day after day over the last
    YEARS years, as they are written in production: each day's count follows the advisors in post that day and the
    day's weight; each advisor reports at their own pace (log-normal); the place is one of theirs most of the time,
    the person's home (never a workshop: `workshops`, the pool's collective contents) or another place in the
    structure's commune sometimes, or remote. Generated lazily."""
    if total <= 0 or not advisors:
        return
    ordered = sorted(advisors, key=lambda a: (hired[a.pk], a.pk))
    starts = [hired[a.pk] for a in ordered]
    pace = [rng.lognormvariate(0, 0.5) for _ in ordered]
    cumulative = list(accumulate(pace))
    first = today - timedelta(days=365 * YEARS)
    days = [first + timedelta(days=n) for n in range((today - first).days + 1)]
    load = []
    for day in days:
        active = bisect_right(starts, day)
        load.append(_day_weight(day) * (cumulative[active - 1] if active else 0.0))
    scale = total / sum(load)
    carried = written = 0
    for day, weight in zip(days, load, strict=True):
        carried += weight * scale
        count = min(round(carried) - written, total - written)
        if count <= 0:
            continue
        written += count
        active = bisect_right(starts, day)
        chosen = rng.choices(range(active), cum_weights=cumulative[:active], k=count)
        contents = rng.choices(range(pool), k=count)
        for index, content in zip(chosen, contents, strict=True):
            advisor = ordered[index]
            own = held.get(advisor.pk)
            roll = rng.random()
            if own and roll < 0.8:
                yield advisor.pk, day, "place", own[0] if len(own) == 1 else rng.choice(own), None, content
            elif roll < 0.87 and content not in workshops:
                yield advisor.pk, day, "home", None, advisor.structure.commune_id, content
            elif roll < 0.9:
                yield advisor.pk, day, "other", None, advisor.structure.commune_id, content
            else:
                yield advisor.pk, day, "remote", None, None, content


def _copy_text(value) -> str:
    """A value in COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False)
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def write_reports(rows, contents, *, connection) -> int:
    """Writes the report rows: COPY on PostgreSQL (chunks of CHUNK rows streamed; the table's secondary indexes and
    foreign keys dropped during the load and recreated after it, in the same transaction), batched INSERTs elsewhere.
    Returns the number written."""
    from django.db import transaction

    from cnfs.activity.models import ActivityReport

    table = ActivityReport._meta.db_table
    fields = content_fields()
    columns = [*ROW_FIELDS, *fields]
    quote = connection.ops.quote_name
    written = 0
    with transaction.atomic(using=connection.alias):
        if connection.vendor == "postgresql":
            tails = ["\t".join(_copy_text(content[name]) for name in fields) + "\n" for content in contents]
            sql = f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
            with connection.cursor() as cursor, _bare_table(cursor, table, quote):
                lines, stamp_of = [], {}
                with cursor.cursor.copy(sql) as copy:
                    for advisor_id, day, place_kind, place_id, commune_id, content in rows:
                        stamp = stamp_of.get(day)
                        if stamp is None:
                            stamp = stamp_of[day] = f"{day.isoformat()} 16:00:00+00"
                        lines.append(
                            f"{advisor_id}\t{day.isoformat()}\t{place_kind}\t"
                            f"{place_id or NULL}\t{commune_id or NULL}\t"
                            f"{stamp}\t{stamp}\t{tails[content]}"
                        )
                        if len(lines) == CHUNK:
                            copy.write("".join(lines))
                            written += len(lines)
                            lines = []
                    if lines:
                        copy.write("".join(lines))
                        written += len(lines)
                cursor.execute(f"ANALYZE {quote(table)}")
            return written
        values = [
            tuple(json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v for v in content.values())
            for content in contents
        ]
        sql = (
            f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) "
            f"VALUES ({', '.join(['%s'] * len(columns))})"
        )
        batch = []
        with connection.cursor() as cursor:
            for advisor_id, day, place_kind, place_id, commune_id, content in rows:
                stamp = f"{day.isoformat()} 16:00:00"
                batch.append(
                    (
                        advisor_id,
                        day.isoformat(),
                        place_kind,
                        place_id,
                        commune_id,
                        stamp,
                        stamp,
                        *values[content],
                    )
                )
                if len(batch) == 5000:
                    cursor.executemany(sql, batch)
                    written += len(batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
                written += len(batch)
    return written


class _bare_table:
    """PostgreSQL: the table's foreign keys, unique constraints and secondary indexes dropped on entry and recreated on
    exit (one index build and one validating join after a bulk load, instead of a check and an index insertion per
    row). To be used inside a transaction: a failed load leaves the table as it was."""

    def __init__(self, cursor, table, quote):
        self.cursor, self.table, self.quote = cursor, table, quote

    def __enter__(self):
        cursor, table = self.cursor, self.quote(self.table)
        # Deferred foreign-key checks of rows written earlier in the transaction are run now: a table with pending
        # checks cannot be altered.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('f', 'u') ORDER BY conname",
            [self.table],
        )
        self.constraints = cursor.fetchall()
        cursor.execute(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
            "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid) ORDER BY i.relname",
            [self.table],
        )
        self.indexes = cursor.fetchall()
        for name, _ in self.constraints:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {self.quote(name)}")
        for name, _ in self.indexes:
            cursor.execute(f"DROP INDEX {self.quote(name)}")
        return self

    def __exit__(self, kind, error, trace):
        if kind is not None:
            return False
        cursor, table = self.cursor, self.quote(self.table)
        for _, definition in self.indexes:
            cursor.execute(definition)
        for name, definition in self.constraints:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {self.quote(name)} {definition}")
        return False


def extend_contracts(contracts, agent, *, today) -> int:
    """Advisors still in post after their 24-month contract: each contract ending before today is extended by
    24 months (an extension row each time, as `extend_contract` records it) until it ends after today."""
    from django.utils import timezone

    from cnfs.funding.models import Contract, ContractExtension
    from cnfs.structures.services import add_months

    extensions, extended = [], []
    for contract in contracts:
        while contract.end_date <= today:
            previous, contract.end_date = contract.end_date, add_months(contract.end_date, 24)
            at = timezone.make_aware(datetime.combine(previous - timedelta(days=30), datetime.min.time()))
            extensions.append(
                ContractExtension(
                    contract=contract, previous_end_date=previous, end_date=contract.end_date, by=agent, at=at
                )
            )
            extended.append(contract)
    Contract.objects.bulk_update(list({c.pk: c for c in extended}.values()), ["end_date"], batch_size=2000)
    ContractExtension.objects.bulk_create(extensions, batch_size=2000)
    return len(extensions)


def funding(advisors, hired, agent, *, today, rng) -> int:
    """The contract of each hired advisor (signed on their hiring day, 24 months, extended while they are in post),
    its three tranches as `schedule_tranches` plans them, paid when due (most of them) with their payment, and the
    kept totals rebuilt."""
    from cnfs.funding import rules, totals
    from cnfs.funding.models import Contract, ContractType, Payment, Tranche, TrancheStatus
    from cnfs.structures.services import add_months

    contracts = Contract.objects.bulk_create(
        [
            Contract(
                structure_id=a.structure_id,
                post_id=a.post_id,
                match_id=a.match_id,
                type=ContractType.PROJECT,
                start_date=hired[a.pk],
                end_date=add_months(hired[a.pk], 24),
                gross_monthly_salary="2100.00",
                missions=["daily_uses", "procedures"],
                signed_on=hired[a.pk],
                recorded_by=agent,
            )
            for a in advisors
        ],
        batch_size=2000,
    )
    extend_contracts(contracts, agent, today=today)
    structure_of = {a.match_id: a.structure for a in advisors}
    tranches = []
    for contract in contracts:
        amount = rules.post_funding(structure_of[contract.match_id], contract.signed_on)
        for number, share, due_on in rules.tranche_schedule(amount, contract.signed_on):
            paid = due_on <= today and rng.random() < 0.9
            tranches.append(
                Tranche(
                    contract=contract,
                    post_id=contract.post_id,
                    structure_id=contract.structure_id,
                    number=number,
                    amount=share,
                    due_on=due_on,
                    status=TrancheStatus.PAID if paid else TrancheStatus.SCHEDULED,
                )
            )
    tranches = Tranche.objects.bulk_create(tranches, batch_size=2000)
    Payment.objects.bulk_create(
        [
            Payment(
                tranche=t,
                post_id=t.post_id,
                paid_on=t.due_on,
                amount=t.amount,
                reference=f"VIR-{t.pk}",
                recorded_by=agent,
            )
            for t in tranches
            if t.status == TrancheStatus.PAID
        ],
        batch_size=2000,
    )
    totals.rebuild()
    return len(tranches)


def training(advisors, hired, agent, *, today, rng) -> int:
    """Each advisor's training, by how long ago they were hired: one training organisation per région (covering its
    départements); hired 300 days ago or more, the training is completed (105 h one day a week or 280 h full time,
    weekly attendance adding up to the path's hours, CCP1 and Pix certification at the end), a few dropped half-way;
    hired in the last 300 days, positioned with the région's organisation, or still to be positioned in the last
    month. Returns the number of trainings."""
    from decimal import Decimal

    from django.utils import timezone

    from cnfs.territories.models import Departement, Region
    from cnfs.training.models import (
        DropoutReason,
        Rhythm,
        Training,
        TrainingProvider,
        TrainingStatus,
        WeeklyAttendance,
    )

    regions = list(Region.objects.order_by("code"))
    providers = TrainingProvider.objects.bulk_create(
        [TrainingProvider(name=f"Organisme de formation — {region.name}") for region in regions]
    )
    provider_of = {region.pk: provider for region, provider in zip(regions, providers, strict=True)}
    Through = TrainingProvider.departements.through
    Through.objects.bulk_create(
        [
            Through(trainingprovider_id=provider_of[region_id].pk, departement_id=code)
            for code, region_id in Departement.objects.values_list("code", "region_id")
            if region_id in provider_of
        ]
    )

    def moment(day):
        return timezone.make_aware(datetime.combine(day, datetime.min.time().replace(hour=17)))

    trainings, weeks_of = [], []
    for advisor in advisors:
        day = hired[advisor.pk]
        provider = provider_of.get(advisor.structure.commune.region_id)
        row = Training(
            match_id=advisor.match_id,
            structure_id=advisor.structure_id,
            created_at=moment(day),
            status_changed_at=moment(day),
        )
        weeks = []
        if day <= today - timedelta(days=300) and provider is not None:
            path, rhythm, hours = (
                (105, Rhythm.WORK_STUDY, 7) if rng.random() < 0.6 else (280, Rhythm.FULL_TIME, 35)
            )
            start = day + timedelta(days=14 - day.weekday())  # the Monday two weeks after the hiring
            row.provider, row.path, row.rhythm, row.start_date = provider, path, rhythm, start
            row.assigned_at = row.path_assigned_at = moment(day)
            row.expected_end_date = start + timedelta(weeks=path // hours)
            weeks = [(start + timedelta(weeks=n), hours) for n in range(path // hours)]
            if rng.random() < 0.04:
                weeks = weeks[: len(weeks) // 2]
                row.status, row.dropout_reason = TrainingStatus.DROPPED, rng.choice(DropoutReason.values)
                row.dropped_on = weeks[-1][0] + timedelta(days=7)
            else:
                row.status = TrainingStatus.COMPLETED
                row.ccp1_on = row.pix_on = row.expected_end_date + timedelta(days=7)
                row.pix_score = rng.randint(250, 750)
                row.completed_at = moment(row.ccp1_on)
            row.hours_done = Decimal(sum(h for _, h in weeks))
            row.status_changed_at = moment(row.dropped_on or row.ccp1_on)
        elif day <= today - timedelta(days=30) and provider is not None:
            row.status, row.provider, row.assigned_at = TrainingStatus.POSITIONED, provider, moment(day)
        trainings.append(row)
        weeks_of.append(weeks)
    trainings = Training.objects.bulk_create(trainings, batch_size=2000)
    WeeklyAttendance.objects.bulk_create(
        [
            WeeklyAttendance(
                training=row, week=week, hours=Decimal(hours), recorded_by=agent, recorded_at=moment(week)
            )
            for row, weeks in zip(trainings, weeks_of, strict=True)
            for week, hours in weeks
        ],
        batch_size=5000,
    )
    return len(trainings)


# ---------------------------------------------------------------------------------------------------------------------
# Accounts, rollups, consistency, and the whole build

ACCOUNTS = {
    # key → (email local part, first name, last name, role)
    "anct": ("anct", "Claire", "Martin", "anct"),
    "prefecture": ("prefecture", "Julien", "Bernard", "prefecture"),
    "bdt": ("bdt", "Sophie", "Dubois", "bdt"),
    "structure": ("structure", "Nathalie", "Petit", "structure"),
    "hub": ("hub", "Élodie", "Roux", "hub"),
    "advisor": ("conseiller", "Inès", "Garnier", "advisor"),
}


def national_email(key: str) -> str:
    from cnfs.demo.seed import DEMO_DOMAIN

    return f"{ACCOUNTS[key][0]}@national.{DEMO_DOMAIN}"


def accounts(advisors) -> dict:
    """One account per role, with the demo password (cnfs.demo.seed.DEMO_PASSWORD) and, for agents, the demo
    authenticator key enrolled through the real enrolment: ANCT; the préfecture of the département with the most
    advisors; the Banque des Territoires; the (admin) account of the structure with the most advisors; a hub over
    that département's région; one advisor of that structure (an existing advisor's account, renamed). {key: email}"""
    from collections import Counter

    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from cnfs.accounts import second_factor
    from cnfs.accounts.models import RoleAssignment, User
    from cnfs.demo.seed import DEMO_PASSWORD, enrol_demo_totp
    from cnfs.territories.models import Departement, Hub

    password, now = make_password(DEMO_PASSWORD), timezone.now()
    per_structure = Counter(a.structure_id for a in advisors)
    per_departement = Counter(a.structure.departement_id for a in advisors)
    structure_id = max(per_structure, key=lambda pk: (per_structure[pk], -pk))
    departement = Departement.objects.get(pk=max(per_departement, key=lambda c: (per_departement[c], c)))
    hub, _ = Hub.objects.get_or_create(name=f"Hub territorial {departement.region.name}")
    hub.departements.add(*Departement.objects.filter(region_id=departement.region_id))
    advisor = min((a for a in advisors if a.structure_id == structure_id), key=lambda a: a.pk)
    scopes = {
        "anct": {},
        "prefecture": {"departement": departement},
        "bdt": {},
        "structure": {"structure_id": structure_id, "is_admin": True},
        "hub": {"hub": hub},
        "advisor": {"structure_id": structure_id},
    }
    emails = {}
    for key, (_, first_name, last_name, role) in ACCOUNTS.items():
        email = national_email(key)
        if key == "advisor":
            user = advisor.candidate.user
            user.email, user.first_name, user.last_name = email, first_name, last_name
        else:
            user = User(email=email, first_name=first_name, last_name=last_name)
        user.password, user.email_confirmed_at = password, now
        user.save()
        RoleAssignment.objects.create(user=user, role=role, **scopes[key])
        if second_factor.is_required(user):
            enrol_demo_totp(user)
        emails[key] = email
    return emails


def rebuild_rollups() -> bool:
    """The activity rollups rebuilt from the reports, where the project has them (`rebuild_activity_rollups`): bulk
    rows skip the services that keep them."""
    from django.core.management import call_command, get_commands

    if "rebuild_activity_rollups" not in get_commands():
        return False
    call_command("rebuild_activity_rollups", verbosity=0)
    return True


class Inconsistent(Exception):
    """A rule of `check_consistency` does not hold on the built data."""


def check() -> None:
    from cnfs.core.consistency import run_checks

    broken = {result.check.name: list(result.ids[:10]) for result in run_checks() if not result.ok}
    if broken:
        raise Inconsistent(f"jeu de données incohérent : {broken}")


def build(scale: float, seed: int = 8, *, reports: int | None = None, progress=None) -> dict:
    """The national volume × `scale` on the current (migrated, territories imported) database. `reports`: how many
    activity reports (default REPORTS × scale). Returns each phase's seconds, the counts and the accounts' emails."""
    from django.db import connection
    from django.utils import timezone

    from cnfs.activity.models import Place
    from cnfs.funding.models import Tranche
    from cnfs.recruitment.models import Advisor, AdvisorStatus
    from cnfs.training.models import Training

    total = round(REPORTS * scale) if reports is None else reports
    phases, started = {}, time.perf_counter()

    def done(phase):
        nonlocal started
        phases[phase] = round(time.perf_counter() - started, 1)
        if progress:
            progress(f"{phase} : {phases[phase]} s")
        started = time.perf_counter()

    made = programme(scale, seed)
    done("programme (structures, candidats, recrutements)")
    rng, today = random.Random(seed + 1), timezone.localdate()
    advisors = list(
        Advisor.objects.filter(status=AdvisorStatus.ACTIVE)
        .select_related("structure__commune", "candidate")
        .order_by("pk")
    )
    hired = hire_dates(advisors, today=today, rng=rng)
    held = places(advisors, rng=rng)
    done("lieux d'activité")
    contents = report_contents(rng, today, size=max(1, min(POOL, total)))
    workshops = frozenset(n for n, content in enumerate(contents) if content["kind"] == "collective")
    rows = report_rows(
        total, advisors, hired, held, today=today, rng=rng, pool=len(contents), workshops=workshops
    )
    written = write_reports(rows, contents, connection=connection)
    done("comptes rendus d'activité")
    funding(advisors, hired, made["agent"], today=today, rng=rng)
    training(advisors, hired, made["agent"], today=today, rng=rng)
    done("financement, formation")
    emails = accounts(advisors)
    rollups = rebuild_rollups()
    done("comptes, agrégats")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    check()
    done("analyse, cohérence")
    return {
        "phases": phases,
        "rollups_rebuilt": rollups,
        "counts": {
            **made["counts"],
            "conseillers": len(advisors),
            "lieux d'activité": Place.objects.count(),
            "comptes rendus d'activité": written,
            "tranches": Tranche.objects.count(),
            "formations": Training.objects.count(),
        },
        "accounts": emails,
    }
