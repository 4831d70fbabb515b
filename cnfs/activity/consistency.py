"""A place belongs to someone: at least one advisor holds it."""

from cnfs.core.consistency import register

from .models import Place


@register("activity.place_held", "chaque lieu d'activité est tenu par au moins un conseiller")
def every_place_is_held():
    return Place.objects.filter(advisors__isnull=True).values_list("pk", flat=True).order_by("pk")
