"""The programme's indicators, computed once here and read by every page, export and API that shows them.

Each function takes the départements of the reader's scope (None: the whole country) and answers one row per
département, from a GROUP BY per table (a constant number of queries whatever the volume)."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Count, DateField, DateTimeField, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from cnfs.activity.models import Place
from cnfs.concertation.models import (
    ApplicationStatus,
    CommitteeDecision,
    DecisionKind,
    DecisionOutcome,
    PrefectOpinion,
    StructureApplication,
)
from cnfs.recruitment.models import Advisor, AdvisorStatus
from cnfs.structures.models import Post, PostStatus, Structure
from cnfs.structures.services import add_months
from cnfs.territories.models import Departement

# Applications that reached the préfet (drafts, cancelled ones and duplicates never did).
NOT_SUBMITTED = (
    ApplicationStatus.DRAFT,
    ApplicationStatus.WAITING_FOR_WAVE,
    ApplicationStatus.CANCELLED,
    ApplicationStatus.DUPLICATE,
)
OPEN_POST = (PostStatus.FREE, PostStatus.HIRE_REQUESTED)

FUNNEL_FIELDS = (
    "applications",
    "opinions",
    "positive_decisions",
    "negative_decisions",
    "posts_granted",
    "hires",
    "advisors_in_post",
    "open_posts",
    "deadlines_at_risk",
)
FUNNEL_LABELS = {
    "applications": "Candidatures transmises",
    "opinions": "Avis du préfet",
    "positive_decisions": "Décisions positives",
    "negative_decisions": "Décisions négatives",
    "posts_granted": "Postes attribués",
    "hires": "Recrutements",
    "advisors_in_post": "Conseillers en poste",
    "open_posts": "Postes à pourvoir",
    "deadlines_at_risk": "Postes dont la date limite de recrutement approche",
}


@dataclass
class FunnelRow:
    departement: str
    name: str
    counts: dict = field(default_factory=lambda: dict.fromkeys(FUNNEL_FIELDS, 0))


def _scoped(queryset, path, departements):
    return queryset if departements is None else queryset.filter(**{f"{path}__in": departements})


def _count_by(queryset, path, departements, **counted):
    rows = _scoped(queryset, path, departements).order_by().values(path).annotate(**counted)
    return {row.pop(path): row for row in rows}


def funnel(departements=None, *, today: date | None = None) -> list[FunnelRow]:
    """The recruitment funnel per département: applications transmitted, préfet's opinions, committee decisions
    (first decisions on applications), posts granted (not retired), hires (every advisor ever hired), advisors in
    post, posts still to fill, and free posts whose recruitment deadline falls within CNFS_RADAR_AT_RISK_DAYS days
    (or is past). Six queries."""
    today = today or timezone.localdate()
    at_risk = today + timedelta(days=settings.CNFS_RADAR_AT_RISK_DAYS)
    submitted = StructureApplication.objects.exclude(status__in=NOT_SUBMITTED)
    parts = [
        _count_by(submitted, "departement_id", departements, applications=Count("pk")),
        _count_by(
            PrefectOpinion.objects.exclude(application__status__in=NOT_SUBMITTED),
            "application__departement_id",
            departements,
            opinions=Count("pk"),
        ),
        _count_by(
            CommitteeDecision.objects.filter(kind=DecisionKind.APPLICATION),
            "application__departement_id",
            departements,
            positive_decisions=Count(
                "application", filter=Q(outcome=DecisionOutcome.POSITIVE), distinct=True
            ),
            negative_decisions=Count(
                "application", filter=Q(outcome=DecisionOutcome.NEGATIVE), distinct=True
            ),
        ),
        _count_by(
            Post.objects.exclude(status=PostStatus.RETIRED),
            "structure__departement_id",
            departements,
            posts_granted=Count("pk"),
            open_posts=Count("pk", filter=Q(status__in=OPEN_POST)),
            deadlines_at_risk=Count("pk", filter=Q(status=PostStatus.FREE, deadline__lte=at_risk)),
        ),
        _count_by(
            Advisor.objects.all(),
            "structure__departement_id",
            departements,
            hires=Count("pk"),
            advisors_in_post=Count("pk", filter=Q(status=AdvisorStatus.ACTIVE)),
        ),
    ]
    codes = set().union(*parts)
    names = dict(Departement.objects.filter(code__in=codes).values_list("code", "name"))
    rows = []
    for code in sorted(codes):
        row = FunnelRow(departement=code, name=names.get(code, ""))
        for part in parts:
            row.counts.update(part.get(code, {}))
        rows.append(row)
    return rows


def funnel_total(rows: list[FunnelRow]) -> dict:
    """The sum of the funnel's rows (no query)."""
    return {name: sum(row.counts[name] for row in rows) for name in FUNNEL_FIELDS}


MONTHLY_FIELDS = ("structures_activated", "posts_granted", "hires")
MONTHLY_LABELS = {
    "structures_activated": "Structures activées",
    "posts_granted": "Postes attribués",
    "hires": "Recrutements",
}


def _month(value):
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def monthly(departements=None, *, since: date | None = None, until: date | None = None) -> list[dict]:
    """The public monthly statistics per département: structures activated, posts granted (by committee month,
    posts later retired included: they were granted that month) and hires, for the months from `since` to `until`
    (first days of months, both included). Three queries; one row per (département, month) with something in it."""

    def period(queryset, path):
        bounds = {"gte": since, "lt": add_months(until.replace(day=1), 1) if until else None}
        moment = isinstance(queryset.model._meta.get_field(path), DateTimeField)
        for lookup, day in bounds.items():
            if day is not None:
                value = timezone.make_aware(datetime.combine(day, time.min)) if moment else day
                queryset = queryset.filter(**{f"{path}__{lookup}": value})
        return queryset

    sources = (
        (
            "structures_activated",
            Structure.objects.filter(activated_at__isnull=False),
            "departement_id",
            "activated_at",
        ),
        ("posts_granted", Post.objects.all(), "structure__departement_id", "committee_date"),
        ("hires", Advisor.objects.all(), "structure__departement_id", "hired_at"),
    )
    table = defaultdict(lambda: dict.fromkeys(MONTHLY_FIELDS, 0))
    for name, queryset, path, when in sources:
        rows = (
            _scoped(period(queryset, when), path, departements)
            .order_by()
            .annotate(month=TruncMonth(when, output_field=DateField()))
            .values(path, "month")
            .annotate(count=Count("pk"))
        )
        for row in rows:
            table[(row[path], _month(row["month"]))][name] = row["count"]
    return [
        {"departement": code, "month": month, **counts} for (code, month), counts in sorted(table.items())
    ]


PRESENCE_FIELDS = ("structures", "places")


def presence(departements=None) -> dict[str, dict]:
    """Per département: the activated structures (of the département) and the places of activity shown on the
    public map (in a commune of the département). Two queries; only the départements with one or the other."""
    parts = [
        _count_by(
            Structure.objects.filter(activated_at__isnull=False),
            "departement_id",
            departements,
            structures=Count("pk"),
        ),
        _count_by(Place.objects.public(), "commune__departement_id", departements, places=Count("pk")),
    ]
    table = {}
    for code in sorted(set().union(*parts)):
        table[code] = dict.fromkeys(PRESENCE_FIELDS, 0)
        for part in parts:
            table[code].update(part.get(code, {}))
    return table
