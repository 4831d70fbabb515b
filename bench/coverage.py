"""Territorial coverage at national volume: the distance from every commune to its nearest visible place.

    .venv/bin/python -m bench coverage [--places 6000] [--sample 1000] [--repeat 3]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cnfs_coverage .venv/bin/python bench/coverage.py --database

The communes are the reference data (shared/data/territories/communes.csv: 35,014 communes and municipal
arrondissements, those with coordinates); the places are drawn in communes at random weighted by population (so the
cities get many, some overseas), each moved up to ~3 km from the commune centre. Before any timing, the grid search
(cnfs/coverage/nearest.py) is checked against a brute-force scan over every place for a random sample of communes
(same place or same distance, to the metre). Then it prints the median over --repeat runs of: building the index,
the nearest place of every commune (goal: both ≤ 5 s), and the brute-force time extrapolated to every commune.

With --database, also the whole `services.rebuild()` on a throw-away database (SQLite in memory by default;
PostgreSQL with DATABASE_URL, database `<name>_bench_coverage`): territories imported, places written in bulk, every
commune's row computed and written in one transaction — what `manage.py compute_coverage` does.
"""

import argparse
import csv
import os
import random
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
SOURCE = Path(os.environ.get("TERRITORIES") or BASE_DIR / ".." / "shared" / "data" / "territories").resolve()


def load_communes() -> list[tuple[str, float, float, int]]:
    with (SOURCE / "communes.csv").open(encoding="utf-8") as file:
        return [
            (row["insee_code"], float(row["latitude"]), float(row["longitude"]), int(row["population"] or 0))
            for row in csv.DictReader(file)
            if row["latitude"] and row["longitude"]
        ]


def spread_places(communes, count, rng) -> list[tuple[int, float, float]]:
    """`count` places in communes drawn by population, each up to ~0.03° from the centre."""
    chosen = rng.choices(communes, weights=[max(c[3], 1) for c in communes], k=count)
    return [
        (pk, lat + rng.uniform(-0.03, 0.03), lon + rng.uniform(-0.03, 0.03))
        for pk, (_, lat, lon, _) in enumerate(chosen, start=1)
    ]


def check_against_brute_force(index, communes, sample, rng) -> int:
    for _, lat, lon, _ in rng.sample(communes, min(sample, len(communes))):
        got, expected = index.nearest(lat, lon), index.brute_force(lat, lon)
        assert got[0] == expected[0] or abs(got[1] - expected[1]) < 1e-6, (lat, lon, got, expected)
        assert abs(got[1] - expected[1]) < 1e-6, (lat, lon, got, expected)
    return min(sample, len(communes))


def timed(function):
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def database_rebuild(places_count: int, seed: int) -> dict:
    """The rebuild on a throw-away database (test settings), with the reference communes and bulk-written places."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    if connection.vendor == "postgresql":  # never the test suite's database
        connection.settings_dict["TEST"]["NAME"] = f"{connection.settings_dict['NAME']}_bench_coverage"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        return _rebuild_in(places_count, seed)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def _rebuild_in(places_count: int, seed: int) -> dict:
    from django.db import connection

    from cnfs.activity.models import Place
    from cnfs.coverage import services
    from cnfs.coverage.models import CommuneCoverage
    from cnfs.territories import importer, sources
    from cnfs.territories.models import Commune
    from tests.activity.factories import hired_advisor

    importer.sync(sources.read_source(str(SOURCE)))
    advisor = hired_advisor()  # one advisor in post, through the real hire, holds every place
    rng = random.Random(seed)
    communes = list(
        Commune.objects.filter(latitude__isnull=False).values_list(
            "pk", "latitude", "longitude", "population"
        )
    )
    chosen = rng.choices(communes, weights=[max(c[3], 1) for c in communes], k=places_count)
    places = Place.objects.bulk_create(
        [
            Place(
                name=f"Lieu {n}",
                address=f"{n} rue de la Mairie",
                commune_id=insee,
                postal_code="01000",
                latitude=lat + rng.uniform(-0.03, 0.03),
                longitude=lon + rng.uniform(-0.03, 0.03),
                services=["Prendre en main un ordinateur"],
                visible=True,
                structure_id=advisor.structure_id,
                created_by_id=advisor.candidate.user_id,
            )
            for n, (insee, lat, lon, _) in enumerate(chosen, start=1)
        ],
        batch_size=2000,
    )
    Place.advisors.through.objects.bulk_create(
        [Place.advisors.through(place_id=place.pk, advisor_id=advisor.pk) for place in places],
        batch_size=2000,
    )
    seconds, rows = timed(services.rebuild)
    check_seconds, wrong = timed(services.differences)
    assert not wrong, wrong[:10]
    # The place nearest to the most communes hidden (a plain UPDATE: no task), then its update alone, then shown again.
    from django.db.models import Count

    hidden_pk = (
        CommuneCoverage.objects.values("nearest_place")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("nearest_place", flat=True)
        .first()
    )
    hidden = Place.objects.get(pk=hidden_pk)
    Place.objects.filter(pk=hidden.pk).update(visible=False)
    hide_s, hide_changed = timed(lambda: services.refresh([hidden.pk]))
    Place.objects.filter(pk=hidden.pk).update(visible=True)
    show_s, show_changed = timed(lambda: services.refresh([hidden.pk]))
    assert not services.differences()
    return {
        "database": connection.vendor,
        "rows": rows,
        "rebuild_s": seconds,
        "check_s": check_seconds,
        "hide_s": hide_s,
        "show_s": show_s,
        "hide_changed": hide_changed,
        "show_changed": show_changed,
        "white_zone": CommuneCoverage.objects.white_zone().count(),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--places", type=int, default=6000)
    parser.add_argument("--sample", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument(
        "--database", action="store_true", help="also the whole rebuild on a throw-away database"
    )
    args = parser.parse_args(argv)

    from cnfs.coverage.nearest import GridIndex

    rng = random.Random(args.seed)
    communes = load_communes()
    places = spread_places(communes, args.places, rng)
    index = GridIndex(places)
    checked = check_against_brute_force(index, communes, args.sample, rng)
    print(
        f"{len(communes)} communes, {len(places)} lieux ; grille = force brute sur {checked} communes tirées au sort"
    )

    builds, searches = [], []
    for _ in range(args.repeat):
        build_s, index = timed(lambda: GridIndex(places))
        search_s, _ = timed(lambda index=index: [index.nearest(lat, lon) for _, lat, lon, _ in communes])
        builds.append(build_s)
        searches.append(search_s)
    sample = communes[:: max(1, len(communes) // 300)]
    brute_s, _ = timed(lambda: [index.brute_force(lat, lon) for _, lat, lon, _ in sample])
    brute_total = brute_s / len(sample) * len(communes)
    total = statistics.median(builds) + statistics.median(searches)
    print(f"index : {statistics.median(builds) * 1000:.0f} ms (médiane de {args.repeat})")
    print(
        f"plus proche lieu de chaque commune : {statistics.median(searches):.2f} s (médiane de {args.repeat})"
    )
    print(
        f"calcul national : {total:.2f} s (objectif ≤ 5 s) ; force brute extrapolée : {brute_total:.0f} s, ×{brute_total / total:.0f}"
    )
    white = sum(1 for _, lat, lon, _ in communes if index.nearest(lat, lon)[1] > 20)
    print(f"communes à plus de 20 km de tout lieu : {white}")
    if args.database:
        result = database_rebuild(args.places, args.seed)
        print(
            f"rebuild ({result['database']}) : {result['rows']} communes en {result['rebuild_s']:.2f} s "
            f"(objectif ≤ 5 s) ; vérification (règle de cohérence) {result['check_s']:.2f} s ; "
            f"{result['white_zone']} communes en zone blanche"
        )
        print(
            f"mise à jour après un lieu masqué : {result['hide_s'] * 1000:.0f} ms ({result['hide_changed']} communes), "
            f"affiché à nouveau : {result['show_s'] * 1000:.0f} ms ({result['show_changed']} communes)"
        )
    return 0 if total <= 5 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
