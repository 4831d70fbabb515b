"""Demo activity reports: about three months of accompaniments for each demo advisor in post, written through
`cnfs.activity.reports` by the advisor themselves (so the journal is real). Mostly individual support at their
places, some workshops and one-off information, a few at home or remote; realistic themes, durations and
breakdowns (each at most the total). The last advisor stopped reporting 35 days ago, so the daily reminder task has
someone to remind. Deterministic (seeded by the advisor's id); idempotent: nothing is done once a report exists."""

import datetime
import random

from django.utils import timezone

from cnfs.activity import reports
from cnfs.activity.models import ActivityReport, Place
from cnfs.activity.report_models import AGE_BANDS, GENDERS, SITUATIONS, PlaceKind, ReportKind
from cnfs.recruitment.models import Advisor, AdvisorStatus

DAYS = 92
IDLE_DAYS = 35
THEMES = [
    "email",
    "smartphone",
    "procedures",
    "internet",
    "equipment",
    "security",
    "job",
    "health",
    "content",
]
WEIGHTS = [6, 6, 8, 4, 3, 3, 2, 2, 2]
WORKSHOPS = [
    ("Créer et utiliser son adresse électronique", ["email"]),
    ("Reconnaître les arnaques en ligne", ["security"]),
    ("Prendre en main sa tablette", ["equipment", "smartphone"]),
    ("Faire ses démarches sur service-public.fr", ["procedures"]),
]


def _split(rng, total, bands, *, share=1.0):
    """`total` people spread over `bands` (field names), leaving some unknown when share < 1."""
    counts = dict.fromkeys(bands, 0)
    for _ in range(int(total * share)):
        counts[rng.choice(bands)] += 1
    return counts


def _values(rng, day, places, commune) -> dict:
    roll = rng.random()
    kind = (
        ReportKind.INDIVIDUAL
        if roll < 0.75
        else ReportKind.COLLECTIVE
        if roll < 0.9
        else ReportKind.INFORMATION
    )
    values = {"date": day, "kind": kind, "equipment": [rng.choice(["computer", "smartphone", "tablet"])]}
    if kind == ReportKind.COLLECTIVE:
        title, themes = rng.choice(WORKSHOPS)
        values.update(title=title, level="beginner", participants=rng.randint(4, 12), themes=themes)
        values["duration_minutes"] = rng.choice([90, 120])
    else:
        values["participants"] = 1 if kind == ReportKind.INDIVIDUAL else rng.randint(2, 6)
        values["themes"] = sorted(set(rng.choices(THEMES, weights=WEIGHTS, k=rng.choice([1, 1, 2]))))
        values["duration_minutes"] = rng.choice([15, 30, 30, 45, 45, 60, 60, 90])
    if "procedures" in values["themes"]:
        values["sub_themes"] = [rng.choice(["papers", "social_health", "money", "housing", "work"])]
    place_roll = rng.random()
    if places and place_roll < 0.8:
        values.update(place_kind=PlaceKind.PLACE, place=rng.choice(places))
    elif place_roll < 0.9 and commune is not None:
        values.update(place_kind=PlaceKind.HOME, commune=commune)
    else:
        values["place_kind"] = PlaceKind.REMOTE
    people = values["participants"]
    values.update(_split(rng, people, [name for name, _ in AGE_BANDS], share=0.9))
    values.update(_split(rng, people, [name for name, _ in GENDERS]))
    values.update(_split(rng, people, [name for name, _ in SITUATIONS], share=0.8))
    values["already_accompanied"] = rng.randint(0, people) if rng.random() < 0.4 else 0
    if kind == ReportKind.INDIVIDUAL:
        values["autonomy"] = rng.choice(["done_for", "partly", "autonomous"])
        if rng.random() < 0.1:
            values["redirected_to"] = rng.choice(["france_services", "caf", "france_travail", "town_hall"])
        values["aidants_connect"] = "procedures" in values["themes"] and rng.random() < 0.2
    values["pass_numerique"] = 1 if rng.random() < 0.05 else 0
    return values


def seed_reports() -> int:
    if ActivityReport.objects.exists():
        return 0
    advisors = list(
        Advisor.objects.filter(status=AdvisorStatus.ACTIVE)
        .select_related("structure__commune", "candidate__user")
        .order_by("pk")
    )
    today = timezone.localdate()
    created = 0
    for index, advisor in enumerate(advisors):
        rng = random.Random(advisor.pk)
        places = list(Place.objects.held_by(advisor).order_by("pk"))
        last_day = IDLE_DAYS if index == len(advisors) - 1 and len(advisors) > 1 else 1
        for offset in range(DAYS, last_day - 1, -1):
            day = today - datetime.timedelta(days=offset)
            if day.weekday() >= 5:
                continue
            for _ in range(rng.choice([0, 1, 1, 2, 2, 3])):
                values = _values(rng, day, places, advisor.structure.commune)
                reports.create_report(advisor, values, by=advisor.candidate.user)
                created += 1
    return created
