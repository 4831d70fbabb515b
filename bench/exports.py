"""A national background export: time and peak memory of `cnfs.exports.services.build` (the task a worker runs),
XLSX and CSV, for the posts and the structures lists, at the programme's volume and beyond.

    make bench BENCH=exports
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cnfs_exports .venv/bin/python -m bench exports
    .venv/bin/python -m bench exports --posts 4000,100000 --databases postgresql,sqlite

For each volume a fresh database is built (PostgreSQL: `<DATABASE_URL's name>_bench_exports`, dropped and created;
SQLite: var/bench/exports.sqlite3): the territories, 3,271 activated structures with their numbered positive decisions
(bench/national.py's rows) and `--posts` posts spread over them (4,000 is the national volume; a larger number shows
whether memory stays flat as the rows grow). Then, in a fresh child process per export, an ANCT agent's export is
requested through the service and built in-process, once timed (and the process's peak resident memory read from
`resource.getrusage` before and after), once under `tracemalloc` (the peak of Python allocations during the build).
The file is checked: as many rows as the database holds."""

import argparse
import json
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.national import (  # noqa: E402
    TERRITORIES,
    activation_rows,
    reset_database,
    structure_row,
)
from bench.national import database_env as national_env  # noqa: E402
from bench.national import run_child as national_child  # noqa: E402

STRUCTURES = 3271
EXPORTS = [("posts", "xlsx"), ("posts", "csv"), ("structures", "xlsx")]


def django_setup():
    import os

    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()


def build(posts: int, seed: int) -> dict:
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from cnfs.accounts.models import RoleAssignment, User
    from cnfs.accounts.roles import Role
    from cnfs.concertation.models import CommitteeDecision, StructureApplication
    from cnfs.structures.models import Post, PostStatus, Structure
    from cnfs.structures.services import add_months
    from cnfs.territories.models import Commune

    rng = random.Random(seed)
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("import_territories", "--source", str(TERRITORIES), "--fallback", verbosity=0)
    communes = list(Commune.objects.filter(latitude__isnull=False, population__gt=0).order_by("insee_code"))
    weights = [c.population for c in communes]
    today, now, batch = timezone.localdate(), timezone.now(), 5000
    agent = User.objects.create(email="anct@bench.fr", password="!", first_name="Agent", last_name="ANCT")
    RoleAssignment.objects.create(user=agent, role=Role.ANCT)
    places = rng.choices(communes, weights=weights, k=STRUCTURES)
    structures = Structure.objects.bulk_create(
        [structure_row(n, c, today=today, now=now, rng=rng) for n, c in enumerate(places)], batch_size=batch
    )
    posts_of = [1] * STRUCTURES
    for _ in range(posts - STRUCTURES):
        posts_of[rng.randrange(STRUCTURES)] += 1
    committee_date = today - timedelta(days=200)
    pairs = [
        activation_rows(s, c, p, number=n + 1, committee_date=committee_date, now=now, agent=agent, rng=rng)
        for n, (s, c, p) in enumerate(zip(structures, places, posts_of, strict=True))
    ]
    for (
        application,
        _,
    ) in pairs:  # beyond the national volume a structure holds more posts than it may ask for
        application.advisors_wanted = min(application.advisors_wanted, 30)
    applications = StructureApplication.objects.bulk_create([a for a, _ in pairs], batch_size=batch)
    for application, (_, decision) in zip(applications, pairs, strict=True):
        decision.application = application
    decisions = CommitteeDecision.objects.bulk_create([d for _, d in pairs], batch_size=batch)
    statuses = [PostStatus.FREE, PostStatus.OCCUPIED, PostStatus.OCCUPIED, PostStatus.HIRE_REQUESTED]

    def post_rows():
        for structure, decision in zip(structures, decisions, strict=True):
            for _ in range(decision.posts):
                yield Post(
                    structure=structure,
                    granted_by=decision,
                    committee_date=committee_date,
                    deadline=add_months(committee_date, 4),
                    status=rng.choice(statuses),
                    status_changed_at=now,
                )

    rows, created = post_rows(), 0
    while chunk := [row for _, row in zip(range(batch), rows, strict=False)]:
        Post.objects.bulk_create(chunk)
        created += len(chunk)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {
        "structures": len(structures),
        "posts": created,
        "build_s": round(time.perf_counter() - started, 1),
    }


def export_once(kind: str, fmt: str) -> dict:
    """One export built in this process: timed with the peak resident memory, then again under tracemalloc."""
    import resource
    import tracemalloc

    from django.test import override_settings
    from openpyxl import load_workbook

    from cnfs.accounts.models import RoleAssignment
    from cnfs.exports import registry, services
    from cnfs.exports.models import BackgroundExport
    from cnfs.exports.scope import AssignmentContext

    assignment = RoleAssignment.objects.select_related("user").get(user__email="anct@bench.fr")
    expected = registry.KINDS[kind].count(AssignmentContext(assignment), {})

    def run():
        # the request queues the task on a backend that keeps it; the build is this process's, as a worker's
        with override_settings(TASKS={"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}):
            export, _ = services.request_export(kind, fmt, {}, user=assignment.user, assignment=assignment)
        outcome = services.build(export.pk)
        export = BackgroundExport.objects.get(pk=export.pk)
        if outcome != "done":
            raise SystemExit(f"{kind} {fmt} : {outcome} {export.error}")
        return export

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    export = run()
    seconds = time.perf_counter() - started
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if export.rows_done != expected:
        raise SystemExit(f"{kind} {fmt} : {export.rows_done} lignes écrites, {expected} attendues")
    path = services.file_path(export)
    if fmt == "xlsx":
        sheet = load_workbook(path, read_only=True).worksheets[0]
        lines = sum(1 for _ in sheet.iter_rows(values_only=True))
    else:
        with open(path, encoding="utf-8-sig") as file:
            lines = sum(1 for _ in file)
    if lines != expected + 1:
        raise SystemExit(f"{kind} {fmt} : le fichier a {lines} lignes, {expected + 1} attendues")
    size = export.size
    path.unlink()
    tracemalloc.start()
    again = run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    services.file_path(again).unlink()
    return {
        "rows": expected,
        "seconds": seconds,
        "size": size,
        "rss_before_mb": rss_before / 1024,
        "rss_after_mb": rss_after / 1024,
        "python_peak_mb": peak / (1024 * 1024),
    }


def database_env(kind: str) -> dict:
    return national_env(kind, name="exports")


def run_child(args: list[str], env: dict) -> dict:
    return national_child(args, env, script=__file__)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Export national en arrière-plan : durée et mémoire.")
    parser.add_argument("--posts", default="4000,100000", help="nombres de postes, séparés par des virgules")
    parser.add_argument("--databases", default="postgresql")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--build", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--export", help=argparse.SUPPRESS)
    args = parser.parse_args(argv if argv is not None else (sys.argv[1:] if __name__ == "__main__" else []))
    if args.build is not None:
        django_setup()
        print(json.dumps(build(args.build, args.seed)))
        return 0
    if args.export:
        django_setup()
        print(json.dumps(export_once(*args.export.split(":"))))
        return 0
    volumes = [int(n) for n in args.posts.split(",")]
    for database in args.databases.split(","):
        print(
            f"\n== {database} : export en arrière-plan (services.build, dans un processus neuf par export) =="
        )
        for volume in volumes:
            env = database_env(database)
            reset_database(database, env)
            built = run_child(["--build", str(volume), "--seed", str(args.seed)], env)
            print(
                f"  {built['structures']} structures, {built['posts']} postes (construits en {built['build_s']} s)"
            )
            for kind, fmt in EXPORTS:
                r = run_child(["--export", f"{kind}:{fmt}"], env)
                print(
                    f"    {kind:<10} {fmt:<4} {r['rows']:>7} lignes : {r['seconds']:6.2f} s "
                    f"({r['rows'] / r['seconds']:,.0f} lignes/s), fichier {r['size'] / 1024:,.0f} Kio ; "
                    f"mémoire résidente max {r['rss_before_mb']:.0f} → {r['rss_after_mb']:.0f} Mio ; "
                    f"pic des allocations Python {r['python_peak_mb']:.1f} Mio"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
