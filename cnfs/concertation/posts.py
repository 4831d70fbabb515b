"""Posts of a structure: granted (sum of its decisions), taken (hires, later), free, and the recruitment deadline."""

import calendar
from dataclasses import dataclass
from datetime import date

from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from . import conf
from .models import CommitteeDecision, DecisionKind, DecisionOutcome


def add_months(day: date, months: int) -> date:
    """Same day `months` later, or the last day of that month (31 January + 1 month = 28/29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def posts_granted(structure) -> int:
    return CommitteeDecision.objects.filter(application__structure=structure).aggregate(
        total=Coalesce(Sum("posts"), 0)
    )["total"]


def posts_taken(structure) -> int:
    """Posts with a hire requested or validated (§6), counted from the recruitment matches."""
    from cnfs.recruitment.models import Match  # recruitment builds on concertation, not the reverse

    return Match.objects.taking_posts(structure).count()


def recruitment_deadline(structure) -> date | None:
    """Two months (a setting) from the committee that first granted posts."""
    first = (
        CommitteeDecision.objects.filter(
            application__structure=structure, kind=DecisionKind.APPLICATION, outcome=DecisionOutcome.POSITIVE
        )
        .order_by("committee_date")
        .values_list("committee_date", flat=True)
        .first()
    )
    return add_months(first, conf.recruitment_months()) if first else None


@dataclass(frozen=True)
class PostSummary:
    granted: int
    taken: int
    deadline: date | None

    @property
    def free(self) -> int:
        return max(self.granted - self.taken, 0)

    @property
    def days_left(self) -> int | None:
        return (self.deadline - timezone.localdate()).days if self.deadline else None


def summary(structure) -> PostSummary:
    return PostSummary(posts_granted(structure), posts_taken(structure), recruitment_deadline(structure))
