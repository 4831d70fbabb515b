"""Benchmark of the territory import and of the distance query.

    .venv/bin/python -m bench.territories [--source DIR] [--runs 50]     (or: python -m bench territories)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cnfs_terr .venv/bin/python -m bench.territories

Imports the full reference data twice (first run, then the idempotent second run) into a fresh SQLite file
under /tmp and, when DATABASE_URL points to PostgreSQL, into a throwaway database `<name>_bench_territories`
created next to it (and dropped at the end); then times within_km(Rennes, 20 km) against the raw
bounding-box SQL (median of N runs).
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = (BASE_DIR / ".." / "shared" / "data" / "territories").resolve()


def _median_ms(func, runs):
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def _bench_database(alias, source, runs):
    from django.core.management import call_command
    from django.db import connections

    from cnfs.territories import importer, sources
    from cnfs.territories.geo import bounding_box, within_km
    from cnfs.territories.models import Commune

    call_command("migrate", "territories", database=alias, verbosity=0)  # only the tables measured here
    vendor = connections[alias].vendor
    print(f"\n== {vendor} ({alias}) ==")
    for label in ("premier import", "second import (idempotent)"):
        started = time.perf_counter()
        dataset = sources.read_source(source)
        parsed = time.perf_counter() - started
        report = importer.sync(dataset, using=alias)
        total = time.perf_counter() - started
        print(
            f"{label} : {total:.2f} s (lecture et validation {parsed:.2f} s, écriture {report.seconds:.2f} s)"
        )
        for line in report.lines():
            print(f"    {line}")

    rennes = Commune.objects.using(alias).get(pk="35238")
    lat, lon = rennes.latitude, rennes.longitude
    communes = Commune.objects.using(alias).all()
    found = list(within_km(communes, lat, lon, 20).values_list("pk", "distance_km"))
    min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, 20)
    sql = (
        "SELECT insee_code, latitude, longitude FROM territories_commune "
        "WHERE latitude BETWEEN %s AND %s AND longitude BETWEEN %s AND %s"
    )

    def raw_box():
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, [min_lat, max_lat, min_lon, max_lon])
            return cursor.fetchall()

    in_box = len(raw_box())
    orm_ms = _median_ms(
        lambda: list(within_km(communes, lat, lon, 20).values_list("pk", "distance_km")), runs
    )
    box_ms = _median_ms(raw_box, runs)
    search_ms = _median_ms(lambda: list(Commune.objects.using(alias).search("saint")), runs)
    print(f"within_km(Rennes, 20 km) : {len(found)} communes, médiane {orm_ms:.2f} ms sur {runs} exécutions")
    print(f"boîte englobante en SQL brut : {in_box} lignes, médiane {box_ms:.2f} ms")
    print(f"rapport within_km / boîte brute : ×{orm_ms / box_ms:.1f}")
    plan = within_km(communes, lat, lon, 20).explain()
    print(f"plan : {'index commune_lat_lon utilisé' if 'commune_lat_lon' in plan else plan}")
    print(f"recherche « saint » (20 résultats) : médiane {search_ms:.2f} ms")


def _create_pg_database(url):
    import dj_database_url
    import psycopg
    from psycopg import sql

    config = dj_database_url.parse(url)
    name = f"{config['NAME']}_bench_territories"
    admin = {k: v for k, v in (("host", config["HOST"]), ("port", config["PORT"]), ("user", config["USER"]),
                               ("password", config["PASSWORD"])) if v}  # fmt: skip
    with psycopg.connect(dbname="postgres", autocommit=True, **admin) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    config["NAME"] = name
    return config, admin


def _drop_pg_database(name, admin):
    import psycopg
    from psycopg import sql

    with psycopg.connect(dbname="postgres", autocommit=True, **admin) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))


SQLITE_OPTIONS = {  # as in config/settings/base.py
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
}


def _add_database(alias, config):
    """Register a database alias, even when Django is already set up (run from `python -m bench`)."""
    from django.conf import settings
    from django.db import connections

    settings.DATABASES[alias] = config
    if "settings" in connections.__dict__:  # the connection settings were already computed
        connections.settings[alias] = connections.configure_settings({"default": config})["default"]


def main(argv=None):
    parser = argparse.ArgumentParser(description="Mesure de l'import des territoires et de within_km.")
    parser.add_argument("--source", default=str(DEFAULT_SOURCE), help="dossier des CSV de référence")
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args(argv if argv is not None else [])
    if not Path(args.source).exists():
        print(f"Données de référence introuvables : {args.source}", file=sys.stderr)
        return 1

    pg_url = os.environ.get("DATABASE_URL", "")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    workdir = tempfile.mkdtemp(prefix="cnfs-bench-territories-", dir="/tmp")
    sqlite = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(Path(workdir) / "bench.sqlite3")}
    _add_database("bench_territories_sqlite", {**sqlite, "OPTIONS": SQLITE_OPTIONS})
    aliases = ["bench_territories_sqlite"]
    pg = None
    if pg_url.startswith(("postgres://", "postgresql://")):
        pg = _create_pg_database(pg_url)
        _add_database("bench_territories_pg", pg[0])
        aliases.append("bench_territories_pg")

    print(f"Source : {args.source}")
    try:
        for alias in aliases:
            _bench_database(alias, args.source, args.runs)
    finally:
        from django.db import connections

        for alias in aliases:
            connections[alias].close()
        if pg:
            _drop_pg_database(pg[0]["NAME"], pg[1])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
