"""National volume over HTTP: the pages a structure, a préfecture and ANCT use, at 10 % and 100 % of the programme.

    make bench BENCH=national                         # PostgreSQL (DATABASE_URL) and an SQLite file
    .venv/bin/python -m bench national --scales 0.1,1 --databases postgresql,sqlite --repeat 5
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cnfs_h4 .venv/bin/python bench/national.py --databases postgresql

For each database and scale, a fresh database is built (PostgreSQL: `<DATABASE_URL's name>_bench`, dropped and
created; SQLite: var/bench/national.sqlite3) with the national dataset scaled: 3,271 activated and located structures,
50,000 candidates (CVs, diplomas, Pix results shared or not), 5,000 applications in every state, ~4,000 hires and
matches in every state. The rows are those the workflow leaves behind, written in bulk: the structure's own columns
(as `record_activation` copies them), numbered decisions (and the year's counter), one `Post` per granted post, each
holding match on its own post (status hire_requested / occupied), one active `Advisor` per hire; the build stops if
`check_consistency`'s rules do not hold. A gunicorn server is started on a loopback port with `bench.settings`, every request is
bounded by a timeout, and the server is stopped at the end. Then:

- the structure's "Candidatures" page, every tab × filter × sort, at the structure with the most live candidates and at
  a median one: p50/p95 over `--repeat` requests and the number of SQL queries;
- the ANCT and préfecture application lists (page 1);
- the national ANCT exports (CSV, XLSX): time over HTTP, and peak Python memory measured in a separate process;

and prints, for each page, the growth from the first scale to the last (goal: ≤ 1.5× for every paginated page).
"""

import argparse
import http.client
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode, urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SQLITE_FILE = BASE_DIR / "var" / "bench" / "national.sqlite3"
TERRITORIES = Path(
    os.environ.get("TERRITORIES") or BASE_DIR / ".." / "shared" / "data" / "territories"
).resolve()

# The programme's national volume (scale 1.0).
STRUCTURES = 3271
CANDIDATES = 50_000
APPLICATIONS = 5_000
HIRES = 4_000

TABS = ["new", "shortlisted", "not_retained", "hire_requested", "hired", "all"]
FILTERS = {
    "aucun": {},
    "avec CV": {"has_cv": "on"},
    "avec CV ≤ 10 km": {"has_cv": "on", "distance": "10"},
    "Pix palier 2": {"pix_level": "2"},
    "diplômé": {"has_diploma": "on"},
    "déjà conseiller": {"was_advisor": "on"},
    "disponible": {"available_now": "on"},
    "≤ 20 km": {"distance": "20"},
    "nom « ma »": {"q": "ma"},
}
SORTS = ["distance", "availability"]
GOAL = 1.5


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


# ---------------------------------------------------------------------------------------------------------------------
# Data builder (runs in its own process, with bench.settings on the database to build)


def django_setup():
    sys.path.insert(0, str(BASE_DIR))
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()


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


def build(scale: float, seed: int) -> dict:
    from decimal import Decimal

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.utils import timezone

    from bench.second_factor import mark_passed
    from cnfs.accounts.models import RoleAssignment, User
    from cnfs.accounts.roles import Role
    from cnfs.candidates.models import DISTANCE_CLASSES, Candidate, PixResult, territory_of
    from cnfs.concertation.models import (
        ApplicationStatus,
        CommitteeDecision,
        DecisionCounter,
        OpinionValue,
        PrefectOpinion,
        StructureApplication,
    )
    from cnfs.core.consistency import run_checks
    from cnfs.recruitment.matching import matching_candidates
    from cnfs.recruitment.models import HOLDING_STATUSES, Advisor, AdvisorStatus, Match, MatchStatus
    from cnfs.structures.models import Post, PostStatus, Structure, StructureType
    from cnfs.structures.services import recruitment_deadline
    from cnfs.territories.models import Commune

    HIRED_STATUSES = (MatchStatus.HIRED, MatchStatus.TERMINATION_REQUESTED)
    rng = random.Random(seed)
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("import_territories", "--source", str(TERRITORIES), "--fallback", verbosity=0)
    communes = list(
        Commune.objects.filter(latitude__isnull=False, population__gt=0)
        .select_related("departement")
        .order_by("insee_code")  # the same dataset on every database
    )
    weights = [c.population for c in communes]
    stats = {"migrate_import_s": round(time.perf_counter() - started, 1)}
    started = time.perf_counter()
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
    # The dataset tells one story: the rules of `manage.py check_consistency` hold on it.
    broken = {result.check.name: result.ids[:10] for result in run_checks() if not result.ok}
    if broken:
        raise SystemExit(f"jeu de données incohérent : {broken}")

    # Sessions: a structure user for each chosen structure, one ANCT agent, one préfecture agent.
    def session_for(user):
        RoleAssignment.objects.get(user=user)  # exactly one role: no role choice page
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        mark_passed(store, user)
        store.create()
        return store.session_key

    sessions = {}
    for label, index in (("grande", big), ("médiane", median)):
        user = User.objects.create(email=f"s{index}@bench.fr", password="!", first_name="S", last_name="T")
        RoleAssignment.objects.create(
            user=user, role=Role.STRUCTURE, structure=structures[index], is_admin=True
        )
        sessions[label] = session_for(user)
    RoleAssignment.objects.create(user=agent, role=Role.ANCT)
    sessions["anct"] = session_for(agent)
    busiest = (
        StructureApplication.objects.values("departement_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()["departement_id"]
    )
    prefect = User.objects.create(email="prefecture@bench.fr", password="!", first_name="P", last_name="R")
    RoleAssignment.objects.create(user=prefect, role=Role.PREFECTURE, departement_id=busiest)
    sessions["préfecture"] = session_for(prefect)
    counts = {
        "structures": n_structures,
        "candidats": Candidate.objects.count(),
        "candidatures": StructureApplication.objects.count(),
        "résultats Pix": PixResult.objects.count(),
        "recrutements": Match.objects.filter(
            status__in=[MatchStatus.HIRED, MatchStatus.TERMINATION_REQUESTED]
        ).count(),
        "mises en relation": Match.objects.count(),
        "candidats vivants (grande)": sizes[big],
        "candidats vivants (médiane)": sizes[median],
        "classes de distance": len(DISTANCE_CLASSES) + 1,
    }
    return {"stats": stats, "counts": counts, "sessions": sessions, "prefecture_departement": busiest}


def export_memory(session_key: str) -> dict:
    """Peak Python memory (tracemalloc) and time of the national ANCT exports, consumed as a client would."""
    import tracemalloc

    from django.conf import settings
    from django.test import Client

    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    figures = {}
    for fmt in ("csv", "xlsx"):
        # A first export loads the modules and templates, so that the peak below is the export's own memory.
        response = client.get(f"/candidatures/export.{fmt}")
        for _ in response.streaming_content if response.streaming else [response.content]:
            pass
        tracemalloc.start()
        started = time.perf_counter()
        response = client.get(f"/candidatures/export.{fmt}")
        assert response.status_code == 200, response.status_code
        size = 0
        for chunk in response.streaming_content if response.streaming else [response.content]:
            size += len(chunk)
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        figures[fmt] = {"peak_mib": round(peak / 2**20, 1), "s": round(elapsed, 2), "bytes": size}
    return figures


# ---------------------------------------------------------------------------------------------------------------------
# Orchestration: databases, server, HTTP requests


def database_env(kind: str, name: str | None = None) -> dict:
    """The environment of a bench's child processes and server. `name`: another bench's own database
    (PostgreSQL `<DATABASE_URL's name>_bench_<name>`, SQLite var/bench/<name>.sqlite3)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "BENCH_SQLITE")}
    env["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    env["PYTHONPATH"] = str(BASE_DIR)
    if kind == "postgresql":
        url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cnfs")
        parts = urlsplit(url)
        suffix = "_bench" + (f"_{name}" if name else "")
        env["DATABASE_URL"] = parts._replace(path=parts.path.rstrip("/") + suffix).geturl()
    else:
        env["BENCH_SQLITE"] = str(SQLITE_FILE.with_name(f"{name}.sqlite3") if name else SQLITE_FILE)
    return env


def reset_database(kind: str, env: dict):
    """An empty bench database: the SQLite file removed, or the PostgreSQL database dropped and created."""
    if kind == "sqlite":
        path = Path(env["BENCH_SQLITE"])
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    parts = urlsplit(env["DATABASE_URL"])
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def run_child(args: list[str], env: dict, script: str = __file__) -> dict:
    """Runs a bench file (this one by default) in a child process, Django set up on the bench database; its last
    stdout line is JSON."""
    result = subprocess.run(
        [PYTHON, str(Path(script).resolve()), *args], env=env, cwd=BASE_DIR, capture_output=True, text=True
    )
    if result.returncode:
        sys.stderr.write(result.stderr[-4000:])
        raise SystemExit(f"échec de {' '.join(args)}")
    return json.loads(result.stdout.strip().splitlines()[-1])


class Server:
    """gunicorn on a loopback port, started and stopped by the bench."""

    def __init__(self, env: dict, port: int, workers: int):
        self.port = port
        self.process = subprocess.Popen(
            [
                str(Path(PYTHON).parent / "gunicorn"),
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--timeout",
                "120",
                "--no-control-socket",
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=BASE_DIR,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                self.get("/compte/connexion/", None)
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise SystemExit("le serveur gunicorn n'a pas démarré") from None
                time.sleep(0.3)

    def get(self, path: str, session: str | None, timeout: float = 120.0):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            headers = {"Cookie": f"sessionid={session}"} if session else {}
            started = time.perf_counter()
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            body = response.read()
            elapsed = (time.perf_counter() - started) * 1000
            return response.status, elapsed, response.getheader("X-Bench-Queries", "?"), body
        finally:
            connection.close()

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def timed_page(server, path, session, repeat) -> dict:
    status, _, _, body = server.get(path, session)  # warm-up
    if status != 200:
        raise SystemExit(f"{path} : statut {status}\n{body[:500]!r}")
    times, queries = [], "?"
    for _ in range(repeat):
        status, elapsed, queries, _ = server.get(path, session)
        assert status == 200, (path, status)
        times.append(elapsed)
    return {
        "p50": statistics.median(times),
        "p95": percentile(times, 0.95),
        "min": min(times),
        "queries": queries,
    }


def pages(prefecture_departement) -> list[tuple[str, str, str]]:
    """(label, session, path) of every measured page."""
    result = []
    for who in ("grande", "médiane"):
        for tab in TABS:
            for filter_label, params in FILTERS.items():
                for sort in SORTS:
                    query = urlencode({"onglet": tab, **params, "sort": sort})
                    result.append(
                        (
                            f"{who} | {tab} | {filter_label} | {sort}",
                            who,
                            f"/recrutement/candidatures/?{query}",
                        )
                    )
    result.append(("ANCT | liste des candidatures, page 1", "anct", "/candidatures/"))
    result.append(("préfecture | liste des candidatures, page 1", "préfecture", "/candidatures/"))
    result.append(("ANCT | export CSV national", "anct", "/candidatures/export.csv"))
    result.append(("ANCT | export XLSX national", "anct", "/candidatures/export.xlsx"))
    return result


def measure(kind, scale, args) -> dict:
    env = database_env(kind)
    reset_database(kind, env)
    started = time.perf_counter()
    built = run_child(["--build", str(scale), "--seed", str(args.seed)], env)
    print(
        f"  [{kind} ×{scale}] données construites en {time.perf_counter() - started:.0f} s : {built['counts']}"
    )
    only_candidates = args.only == "candidatures"
    if not only_candidates:
        memory = run_child(["--export-memory", built["sessions"]["anct"]], env)
    server = Server(env, args.port, args.workers)
    figures = {}
    try:
        for label, who, path in pages(built["prefecture_departement"]):
            if only_candidates and who not in ("grande", "médiane"):
                continue
            repeat = 1 if "export" in label else args.repeat
            figures[label] = timed_page(server, path, built["sessions"][who], repeat)
    finally:
        server.stop()
    for fmt, label in (("csv", "ANCT | export CSV national"), ("xlsx", "ANCT | export XLSX national")):
        if only_candidates:
            break
        figures[label]["peak_mib"] = memory[fmt]["peak_mib"]
        figures[label]["bytes"] = memory[fmt]["bytes"]
    return figures


def report(kind, scales, results):
    first, last = scales[0], scales[-1]
    print(f"\n== {kind} : p50 / p95 en ms (requêtes SQL), ×{first} → ×{last} ==")
    over = []
    for label in results[first]:
        a, b = results[first][label], results[last][label]
        ratio = b["p50"] / a["p50"] if a["p50"] else float("inf")
        floor = b["min"] / a["min"] if a["min"] else float("inf")
        paginated = "export" not in label
        flag = "  ← > 1,5×" if paginated and ratio > GOAL else ""
        extra = ""
        if "peak_mib" in b:
            extra = f"  mémoire max {a['peak_mib']} → {b['peak_mib']} Mio, {a['bytes']} → {b['bytes']} octets"
        print(
            f"{label:<58} {a['p50']:7.1f} / {a['p95']:7.1f} ({a['queries']:>3})  →  "
            f"{b['p50']:7.1f} / {b['p95']:7.1f} ({b['queries']:>3})  ×{ratio:4.2f} (min ×{floor:4.2f}){extra}{flag}"
        )
        if paginated and ratio > GOAL:
            over.append(label)
    paginated = [label for label in results[last] if "export" not in label]
    worst = max(paginated, key=lambda label: results[last][label]["p50"] / results[first][label]["p50"])
    print(
        f"pages paginées au-delà de ×{GOAL} : {len(over)} sur {len(paginated)} ; pire croissance : {worst} "
        f"×{results[last][worst]['p50'] / results[first][worst]['p50']:.2f} ; "
        f"page la plus lente à ×{last} : "
        + "{:.1f} ms".format(max(results[last][label]["p50"] for label in paginated))
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description="Pages et exports au volume national, par HTTP.")
    parser.add_argument("--scales", default="0.1,1", help="facteurs de volume, séparés par des virgules")
    parser.add_argument("--databases", default="postgresql,sqlite", help="postgresql, sqlite ou les deux")
    parser.add_argument("--repeat", type=int, default=5, help="requêtes mesurées par page")
    parser.add_argument("--port", type=int, default=8104)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument(
        "--only",
        choices=["candidatures"],
        help="candidatures : ne mesurer que la page « Candidatures » de la structure (ni listes ANCT/préfecture, "
        "ni exports)",
    )
    parser.add_argument("--output", help="fichier JSON des mesures ({database} : le nom de la base)")
    parser.add_argument("--build", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--export-memory", help=argparse.SUPPRESS)
    args = parser.parse_args(argv if argv is not None else (sys.argv[1:] if __name__ == "__main__" else []))
    if args.build is not None:
        django_setup()
        print(json.dumps(build(args.build, args.seed)))
        return 0
    if args.export_memory:
        django_setup()
        print(json.dumps(export_memory(args.export_memory)))
        return 0
    scales = [float(s) for s in args.scales.split(",")]
    for kind in args.databases.split(","):
        results = {scale: measure(kind, scale, args) for scale in scales}
        report(kind, scales, results)
        if args.output:
            path = Path(args.output.replace("{database}", kind))
            path.write_text(json.dumps({str(scale): figures for scale, figures in results.items()}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
