"""The training figures of a scope, computed once for the national training table (views/follow.py) and the
dashboards (cnfs/statistics/dashboards.py): trainings per path and their completions, states, late starts, sessions.

A scope is a set of départements (of the advisor's structure; the session's commune for sessions), of structures or
of advisors' matches (None: no limit on that axis). Each function is one GROUP BY, whatever the volume."""

from django.db.models import Count, Q, Sum

from .models import (
    FACE_TO_FACE_MINIMUM,
    SessionMode,
    SessionStatus,
    Training,
    TrainingPath,
    TrainingSession,
    TrainingStatus,
)


def scoped_trainings(*, departements=None, structures=None, matches=None):
    """The live trainings (not cancelled) of the scope."""
    trainings = Training.objects.live()
    if departements is not None:
        trainings = trainings.filter(structure__departement_id__in=list(departements))
    if structures is not None:
        trainings = trainings.filter(structure_id__in=list(structures))
    if matches is not None:
        trainings = trainings.filter(match_id__in=matches)
    return trainings


def by_path(trainings) -> list[tuple[str, int, int]]:
    """(path label, trainings on it, completed ones) for each of the four paths, in their order (one query)."""
    rows = (
        trainings.exclude(path__isnull=True)
        .order_by()
        .values("path")
        .annotate(n=Count("pk"), completed=Count("pk", filter=Q(status=TrainingStatus.COMPLETED)))
    )
    found = {row["path"]: row for row in rows}
    return [
        (path.label, found.get(path.value, {}).get("n", 0), found.get(path.value, {}).get("completed", 0))
        for path in TrainingPath
    ]


def summary(trainings) -> dict[str, int]:
    """Trainings per status (every status, 0 when none), late starts and the total (one query)."""
    aggregates = {status.value: Count("pk", filter=Q(status=status)) for status in TrainingStatus}
    aggregates["late_starts"] = Count("pk", filter=Q(late_start=True))
    aggregates["total"] = Count("pk")
    return trainings.order_by().aggregate(**aggregates)


def below_minimum_sessions():
    """Sessions that may still be cancelled for lack of registrations: planned face-to-face ones, or confirmed ones,
    under the minimum of FACE_TO_FACE_MINIMUM (the national table lists them)."""
    return (
        TrainingSession.objects.filter(registered_count__lt=FACE_TO_FACE_MINIMUM)
        .exclude(status=SessionStatus.CANCELLED)
        .filter(
            Q(status=SessionStatus.PLANNED, mode=SessionMode.FACE_TO_FACE) | Q(status=SessionStatus.CONFIRMED)
        )
    )


def session_counts(departements=None) -> dict[str, int]:
    """Sessions per status, the registrations they hold and how many are under the minimum, over the sessions held
    in these départements (None: all) (one query)."""
    sessions = TrainingSession.objects.order_by()
    if departements is not None:
        sessions = sessions.filter(commune__departement_id__in=list(departements))
    below = below_minimum_sessions().values("pk")
    aggregates = {status.value: Count("pk", filter=Q(status=status)) for status in SessionStatus}
    aggregates["registered"] = Sum("registered_count", filter=~Q(status=SessionStatus.CANCELLED), default=0)
    aggregates["below_minimum"] = Count("pk", filter=Q(pk__in=below))
    return sessions.aggregate(**aggregates)
