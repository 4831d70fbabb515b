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
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SQLITE_FILE = BASE_DIR / "var" / "bench" / "national.sqlite3"
TERRITORIES = Path(
    os.environ.get("TERRITORIES") or BASE_DIR / ".." / "shared" / "data" / "territories"
).resolve()

sys.path.insert(0, str(BASE_DIR))

# The dataset's rows are built by the application (manage.py seed_national builds the same, with activity on top).
from cnfs.demo.national import (  # noqa: E402
    APPLICATIONS,
    CANDIDATES,
    HIRES,
    STRUCTURES,
    activation_rows,
    structure_row,
)

__all__ = ["APPLICATIONS", "CANDIDATES", "HIRES", "STRUCTURES", "activation_rows", "structure_row"]

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


def build(scale: float, seed: int) -> dict:
    """The national dataset (cnfs/demo/national.py's `programme`, without the activity reports) on a fresh bench
    database, then the sessions the measured pages use."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count

    from bench.sessions import session_for as logged_in
    from cnfs.accounts.models import RoleAssignment, User
    from cnfs.accounts.roles import Role
    from cnfs.concertation.models import StructureApplication
    from cnfs.demo import national

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("import_territories", "--source", str(TERRITORIES), "--fallback", verbosity=0)
    stats = {"migrate_import_s": round(time.perf_counter() - started, 1)}
    started = time.perf_counter()
    made = national.programme(scale, seed)
    structures, big, median, agent = made["structures"], made["big"], made["median"], made["agent"]
    stats.update(made["stats"])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    stats["build_s"] = round(time.perf_counter() - started, 1)
    # The dataset tells one story: the rules of `manage.py check_consistency` hold on it.
    try:
        national.check()
    except national.Inconsistent as error:
        raise SystemExit(str(error)) from None

    # Sessions: a structure user for each chosen structure, one ANCT agent, one préfecture agent.
    def session_for(user):
        RoleAssignment.objects.get(user=user)  # exactly one role: no role choice page
        return logged_in(user)

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
    return {"stats": stats, "counts": made["counts"], "sessions": sessions, "prefecture_departement": busiest}


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
