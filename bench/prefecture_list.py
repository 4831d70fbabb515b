"""Préfecture list of a département with 500 applications: time to render (and to export).

    .venv/bin/python bench/prefecture_list.py [--rows 500] [--repeat 20]

Runs against a throw-away test database (SQLite in memory by default, PostgreSQL with DATABASE_URL), with the test
settings; prints the median and worst times and the number of SQL queries per page.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description="Mesure de la liste préfecture.")
    parser.add_argument("--rows", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=20)
    # Run as `python -m bench prefecture_list`, this module is imported and sys.argv holds the benchmark names.
    args = parser.parse_args(argv if argv is not None else (sys.argv[1:] if __name__ == "__main__" else []))
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        run(args.rows, args.repeat)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run(rows, repeat):
    from bench.second_factor import mark_passed
    from cnfs.accounts.roles import Role
    from tests.factories import PrefectOpinionFactory, StructureApplicationFactory, UserFactory, WaveFactory

    wave = WaveFactory()
    agent = UserFactory(role=Role.PREFECTURE)
    for n in range(rows):
        if n % 2:
            PrefectOpinionFactory(application__wave=wave, by=agent)
        else:
            StructureApplicationFactory(submitted=True, wave=wave, zrr=n % 3 == 0)
    client = Client()
    client.force_login(agent)
    session = client.session
    mark_passed(session, agent)
    session.save()
    for label, url, params in [
        ("liste, page 1", reverse("concertation:list"), {}),
        ("liste, dernière page", reverse("concertation:list"), {"page": rows // 50}),
        (
            "liste filtrée (ZRR, avis), tri par nom",
            reverse("concertation:list"),
            {"policy": "zrr", "sort": "name"},
        ),
        ("export CSV", reverse("concertation:export", args=["csv"]), {}),
        ("export XLSX", reverse("concertation:export", args=["xlsx"]), {}),
    ]:
        client.get(url, params)
        timings = []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(url, params)
                timings.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
        print(
            f"{label:42} {rows} candidatures : médiane {statistics.median(timings):6.1f} ms, "
            f"max {max(timings):6.1f} ms, {len(queries)} requêtes SQL"
        )


if __name__ == "__main__":
    main()
