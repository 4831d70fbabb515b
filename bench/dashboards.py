"""The dashboards at the national volume, over HTTP: ANCT's national dashboard and a préfecture's, median and p95,
SQL queries, and the ratio to the "naive" computation of the same activity figures — `cnfs.activity.stats.compute`
over the raw reports of the scope (the GROUP BY over the raw table that the rollups replace).

    # on an existing seeded database (the national seed, 10M reports): nothing is rebuilt
    .venv/bin/python -m bench dashboards --database-url postgres://postgres@127.0.0.1:5432/cnfs_seed
    # without one: the demo on a fresh bench database (PostgreSQL `<DATABASE_URL's name>_bench_dashboards`)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cnfs_dashboards .venv/bin/python -m bench dashboards

Steps, in child processes on the database: `--prepare` applies the missing migrations (additive: the dashboards'
own table), adds (or finds) two bench agents — ANCT, and the préfecture
of the département with the most advisors — with their sessions (second factor passed); checks that the figures the
dashboards read (`cnfs.statistics.activity.figures`, `monthly_by_departement`) equal the naive computation over the
raw reports for both scopes and the measured period (else the bench stops: a fast wrong answer is no answer), and
times the naive computation. Then gunicorn (bench.settings, loopback port) serves `/espace/statistiques/` to both
agents: p50 / p95 over `--repeat` requests. Goals (issue 12): national dashboard p95 ≤ 300 ms and ≥ 50× faster
than naive (the ratio at the national volume, 10M reports)."""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.national import Server, percentile, reset_database  # noqa: E402
from bench.national import database_env as national_env  # noqa: E402
from bench.national import run_child as national_child  # noqa: E402

PAGE = "/espace/statistiques/"
GOAL_P95_MS = 300
GOAL_RATIO = 50
NATIONAL_REPORTS = 10_000_000
AGENTS = {"anct": "bench-anct@bench.fr", "prefecture": "bench-prefecture@bench.fr"}


def django_setup():
    import os

    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()


def build_demo() -> dict:
    """A fresh bench database with the demo (the territories and the demo seed, through the real services)."""
    from django.core.management import call_command

    from bench.national import TERRITORIES

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("import_territories", "--source", str(TERRITORIES), "--fallback", verbosity=0)
    from cnfs.demo import seed

    seed.seed()
    return {"build_s": round(time.perf_counter() - started, 1)}


def _agent(email, role, **scope):
    from cnfs.accounts.models import RoleAssignment, User

    user, _ = User.objects.get_or_create(
        email=email, defaults={"password": "!", "first_name": "Mesure", "last_name": role.label}
    )
    RoleAssignment.objects.filter(user=user).exclude(role=role).delete()
    RoleAssignment.objects.get_or_create(user=user, role=role, defaults=scope)
    RoleAssignment.objects.filter(user=user, role=role).update(**scope)
    return user


def _naive(departements, since, until):
    """The naive computation: the advisor's statistics function over the raw reports of the scope and period."""
    from cnfs.activity import stats
    from cnfs.activity.report_models import ActivityReport

    reports = ActivityReport.objects.filter(date__gte=since, date__lte=until)
    if departements is not None:
        reports = reports.filter(advisor__structure__departement_id__in=list(departements))
    return stats.compute(reports)


def _naive_monthly(departements, since, until) -> list[dict]:
    from django.db.models import Count, DateField, Sum
    from django.db.models.functions import TruncMonth

    from cnfs.activity.report_models import ActivityReport

    path = "advisor__structure__departement_id"
    reports = ActivityReport.objects.filter(date__gte=since, date__lte=until)
    if departements is not None:
        reports = reports.filter(**{f"{path}__in": list(departements)})
    rows = (
        reports.order_by()
        .annotate(month=TruncMonth("date", output_field=DateField()))
        .values(path, "month")
        .annotate(reports=Count("pk"), participants=Sum("participants"))
    )
    answer = []
    for row in rows:
        month = row["month"].date() if hasattr(row["month"], "hour") else row["month"]
        answer.append(
            {
                "departement": row[path],
                "month": month,
                "reports": row["reports"],
                "participants": row["participants"] or 0,
            }
        )
    return sorted(answer, key=lambda r: (r["departement"], r["month"]))


def _figures(result) -> dict:
    return {
        "reports": result.reports,
        "participants": result.participants,
        "new_people": result.new_people,
        "duration_minutes": result.duration_minutes,
        "tables": {table.key: list(table.rows) for table in result.tables},
    }


def prepare(repeat: int) -> dict:
    """The agents and their sessions, the check that the dashboards' figures equal the naive ones, and the naive
    computation's timing (see the module's docstring)."""
    from django.core.management import call_command
    from django.db.models import Count
    from django.utils import timezone

    from bench.sessions import session_for
    from cnfs.accounts.roles import Role
    from cnfs.recruitment.models import Advisor
    from cnfs.statistics import activity
    from cnfs.structures.services import add_months
    from cnfs.territories.models import Departement

    # A seeded database built before the dashboards gets their table (the départements' centres): additive only.
    call_command("migrate", verbosity=0)
    busiest = (
        Advisor.objects.order_by()
        .values("structure__departement_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "structure__departement_id")
        .first()
    )
    if busiest is None:
        raise SystemExit("aucun conseiller dans la base : lancez d'abord le jeu de données")
    code = busiest["structure__departement_id"]
    sessions = {
        "anct": session_for(_agent(AGENTS["anct"], Role.ANCT)),
        "prefecture": session_for(
            _agent(AGENTS["prefecture"], Role.PREFECTURE, departement=Departement.objects.get(code=code))
        ),
    }
    # The dashboards' default period: the last twelve months, this one included.
    today = timezone.localdate()
    since = add_months(today.replace(day=1), -11)
    until = add_months(today.replace(day=1), 1) - timezone.timedelta(days=1)
    checked = {}
    naive_ms = {}
    for who, departements in (("anct", None), ("prefecture", [code])):
        served = _figures(activity.figures(departements=departements, since=since, until=until))
        raw = _figures(_naive(departements, since, until))
        if served != raw:
            raise SystemExit(f"{who} : les chiffres des tableaux de bord diffèrent du calcul naïf")
        if activity.monthly_by_departement(departements, since=since, until=until) != _naive_monthly(
            departements, since, until
        ):
            raise SystemExit(f"{who} : l'activité par département et par mois diffère du calcul naïf")
        checked[who] = served["reports"]
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            _naive(departements, since, until)
            _naive_monthly(departements, since, until)
            times.append((time.perf_counter() - started) * 1000)
        naive_ms[who] = {"p50": statistics.median(times), "p95": percentile(times, 0.95)}
    # The public statistics page keeps its figures in the cache: its cost is this computation, once per period.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cnfs.statistics import public

    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        public.compute()
        times.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as context:
        public.compute()
    public_ms = {"p50": statistics.median(times), "p95": percentile(times, 0.95), "queries": len(context)}
    from cnfs.activity.models import ActivityReport

    return {
        "sessions": sessions,
        "departement": code,
        "all_reports": ActivityReport.objects.count(),
        "reports": checked,
        "naive_ms": naive_ms,
        "public_ms": public_ms,
    }


def environment(args) -> tuple[dict, bool]:
    """The child processes' environment and whether the database is an existing one (not rebuilt)."""
    if args.database_url:
        env = national_env("postgresql", "dashboards")
        env["DATABASE_URL"] = args.database_url
        return env, True
    return national_env(args.database, "dashboards"), False


def timed(server, path, session, repeat) -> dict:
    status, _, _, body = server.get(path, session)  # warm-up
    if status != 200:
        raise SystemExit(f"{path} : statut {status}\n{body[:500]!r}")
    times, queries = [], "?"
    for _ in range(repeat):
        status, elapsed, queries, _ = server.get(path, session)
        assert status == 200, (path, status)
        times.append(elapsed)
    return {"p50": statistics.median(times), "p95": percentile(times, 0.95), "queries": queries}


def main(argv=None):
    parser = argparse.ArgumentParser(description="Tableaux de bord au volume national, par HTTP.")
    parser.add_argument(
        "--database-url",
        help="une base PostgreSQL déjà remplie (le jeu national) : rien n'est reconstruit",
    )
    parser.add_argument("--database", default="postgresql", choices=["postgresql", "sqlite"])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--naive-repeat", type=int, default=3)
    parser.add_argument("--port", type=int, default=8104)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--output", help="fichier JSON des mesures")
    parser.add_argument("--build-demo", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--prepare", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv if argv is not None else (sys.argv[1:] if __name__ == "__main__" else []))
    if args.build_demo:
        django_setup()
        print(json.dumps(build_demo()))
        return 0
    if args.prepare is not None:
        django_setup()
        print(json.dumps(prepare(args.prepare)))
        return 0

    env, existing = environment(args)
    if not existing:
        reset_database(args.database, env)
        built = national_child(["--build-demo"], env, script=__file__)
        print(f"  démonstration construite en {built['build_s']} s")
    prepared = national_child(["--prepare", str(args.naive_repeat)], env, script=__file__)
    print(
        f"  chiffres vérifiés égaux au calcul naïf : {prepared['reports']} comptes rendus sur 12 mois "
        f"(préfecture : département {prepared['departement']})"
    )
    server = Server(env, args.port, args.workers)
    results = {}
    try:
        for who, label, query in (
            ("anct", "ANCT, national, 12 mois", {}),
            ("anct", "ANCT, national, par région", {"level": "region"}),
            ("prefecture", f"préfecture {prepared['departement']}, 12 mois", {}),
        ):
            path = PAGE + (f"?{urlencode(query)}" if query else "")
            results[label] = {"who": who, **timed(server, path, prepared["sessions"][who], args.repeat)}
        public_page = timed(server, "/statistiques/", None, args.repeat)
    finally:
        server.stop()
    print("\n== tableaux de bord : p50 / p95 en ms (requêtes SQL) ; calcul naïf p50 ; rapport naïf / page ==")
    failures = []
    # The ×50 goal is set at the national volume: below it the naive computation is short, and the ratio says
    # little (printed all the same).
    national_volume = prepared["all_reports"] >= NATIONAL_REPORTS
    if not national_volume:
        print(
            f"  {prepared['all_reports']} comptes rendus en base : sous le volume national ({NATIONAL_REPORTS}), "
            f"le rapport ×{GOAL_RATIO} n'est pas un objectif"
        )
    for label, figures in results.items():
        naive = prepared["naive_ms"][figures["who"]]["p50"]
        ratio = naive / figures["p50"] if figures["p50"] else float("inf")
        figures["naive_p50"], figures["ratio"] = naive, ratio
        print(
            f"{label:<40} {figures['p50']:8.1f} / {figures['p95']:8.1f} ({figures['queries']:>3})  "
            f"naïf {naive:9.1f}  ×{ratio:7.1f}"
        )
        if figures["who"] == "anct" and figures["p95"] > GOAL_P95_MS:
            failures.append(f"{label} : p95 {figures['p95']:.0f} ms > {GOAL_P95_MS} ms")
        if figures["who"] == "anct" and ratio < GOAL_RATIO and national_volume:
            failures.append(f"{label} : ×{ratio:.1f} < ×{GOAL_RATIO} face au calcul naïf")
    computed = prepared["public_ms"]
    print(
        f"\n== statistiques publiques : calcul {computed['p50']:.1f} / {computed['p95']:.1f} ms "
        f"({computed['queries']} requêtes), page servie du cache {public_page['p50']:.1f} / "
        f"{public_page['p95']:.1f} ms ({public_page['queries']} requêtes) =="
    )
    results["statistiques publiques"] = {"computation": computed, "page": public_page}
    print("objectifs tenus" if not failures else "objectifs manqués :\n  " + "\n  ".join(failures))
    if args.output:
        Path(args.output).write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
