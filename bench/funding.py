"""The national funding page at the programme's volume: 4,000 posts with their contracts and 12,000 tranches (some
paid), over HTTP, against one raw SQL aggregate giving the same totals.

    make bench BENCH=funding
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cnfs_money .venv/bin/python -m bench funding
    .venv/bin/python -m bench funding --scales 0.1,1 --repeat 20 --databases postgresql

For each scale a fresh database is built (PostgreSQL: `<DATABASE_URL's name>_bench_funding`, dropped and created;
SQLite: var/bench/funding.sqlite3): the territories, activated structures with their numbered positive decisions
(bench/national.py's rows), one post per grant, each occupied by a hired match with its contract signed in the last
400 days, the contract's three tranches computed by `rules.tranche_schedule` from `rules.post_funding` (what
`services.schedule_tranches` writes), a payment for 80 % of the tranches already due, and the per-département totals
the services keep with them (`totals.rebuild`, as bulk rows skip the services). Then, in the child process, the kept
totals are checked equal to the tranches (the `funding.totals_match_tranches` consistency rule), the totals the page
shows (cnfs/funding/overview.py) equal to one raw SQL aggregate's over the tranches, and that SQL is timed; a gunicorn server (bench.settings, one worker, loopback port) serves `/financement/national/` to a BdT agent:
median and p95 over `--repeat` requests, the number of SQL queries (X-Bench-Queries), and the ratio page / raw SQL
(goal ≤ 3×). The query count must be the same at every scale."""

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.national import (  # noqa: E402
    TERRITORIES,
    Server,
    activation_rows,
    percentile,
    reset_database,
    structure_row,
)
from bench.national import database_env as national_env  # noqa: E402
from bench.national import run_child as national_child  # noqa: E402

POSTS = 4000
STRUCTURES = 3271
GOAL = 3.0
RAW_SQL = """
    SELECT number,
           SUM(CASE WHEN status <> 'cancelled' THEN amount ELSE 0 END) AS forecast,
           SUM(CASE WHEN status = 'paid' THEN amount ELSE 0 END) AS paid
    FROM funding_tranche
    GROUP BY number
    ORDER BY number
"""
PAGE = "/financement/national/"
# The BdT agent's home page ("Mon espace"): what any page of the site costs (session, role, layout), for context.
FLOOR = "/espace/"


def django_setup():
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()


def build(scale: float, seed: int) -> dict:
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from bench.sessions import session_for
    from cnfs.accounts.models import RoleAssignment, User
    from cnfs.accounts.roles import Role
    from cnfs.candidates.models import Candidate, territory_of
    from cnfs.concertation.models import CommitteeDecision, DecisionCounter, StructureApplication
    from cnfs.funding import rules, totals
    from cnfs.funding.models import Contract, ContractType, Payment, Tranche, TrancheStatus
    from cnfs.recruitment.models import Advisor, AdvisorStatus, Match, MatchStatus
    from cnfs.structures.models import Post, PostStatus, Structure
    from cnfs.structures.services import add_months
    from cnfs.territories.models import Commune

    rng = random.Random(seed)
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("import_territories", "--source", str(TERRITORIES), "--fallback", verbosity=0)
    communes = list(
        Commune.objects.filter(latitude__isnull=False, population__gt=0)
        .select_related("departement")
        .order_by("insee_code")
    )
    weights = [c.population for c in communes]
    stats = {"migrate_import_s": round(time.perf_counter() - started, 1)}
    started = time.perf_counter()
    today, now, batch = timezone.localdate(), timezone.now(), 2000
    n_structures, n_posts = round(STRUCTURES * scale), round(POSTS * scale)
    agent = User.objects.create(email="bdt@bench.fr", password="!", first_name="Agent", last_name="BdT")
    places = rng.choices(communes, weights=weights, k=n_structures)
    structures = Structure.objects.bulk_create(
        [structure_row(n, c, today=today, now=now, rng=rng) for n, c in enumerate(places)], batch_size=batch
    )
    posts_of = [1] * n_structures
    for _ in range(n_posts - n_structures):
        posts_of[rng.randrange(n_structures)] += 1
    committee_date = today - timedelta(days=420)
    pairs = [
        activation_rows(s, c, p, number=n + 1, committee_date=committee_date, now=now, agent=agent, rng=rng)
        for n, (s, c, p) in enumerate(zip(structures, places, posts_of, strict=True))
    ]
    applications = StructureApplication.objects.bulk_create([a for a, _ in pairs], batch_size=batch)
    for application, (_, decision) in zip(applications, pairs, strict=True):
        decision.application = application
    decisions = CommitteeDecision.objects.bulk_create([d for _, d in pairs], batch_size=batch)
    DecisionCounter.objects.update_or_create(year=committee_date.year, defaults={"last": len(decisions)})
    posts = Post.objects.bulk_create(
        [
            Post(
                structure=structure,
                granted_by=decision,
                committee_date=committee_date,
                deadline=add_months(committee_date, 2),
                status=PostStatus.OCCUPIED,
                status_changed_at=now,
            )
            for structure, decision in zip(structures, decisions, strict=True)
            for _ in range(decision.posts)
        ],
        batch_size=batch,
    )
    users = User.objects.bulk_create(
        [
            User(
                email=f"c{n}@bench.fr",
                password="!",
                first_name="Conseiller",
                last_name=f"N{n}",
                email_confirmed_at=now,
            )
            for n in range(len(posts))
        ],
        batch_size=batch,
    )
    structure_of = {s.pk: s for s in structures}
    candidates = Candidate.objects.bulk_create(
        [
            Candidate(
                user=user,
                commune=structure_of[post.structure_id].commune,
                latitude=structure_of[post.structure_id].latitude,
                longitude=structure_of[post.structure_id].longitude,
                territory=territory_of(structure_of[post.structure_id].commune.departement),
                email_confirmed=True,
                is_job_seeker=True,
                available_from=today,
                max_distance=40,
                motivation="Motivation.",
                is_available=False,
                unavailable_reason="hired_advisor",
            )
            for user, post in zip(users, posts, strict=True)
        ],
        batch_size=batch,
    )
    matches = Match.objects.bulk_create(
        [
            Match(
                structure_id=post.structure_id,
                candidate=candidate,
                post=post,
                status=MatchStatus.HIRED,
                status_changed_at=now,
            )
            for candidate, post in zip(candidates, posts, strict=True)
        ],
        batch_size=batch,
    )
    Advisor.objects.bulk_create(
        [
            Advisor(
                candidate_id=m.candidate_id,
                structure_id=m.structure_id,
                post=m.post,
                match=m,
                status=AdvisorStatus.ACTIVE,
                hired_at=now,
            )
            for m in matches
        ],
        batch_size=batch,
    )
    contracts = []
    for match in matches:
        signed_on = today - timedelta(days=rng.randint(0, 400))
        contracts.append(
            Contract(
                structure_id=match.structure_id,
                post=match.post,
                match=match,
                type=ContractType.PROJECT,
                start_date=signed_on,
                end_date=add_months(signed_on, 24),
                gross_monthly_salary="2100.00",
                missions=["daily_uses"],
                signed_on=signed_on,
                recorded_by=agent,
            )
        )
    contracts = Contract.objects.bulk_create(contracts, batch_size=batch)
    tranches = []
    for contract in contracts:
        funding = rules.post_funding(structure_of[contract.structure_id], contract.signed_on)
        for number, amount, due_on in rules.tranche_schedule(funding, contract.signed_on):
            paid = due_on <= today and rng.random() < 0.8
            tranches.append(
                Tranche(
                    contract=contract,
                    post_id=contract.post_id,
                    structure_id=contract.structure_id,
                    number=number,
                    amount=amount,
                    due_on=due_on,
                    status=TrancheStatus.PAID if paid else TrancheStatus.SCHEDULED,
                )
            )
    tranches = Tranche.objects.bulk_create(tranches, batch_size=batch)
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
        batch_size=batch,
    )
    # The totals the pages read, as the services keep them (bulk rows skip the services: one rebuild).
    totals.rebuild()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    stats["build_s"] = round(time.perf_counter() - started, 1)
    RoleAssignment.objects.create(user=agent, role=Role.BDT)
    session = session_for(agent)
    counts = {
        "structures": len(structures),
        "postes": len(posts),
        "contrats": len(contracts),
        "tranches": len(tranches),
        "versements": Payment.objects.count(),
    }
    return {"stats": stats, "counts": counts, "session": session}


def check(repeat: int) -> dict:
    """The kept totals equal the tranches, the page's totals (the functions its view calls) equal the raw SQL
    aggregate's; then the raw SQL and the page's own data work (the three functions its view calls) are timed in
    turn, on the same connection."""
    from decimal import Decimal

    from django.db import connection

    from cnfs.core.text import euros
    from cnfs.funding import overview
    from cnfs.funding.consistency import totals_match_tranches

    def raw():
        with connection.cursor() as cursor:
            cursor.execute(RAW_SQL)
            return cursor.fetchall()

    def page_data():
        by_number, _ = overview.kept_totals()
        overview.cash_flow()
        return by_number

    rows = raw()
    drift = totals_match_tranches()
    if drift:
        raise SystemExit(f"totaux tenus différents des tranches dans les départements {drift}")
    expected = [
        (n, Decimal(f).quantize(Decimal("0.01")), Decimal(p).quantize(Decimal("0.01"))) for n, f, p in rows
    ]
    got = [
        (
            r["number"],
            Decimal(r["forecast"]).quantize(Decimal("0.01")),
            Decimal(r["paid"]).quantize(Decimal("0.01")),
        )
        for r in page_data()
    ]
    if expected != got:
        raise SystemExit(f"totaux différents : page {got} ≠ SQL {expected}")
    times = {"raw": [], "data": []}
    for _ in range(repeat):
        for name, function in (("raw", raw), ("data", page_data)):
            started = time.perf_counter()
            function()
            times[name].append((time.perf_counter() - started) * 1000)
    forecast = sum(f for _, f, _ in expected)
    paid = sum(p for _, _, p in expected)
    return {
        "p50": statistics.median(times["raw"]),
        "p95": percentile(times["raw"], 0.95),
        "data_p50": statistics.median(times["data"]),
        "data_p95": percentile(times["data"], 0.95),
        "forecast": str(forecast),
        "paid": str(paid),
        # as the page prints them (French number format, cnfs.core.text.euros)
        "forecast_text": euros(forecast),
        "paid_text": euros(paid),
    }


def database_env(kind: str) -> dict:
    return national_env(kind, name="funding")


def run_child(args: list[str], env: dict) -> dict:
    return national_child(args, env, script=__file__)


def measure(kind: str, scale: float, args) -> dict:
    env = database_env(kind)
    reset_database(kind, env)
    built = run_child(["--build", str(scale), "--seed", str(args.seed)], env)
    print(f"  [{kind} ×{scale}] {built['counts']} ; construction {built['stats']}")
    sql = run_child(["--check", str(args.repeat)], env)
    server = Server(env, args.port, 1)
    try:
        status, _, _, body = server.get(PAGE, built["session"])  # warm-up
        if status != 200:
            raise SystemExit(f"{PAGE} : statut {status}")
        text = body.decode()
        if sql["forecast_text"] not in text or sql["paid_text"] not in text:
            raise SystemExit(
                f"la page n'affiche pas les totaux du SQL ({sql['forecast_text']} / {sql['paid_text']})"
            )
        page = timed(server, PAGE, built["session"], args.repeat)
        floor = timed(server, FLOOR, built["session"], args.repeat)
    finally:
        server.stop()
    return {"page": page, "floor": floor, "sql": sql, "counts": built["counts"]}


def timed(server, path, session, repeat) -> dict:
    server.get(path, session)  # warm-up
    times, queries = [], "?"
    for _ in range(repeat):
        status, elapsed, queries, _ = server.get(path, session)
        assert status == 200, (path, status)
        times.append(elapsed)
    return {"p50": statistics.median(times), "p95": percentile(times, 0.95), "queries": queries}


def report(kind, scales, results):
    print(f"\n== {kind} : page nationale du financement (HTTP, gunicorn 1 worker) vs SQL brut ==")
    for scale in scales:
        r = results[scale]
        ratio = r["page"]["p50"] / r["sql"]["p50"] if r["sql"]["p50"] else float("inf")
        flag = "" if ratio <= GOAL else f"  ← au-delà de l'objectif ×{GOAL:g}"
        print(
            f"×{scale:<4} {r['counts']['tranches']:>6} tranches : page p50 {r['page']['p50']:7.1f} ms, "
            f"p95 {r['page']['p95']:7.1f} ms, {r['page']['queries']} requêtes SQL ; SQL brut p50 "
            f"{r['sql']['p50']:6.2f} ms, p95 {r['sql']['p95']:6.2f} ms ; rapport ×{ratio:.1f}{flag} ; "
            f"totaux identiques (prévu {r['sql']['forecast']} €, versé {r['sql']['paid']} €)"
        )
        data = r["sql"]["data_p50"] / r["sql"]["p50"] if r["sql"]["p50"] else float("inf")
        flag = "" if data <= GOAL else f"  ← au-delà de l'objectif ×{GOAL:g}"
        print(
            f"       données de la page (les trois calculs de la vue, même connexion que le SQL brut) : p50 "
            f"{r['sql']['data_p50']:.2f} ms, p95 {r['sql']['data_p95']:.2f} ms ; rapport ×{data:.1f}{flag}"
        )
        own = r["page"]["p50"] - r["floor"]["p50"]
        print(
            f"       page « Mon espace » (socle de toute page) p50 {r['floor']['p50']:.1f} ms : la page du "
            f"financement coûte {own:.1f} ms au-delà, soit ×{own / r['sql']['p50']:.1f} le SQL brut"
        )
    counts = {results[s]["page"]["queries"] for s in scales}
    print(
        f"nombre de requêtes constant : {'oui' if len(counts) == 1 else 'NON'} ({', '.join(sorted(counts))})"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description="Page nationale du financement au volume du programme.")
    parser.add_argument("--scales", default="0.1,1")
    parser.add_argument("--databases", default="postgresql")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--port", type=int, default=8102)
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--build", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--check", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv if argv is not None else (sys.argv[1:] if __name__ == "__main__" else []))
    if args.build is not None:
        django_setup()
        print(json.dumps(build(args.build, args.seed)))
        return 0
    if args.check is not None:
        django_setup()
        print(json.dumps(check(args.check)))
        return 0
    scales = [float(s) for s in args.scales.split(",")]
    for kind in args.databases.split(","):
        results = {scale: measure(kind, scale, args) for scale in scales}
        report(kind, scales, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
