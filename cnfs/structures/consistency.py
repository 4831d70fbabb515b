"""A structure's facts agree with each other."""

from django.db.models import F, Q

from cnfs.core.consistency import register

from .models import Structure


@register("structures.departement", "département de la structure = celui de sa commune")
def departement_follows_commune():
    return (
        Structure.objects.filter(commune__isnull=False)
        .exclude(departement_id=F("commune__departement_id"))
        .values_list("pk", flat=True)
        .order_by("pk")
    )


@register("structures.activated_located", "une structure activée a une commune et des coordonnées")
def activated_structures_are_located():
    return (
        Structure.objects.filter(activated_at__isnull=False)
        .filter(Q(commune__isnull=True) | Q(latitude__isnull=True) | Q(longitude__isnull=True))
        .values_list("pk", flat=True)
        .order_by("pk")
    )
