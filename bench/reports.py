"""Activity reports over HTTP: sustained submission of the report form, and an advisor's statistics page over
5,000 of their reports.

    make bench BENCH=reports
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cnfs_reports .venv/bin/python -m bench reports
    .venv/bin/python -m bench reports --seconds 60 --workers 3 --clients 6 --databases postgresql

A fresh database (PostgreSQL: `<DATABASE_URL's name>_bench_reports`, dropped and created; SQLite:
var/bench/reports.sqlite3) gets `--advisors` advisors hired the real way (tests' factories: structure, post, match,
hire) and one session each. gunicorn (bench.settings, `--workers` sync workers — by default 3 on this machine's 2
cores: a worker waits for the database about a third of each submission, and a third worker keeps both cores busy
meanwhile —, loopback port) then serves:

1. Submission: `--clients` threads, each logged in as one advisor, fetch the form once (CSRF token) and post
   collective-workshop reports for `--seconds` seconds as fast as the server answers. Every answer must be the
   redirect of a saved report (anything else is an error); afterwards the database must hold exactly as many reports
   as redirects were received (0 lost) — each with its journal entry, and added to both monthly rollups. Goal:
   ≥ 200 reports per second.
2. Statistics: one advisor is given 500 then 5,000 reports (bulk-inserted rows that the service's rules accept,
   spread over 18 months); `/activite/mes-statistiques/` is timed (median, p95 over `--repeat` requests) with its
   number of SQL queries (X-Bench-Queries), which must be the same at both sizes.

The load generator runs on the same machine as the server and the database: on a shared 2-core machine the figures
are a floor, not the capacity of a real deployment."""

import argparse
import http.client
import json
import random
import re
import statistics
import sys
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.national import (  # noqa: E402
    Server,
    percentile,
    reset_database,
)
from bench.national import database_env as national_env  # noqa: E402
from bench.national import run_child as national_child  # noqa: E402

GOAL_PER_SECOND = 200
FORM = "/activite/comptes-rendus/nouveau/"
STATS = "/activite/mes-statistiques/"
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
REPORT = {
    "kind": "collective",
    "participants": "9",
    "title": "Atelier messagerie",
    "level": "beginner",
    "place_kind": "remote",
    "duration": "90",
    "themes": ["email", "security"],
    "equipment": ["tablet"],
    "already_accompanied": "2",
    "age_over_60": "6",
    "age_35_60": "3",
    "gender_female": "5",
    "gender_male": "4",
    "situation_retired": "6",
    "redirected_to": "",
    "notes": "",
}


def django_setup():
    import os

    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()


def build(advisors: int) -> dict:
    from django.core.management import call_command

    from bench.sessions import session_for
    from tests.activity.factories import hired_advisor

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    hired = [hired_advisor() for _ in range(advisors)]
    return {
        "build_s": round(time.perf_counter() - started, 1),
        "sessions": [session_for(a.candidate.user) for a in hired],
        "advisors": [a.pk for a in hired],
    }


def fill(advisor_id: int, total: int, seed: int) -> dict:
    """`advisor_id` ends up with `total` reports (rows the service's rules accept, bulk-inserted), and as many
    reports by the other advisors."""
    from django.db import connection
    from django.utils import timezone

    from cnfs.activity import reports
    from cnfs.activity.report_models import ActivityReport
    from cnfs.recruitment.models import Advisor

    rng = random.Random(seed)
    advisor = Advisor.objects.get(pk=advisor_id)
    today = timezone.localdate()
    rows = []
    for owner in [advisor, *Advisor.objects.exclude(pk=advisor_id)[:1]]:
        missing = total - ActivityReport.objects.by(owner).count()
        for _ in range(max(0, missing)):
            kind = rng.choice(["individual", "individual", "collective", "information"])
            participants = 1 if kind == "individual" else rng.randint(2, 12)
            values = reports.normalize(
                {
                    "date": today - timedelta(days=rng.randint(0, 540)),
                    "kind": kind,
                    "title": "Atelier" if kind == "collective" else "",
                    "level": "",
                    "place_kind": "remote",
                    "place": None,
                    "commune": None,
                    "duration_minutes": rng.choice([15, 30, 45, 60, 90, 120, 150]),
                    "themes": rng.sample(["email", "procedures", "smartphone", "security", "leisure"], 2),
                    "sub_themes": [rng.choice(["housing", "money"])] if rng.random() < 0.3 else [],
                    "participants": participants,
                    "already_accompanied": rng.randint(0, participants),
                    "age_over_60": participants // 2,
                    "gender_female": participants // 2,
                    "situation_retired": participants // 3,
                    "autonomy": "partly" if kind == "individual" else "",
                    "redirected_to": rng.choice(["", "", "", "caf"]),
                }
            )
            reports.check(owner, values)
            rows.append(ActivityReport(advisor=owner, **values))
    ActivityReport.objects.bulk_create(rows, batch_size=2000)
    from cnfs.activity import rollups

    rollups.rebuild()  # a bulk load bypasses the services: the statistics read the monthly rollups
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {"reports": ActivityReport.objects.by(advisor).count()}


def count() -> dict:
    from django.db.models import Sum

    from cnfs.activity.report_models import ActivityReport
    from cnfs.activity.rollup_models import ActivityRollup, DepartementRollup
    from cnfs.journal.models import JournalEntry

    return {
        "reports": ActivityReport.objects.count(),
        "journal": JournalEntry.objects.filter(action="activity_report.created").count(),
        # what the rollups say: each concurrent submission added its report to both
        "rolled": ActivityRollup.objects.aggregate(n=Sum("reports", default=0))["n"],
        "rolled_departements": DepartementRollup.objects.aggregate(n=Sum("reports", default=0))["n"],
    }


# ---------------------------------------------------------------------------------------------------------------------
# Load generator (parent process)


def request(port, method, path, session, *, body=None, csrf=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        cookies = [f"sessionid={session}"] + ([f"csrftoken={csrf[0]}"] if csrf else [])
        headers = {"Cookie": "; ".join(cookies)}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{port}{path}"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.getheader("Set-Cookie") or "", response.read()
    finally:
        connection.close()


def csrf_for(port, session):
    status, set_cookie, body = request(port, "GET", FORM, session)
    if status != 200:
        raise SystemExit(f"{FORM} : statut {status}")
    cookie = re.search(r"csrftoken=([^;]+)", set_cookie)
    return cookie.group(1), TOKEN.search(body).group(1).decode()


def submit(port, sessions, clients, seconds) -> dict:
    from datetime import date

    tokens = [csrf_for(port, s) for s in sessions]
    results = {"ok": 0, "errors": 0, "statuses": {}, "latencies": []}
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def worker(index):
        session = sessions[index % len(sessions)]
        cookie, token = tokens[index % len(sessions)]
        data = {**REPORT, "date": date.today().isoformat(), "csrfmiddlewaretoken": token}
        while time.monotonic() < stop_at:
            # each post is a new form (its own submission key: the same key twice saves one report)
            body = urlencode({**data, "submission_key": str(uuid.uuid4())}, doseq=True)
            started = time.perf_counter()
            try:
                status, _, _ = request(port, "POST", FORM, session, body=body, csrf=(cookie, token))
            except OSError as error:
                status = type(error).__name__
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                results["latencies"].append(elapsed)
                if status == 302:
                    results["ok"] += 1
                else:
                    results["errors"] += 1
                    results["statuses"][str(status)] = results["statuses"].get(str(status), 0) + 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results["elapsed"] = time.perf_counter() - started
    return results


def timed(port, path, session, repeat) -> dict:
    times, queries = [], "?"
    connection_status, _, _ = request(port, "GET", path, session)  # warm-up
    assert connection_status == 200, connection_status
    for _ in range(repeat):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        started = time.perf_counter()
        connection.request("GET", path, headers={"Cookie": f"sessionid={session}"})
        response = connection.getresponse()
        response.read()
        times.append((time.perf_counter() - started) * 1000)
        queries = response.getheader("X-Bench-Queries", "?")
        connection.close()
        assert response.status == 200, response.status
    return {"p50": statistics.median(times), "p95": percentile(times, 0.95), "queries": queries}


def database_env(kind: str) -> dict:
    return national_env(kind, name="reports")


def run_child(args: list[str], env: dict) -> dict:
    return national_child(args, env, script=__file__)


def measure(kind: str, args):
    env = database_env(kind)
    reset_database(kind, env)
    built = run_child(["--build", str(args.advisors)], env)
    print(f"  [{kind}] {args.advisors} conseillers recrutés en {built['build_s']} s")
    server = Server(env, args.port, args.workers)
    try:
        if args.only != "stats":
            submission(env, built, args)
        if args.only != "submit":
            statistics_page(env, built, args)
    finally:
        server.stop()


def submission(env, built, args):
    before = run_child(["--count"], env)
    result = submit(args.port, built["sessions"], args.clients, args.seconds)
    after = run_child(["--count"], env)
    saved = after["reports"] - before["reports"]
    journal = after["journal"] - before["journal"]
    lost = result["ok"] - saved
    rate = result["ok"] / result["elapsed"]
    lat = result["latencies"]
    flag = "" if rate >= GOAL_PER_SECOND else f"  ← sous l'objectif de {GOAL_PER_SECOND}/s"
    print(
        f"\n== saisie de comptes rendus (HTTP POST, gunicorn {args.workers} workers, "
        f"{args.clients} clients, {args.seconds} s) =="
    )
    print(
        f"{result['ok']} enregistrés en {result['elapsed']:.1f} s : {rate:.1f} comptes rendus/s{flag} ; "
        f"erreurs {result['errors']} {result['statuses'] or ''}; perdus {lost} "
        f"(en base {saved}, journal {journal}) ; latence p50 {statistics.median(lat):.0f} ms, "
        f"p95 {percentile(lat, 0.95):.0f} ms"
    )
    rolled = after["rolled"] - before["rolled"], after["rolled_departements"] - before["rolled_departements"]
    verdict = "exacts" if rolled == (saved, saved) else "FAUX"
    print(f"cumuls mensuels : +{rolled[0]} (conseillers), +{rolled[1]} (départements) : {verdict}")


def statistics_page(env, built, args):
    print(f"\n== page « Mes statistiques » (HTTP GET, {args.repeat} requêtes) ==")
    queries = set()
    for total in (500, 5000):
        run_child(["--fill", str(built["advisors"][0]), str(total)], env)
        page = timed(args.port, STATS, built["sessions"][0], args.repeat)
        queries.add(page["queries"])
        print(
            f"{total:>5} comptes rendus : p50 {page['p50']:.1f} ms, p95 {page['p95']:.1f} ms, "
            f"{page['queries']} requêtes SQL"
        )
    print(f"nombre de requêtes constant : {'oui' if len(queries) == 1 else 'NON'}")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="bench reports", description=__doc__.splitlines()[0])
    parser.add_argument("--build", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--fill", nargs=2, type=int, help=argparse.SUPPRESS)
    parser.add_argument("--count", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--advisors", type=int, default=16)
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--port", type=int, default=8735)
    parser.add_argument("--databases", default="postgresql")
    parser.add_argument("--only", choices=["submit", "stats"], help="one of the two measures")
    args = parser.parse_args(argv)
    if args.build is not None or args.fill or args.count:
        django_setup()
        if args.build is not None:
            out = build(args.build)
        elif args.fill:
            out = fill(args.fill[0], args.fill[1], seed=args.fill[1])
        else:
            out = count()
        print(json.dumps(out))
        return 0
    for kind in args.databases.split(","):
        measure(kind, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
