"""Hours done per week (SPEC §9): recorded by the provider while the advisor is in training; the training's
`hours_done` is their sum, never more than the path's hours (checked under the training's row lock, and a database
rule)."""

from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from cnfs.core.workflow import TransitionError
from cnfs.journal.services import record

from .models import Training, TrainingStatus, WeeklyAttendance


def hours_text(value) -> str:
    """280, 7,5: hours as the French read them, whatever the database's decimal scale."""
    return f"{Decimal(value).normalize():f}".replace(".", ",")


def monday(day):
    return day - timedelta(days=day.weekday())


def record_attendance(training: Training, *, week, hours, by) -> WeeklyAttendance:
    """The hours of one week (any day of it: the week is its Monday); a second entry for a week replaces it."""
    hours = Decimal(hours)
    week = monday(week)
    with transaction.atomic():
        training = Training.objects.select_for_update().get(pk=training.pk)
        if training.status != TrainingStatus.IN_TRAINING:
            raise TransitionError("L'assiduité s'enregistre pendant la formation.")
        errors = {}
        if hours <= 0 or hours > 35:
            errors["hours"] = "Saisissez entre 0,5 et 35 heures pour une semaine."
        if week < monday(training.start_date):
            errors["week"] = (
                f"La formation commence le {training.start_date:%d/%m/%Y} : choisissez une semaine à partir de cette date."
            )
        elif week > timezone.localdate():
            errors["week"] = (
                "Cette semaine n'a pas commencé : l'assiduité s'enregistre une fois la semaine commencée."
            )
        if errors:
            raise ValidationError(errors)
        others = WeeklyAttendance.objects.filter(training=training).exclude(week=week).aggregate(
            total=Sum("hours")
        )["total"] or Decimal(0)
        if others + hours > training.path:
            raise ValidationError(
                {
                    "hours": f"Avec ces heures, le total ({hours_text(others + hours)} h) dépasserait les "
                    f"{training.path} h du parcours ({hours_text(others)} h déjà enregistrées)."
                }
            )
        entry, created = WeeklyAttendance.objects.update_or_create(
            training=training,
            week=week,
            defaults={"hours": hours, "recorded_by": by, "recorded_at": timezone.now()},
        )
        training.hours_done = others + hours
        training.save(update_fields=["hours_done"])
        record(
            "training.attendance_recorded",
            training,
            by=by,
            after={
                "week": week.isoformat(),
                "hours": hours,
                "hours_done": training.hours_done,
                "replaced": not created,
            },
        )
    return entry
