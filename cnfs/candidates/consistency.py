"""The candidate's copies (home position and territory, email confirmation) equal their sources."""

from django.db.models import Case, F, Q, Value, When

from cnfs.core.consistency import register
from cnfs.territories.models import Zone

from .models import METRO, Candidate


@register("candidates.position", "coordonnées et territoire du candidat = ceux de sa commune")
def position_follows_commune():
    territory = Case(
        When(commune__departement__zone=Zone.METRO, then=Value(METRO)),
        default=F("commune__departement__code"),
    )
    return (
        Candidate.objects.annotate(expected_territory=territory)
        .filter(
            ~Q(latitude=F("commune__latitude"))
            | ~Q(longitude=F("commune__longitude"))
            | ~Q(territory=F("expected_territory"))
        )
        .values_list("pk", flat=True)
        .order_by("pk")
    )


@register("candidates.email_confirmed", "adresse confirmée du candidat = celle de son compte")
def email_confirmed_follows_user():
    return (
        Candidate.objects.filter(
            Q(user__isnull=True, email_confirmed=True)
            | Q(user__email_confirmed_at__isnull=True, email_confirmed=True)
            | Q(user__email_confirmed_at__isnull=False, email_confirmed=False)
        )
        .values_list("pk", flat=True)
        .order_by("pk")
    )
