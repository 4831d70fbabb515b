"""Live matching at national scale: 50,000 candidates, 3,000 activated structures, the list of 200 random structures.

    .venv/bin/python bench/matching.py [--candidates 50000] [--structures 3000] [--samples 200]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cnfs_h4 .venv/bin/python bench/matching.py

Runs against a throw-away test database (SQLite in memory by default; PostgreSQL with DATABASE_URL, in a database
named `<name>_bench_matching`), with the test settings. Communes come from the reference data (shared/data); candidates
and structures are placed in communes drawn at random weighted by population (so some are overseas), with a realistic
spread of maximum distances. Prints, over the sampled structures, the median and p95 of: the matching query
(`matching_candidates`, every matching row fetched), the same query written in plain SQL (same visibility,
availability, exact distance and "held elsewhere" conditions; the bench asserts both return the same rows), their ratio, and the whole "Candidatures" page render (first page, tabs with counts).
"""

import argparse
import logging
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

# The reference communes: TERRITORIES (as in the Makefile), else ../shared/data/territories.
SOURCE = Path(os.environ.get("TERRITORIES") or BASE_DIR / ".." / "shared" / "data" / "territories").resolve()
# Share of candidates per maximum distance (km; 0 = whole France).
EXPLAIN = False
DISTANCE_WEIGHTS = {5: 10, 10: 15, 15: 15, 20: 20, 40: 20, 100: 12, 0: 8}


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def timed(function):
    started = time.perf_counter()
    result = function()
    return (time.perf_counter() - started) * 1000, result


def load_communes():
    from cnfs.territories import importer, sources
    from cnfs.territories.models import Commune

    if SOURCE.exists():
        importer.sync(sources.read_source(str(SOURCE)))
    else:  # the built-in fallback set
        from django.core.management import call_command

        call_command("import_territories", "--source", str(SOURCE), "--fallback", verbosity=0)
    return list(
        Commune.objects.filter(latitude__isnull=False, population__gt=0)
        .select_related("departement")
        .only("insee_code", "latitude", "longitude", "population", "departement__zone", "departement__code")
    )


def seed(n_candidates, n_structures, rng):
    from cnfs.accounts.models import User
    from cnfs.candidates.models import Candidate, territory_of
    from cnfs.concertation.models import (
        ApplicationStatus,
        CommitteeDecision,
        DecisionCounter,
        DecisionOutcome,
        StructureApplication,
    )
    from cnfs.structures.models import Post, Structure, StructureType
    from cnfs.structures.services import recruitment_deadline

    started = time.perf_counter()
    communes = load_communes()
    weights = [c.population for c in communes]
    print(f"{len(communes)} communes chargées en {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    today = timezone.localdate()
    now = timezone.now()
    users = [
        User(
            email=f"c{n}@bench.fr",
            password="!",
            first_name=rng.choice(["Léa", "Hugo", "Inès", "Nathan", "Camille"]),
            last_name=f"Candidat{n}",
            email_confirmed_at=now if rng.random() < 0.95 else None,
        )
        for n in range(n_candidates)
    ]
    User.objects.bulk_create(users, batch_size=2000)
    users = list(User.objects.filter(email__endswith="@bench.fr").order_by("id"))
    homes = rng.choices(communes, weights=weights, k=n_candidates)
    distances = rng.choices(list(DISTANCE_WEIGHTS), weights=list(DISTANCE_WEIGHTS.values()), k=n_candidates)
    candidates = []
    for user, commune, distance in zip(users, homes, distances, strict=True):
        available = rng.random() < 0.9
        candidates.append(
            Candidate(
                user=user,
                commune=commune,
                latitude=commune.latitude,
                longitude=commune.longitude,
                territory=territory_of(commune.departement),
                email_confirmed=user.email_confirmed_at is not None,
                is_job_seeker=True,
                has_diploma=rng.random() < 0.2,
                available_from=today + timedelta(days=rng.choice([-30, 0, 0, 15, 60])),
                max_distance=distance,
                motivation="Motivation.",
                is_available=available,
                unavailable_reason="" if available else "found_job",
                cv_name="x.pdf" if rng.random() < 0.4 else "",
            )
        )
    Candidate.objects.bulk_create(candidates, batch_size=2000)
    places = rng.choices(communes, weights=weights, k=n_structures)
    structures = Structure.objects.bulk_create(
        [
            Structure(
                name=f"Structure {n}",
                siret=f"{n:014d}",
                type=StructureType.COMMUNE,
                commune=commune,
                departement_id=commune.departement_id,
                latitude=commune.latitude,
                longitude=commune.longitude,
                mission_start=today + timedelta(days=rng.choice([-10, 15, 30])),
                activated_at=now,
            )
            for n, commune in enumerate(places)
        ],
        batch_size=2000,
    )
    applications = StructureApplication.objects.bulk_create(
        [
            StructureApplication(
                status=ApplicationStatus.ACTIVATED,
                structure=structure,
                type=StructureType.COMMUNE,
                siret=structure.siret,
                name=structure.name,
                commune=commune,
                departement_id=commune.departement_id,
                latitude=commune.latitude,
                longitude=commune.longitude,
                start_date=structure.mission_start,
                email_confirmed_at=now,
                submitted_at=now,
                commitments_accepted_at=now,
            )
            for structure, commune in zip(structures, places, strict=True)
        ],
        batch_size=2000,
    )
    agent, _ = User.objects.get_or_create(
        email="anct@bench.fr", defaults={"first_name": "A", "last_name": "B"}
    )
    committee_date = today - timedelta(days=10)
    decisions = CommitteeDecision.objects.bulk_create(
        [
            CommitteeDecision(
                application=application,
                outcome=DecisionOutcome.POSITIVE,
                posts=2,
                committee_date=committee_date,
                number=f"{committee_date.year}-{n + 1:05d}",
                by=agent,
            )
            for n, application in enumerate(applications)
        ],
        batch_size=2000,
    )
    DecisionCounter.objects.update_or_create(year=committee_date.year, defaults={"last": len(decisions)})
    deadline = recruitment_deadline(committee_date)
    posts = Post.objects.bulk_create(
        [
            Post(
                structure_id=decision.application.structure_id,
                granted_by=decision,
                committee_date=committee_date,
                deadline=deadline,
            )
            for decision in decisions
            for _ in range(decision.posts)
        ],
        batch_size=2000,
    )
    # 5 % of the candidates are held by a structure (hire requested, hired), so "held elsewhere" filters rows. As the
    # workflow leaves them: each holding match on a free post of its structure, whose status follows it, and each
    # hire with its advisor.
    from cnfs.recruitment.models import Advisor, Match, MatchStatus
    from cnfs.structures.models import PostStatus

    free = {}
    for post in posts:
        free.setdefault(post.structure_id, []).append(post)
    matches = []
    for candidate in rng.sample(candidates, n_candidates // 20):
        structure = rng.choice(structures)
        while not free[structure.pk]:
            structure = rng.choice(structures)
        post = free[structure.pk].pop()
        status = rng.choice([MatchStatus.HIRE_REQUESTED, MatchStatus.HIRED])
        post.status = (
            PostStatus.HIRE_REQUESTED if status == MatchStatus.HIRE_REQUESTED else PostStatus.OCCUPIED
        )
        matches.append(Match(structure=structure, candidate=candidate, status=status, post=post))
    Post.objects.bulk_update([m.post for m in matches], ["status"], batch_size=2000)
    matches = Match.objects.bulk_create(matches, batch_size=2000)
    Advisor.objects.bulk_create(
        [
            Advisor(candidate=m.candidate, structure=m.structure, post=m.post, match=m)
            for m in matches
            if m.status == MatchStatus.HIRED
        ],
        batch_size=2000,
    )
    Candidate.objects.filter(advisor__isnull=False).update(
        is_available=False, unavailable_reason="hired_advisor"
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"{n_candidates} candidats et {n_structures} structures activées créés en "
        f"{time.perf_counter() - started:.1f} s"
    )
    return structures


def raw_matching_query(facts):
    """The matching query in plain SQL: same visibility, availability, exact distance and "held elsewhere"
    conditions, the floor the ORM query is compared with (the bench checks both return the same rows)."""
    from cnfs.candidates.models import DISTANCE_CLASSES
    from cnfs.recruitment.matching import haversine_threshold
    from cnfs.recruitment.models import HOLDING_STATUSES
    from cnfs.territories.geo import bounding_box, haversine_sql

    hav, hav_params = haversine_sql("c.latitude", "c.longitude", facts.latitude, facts.longitude)
    clauses = ["(c.max_distance = 0 AND c.territory = %s)"]
    params = [facts.territory]
    for km in DISTANCE_CLASSES:
        min_lat, max_lat, min_lon, max_lon = bounding_box(facts.latitude, facts.longitude, km)
        if min_lon <= -180 and max_lon >= 180:
            longitude, box = "", []
        elif min_lon < -180 or max_lon > 180:  # across the antimeridian, as in the matching query
            longitude = " AND (c.longitude >= %s OR c.longitude <= %s)"
            box = [min_lon + 360, max_lon] if min_lon < -180 else [min_lon, max_lon - 360]
        else:
            longitude, box = " AND c.longitude BETWEEN %s AND %s", [min_lon, max_lon]
        clauses.append(
            f"(c.max_distance = %s AND c.territory = %s AND c.latitude BETWEEN %s AND %s{longitude}"
            f" AND {hav} <= %s)"
        )
        params += [km, facts.territory, min_lat, max_lat, *box, *hav_params, haversine_threshold(km)]
    holding = ", ".join(["%s"] * len(HOLDING_STATUSES))
    sql = (
        "SELECT c.id FROM candidates_candidate c"
        " WHERE c.erased_at IS NULL AND c.is_available AND c.email_confirmed AND c.available_from <= %s"
        f" AND ({' OR '.join(clauses)})"
        " AND NOT EXISTS (SELECT 1 FROM recruitment_match m WHERE m.candidate_id = c.id"
        f" AND m.status IN ({holding}) AND m.structure_id <> %s)"
    )
    params = [facts.availability_day, *params, *[str(s) for s in HOLDING_STATUSES], facts.pk]

    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    return run


def measure(structures, samples, rng):
    from cnfs.accounts.models import RoleAssignment, User
    from cnfs.accounts.roles import Role
    from cnfs.recruitment.matching import matching_candidates

    chosen = rng.sample(structures, samples)
    client = Client()
    url = reverse("recruitment:candidate_list")
    match_ms, raw_ms, page_ms, sizes, boxes = [], [], [], [], []
    for index, structure in enumerate(chosen):
        user = User.objects.create(
            email=f"s{structure.pk}@bench.fr", password="!", first_name="S", last_name="T"
        )
        RoleAssignment.objects.create(user=user, role=Role.STRUCTURE, structure=structure, is_admin=True)
        client.force_login(user)
        facts = structure  # the structure's own columns: location, territory, mission start
        raw = raw_matching_query(facts)
        if index == 0 and EXPLAIN:
            options = {"analyze": True} if connection.vendor == "postgresql" else {}
            print(matching_candidates(facts).values_list("pk", "distance_km").explain(**options))
        if index == 0:  # warm the caches once
            list(matching_candidates(facts).values_list("pk", "distance_km"))
            raw()
            client.get(url)
        elapsed, rows = timed(lambda f=facts: list(matching_candidates(f).values_list("pk", "distance_km")))
        match_ms.append(elapsed)
        sizes.append(len(rows))
        elapsed, raw_rows = timed(raw)
        raw_ms.append(elapsed)
        boxes.append(len(raw_rows))
        # Both must answer the same question before their times are compared.
        assert {pk for pk, _ in rows} == {pk for (pk,) in raw_rows}, f"structure {structure.pk}: rows differ"

        elapsed, response = timed(lambda: client.get(url))
        assert response.status_code == 200
        page_ms.append(elapsed)
    return match_ms, raw_ms, page_ms, sizes, boxes


def report(match_ms, raw_ms, page_ms, sizes, boxes):
    def line(label, values):
        print(
            f"{label:<48} médiane {statistics.median(values):7.2f} ms   p95 {percentile(values, 0.95):7.2f} ms"
        )

    print(f"candidats correspondants par structure : médiane {statistics.median(sizes):.0f}, "
          f"p95 {percentile(sizes, 0.95):.0f}, max {max(sizes)}")  # fmt: skip
    print(f"lignes du SQL brut (identiques, vérifié) : médiane {statistics.median(boxes):.0f}")
    line("requête de matching (toutes les lignes)", match_ms)
    line("même requête en SQL brut", raw_ms)
    ratios = [m / r for m, r in zip(match_ms, raw_ms, strict=True) if r > 0]
    print(f"{'rapport matching / SQL brut':<48} médiane ×{statistics.median(ratios):.2f}   "
          f"p95 ×{percentile(ratios, 0.95):.2f}   (rapport des médianes ×{statistics.median(match_ms) / statistics.median(raw_ms):.2f})")  # fmt: skip
    line("page « Candidatures » complète", page_ms)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Mesure du matching en direct.")
    parser.add_argument("--candidates", type=int, default=50_000)
    parser.add_argument("--structures", type=int, default=3_000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--explain", action="store_true", help="affiche le plan de la requête de matching")
    # Run as `python -m bench matching`, this module is imported and sys.argv holds the benchmark names.
    args = parser.parse_args(argv if argv is not None else (sys.argv[1:] if __name__ == "__main__" else []))
    rng = random.Random(args.seed)
    global EXPLAIN
    EXPLAIN = args.explain
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("postgresql"):
        database.setdefault("TEST", {})["NAME"] = f"{database['NAME']}_bench_matching"
    logging.getLogger("axes").setLevel(logging.WARNING)  # one login per sampled structure
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    print(f"== {connection.vendor} ==")
    try:
        structures = seed(args.candidates, args.structures, rng)
        report(*measure(structures, min(args.samples, len(structures)), rng))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
