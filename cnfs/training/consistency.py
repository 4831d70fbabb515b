"""Training records tell the same story as their registrations and attendance."""

from django.db.models import Count, DecimalField, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from cnfs.core.consistency import register

from .models import SessionRegistration, Training, TrainingSession, TrainingStatus, WeeklyAttendance


@register(
    "training.session_count", "le nombre d'inscrits d'une session est celui de ses inscriptions actives"
)
def session_count_matches_registrations():
    return (
        TrainingSession.objects.annotate(
            active=Count("registrations", filter=Q(registrations__withdrawn_at__isnull=True))
        )
        .exclude(registered_count=F("active"))
        .values_list("pk", flat=True)
        .order_by("pk")
    )


@register("training.in_training_registered", "un conseiller en formation est inscrit à une session, un seul")
def in_training_has_one_registration():
    active = SessionRegistration.objects.filter(training=OuterRef("pk"), withdrawn_at__isnull=True)
    return (
        Training.objects.filter(status=TrainingStatus.IN_TRAINING)
        .annotate(
            n=Coalesce(Subquery(active.values("training").annotate(c=Count("pk")).values("c")[:1]), Value(0))
        )
        .exclude(n=1)
        .values_list("pk", flat=True)
        .order_by("pk")
    )


@register("training.hours_done", "les heures effectuées sont la somme de l'assiduité hebdomadaire")
def hours_done_is_attendance_sum():
    total = (
        WeeklyAttendance.objects.filter(training=OuterRef("pk"))
        .values("training")
        .annotate(s=Sum("hours"))
        .values("s")
    )
    return (
        Training.objects.annotate(
            total=Coalesce(
                Subquery(total[:1]), Value(0), output_field=DecimalField(max_digits=5, decimal_places=1)
            )
        )
        .exclude(hours_done=F("total"))
        .values_list("pk", flat=True)
        .order_by("pk")
    )
