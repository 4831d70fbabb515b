"""A place belongs to someone: at least one advisor holds it."""

from cnfs.core.consistency import register

from .models import Place


@register("activity.place_held", "chaque lieu d'activité est tenu par au moins un conseiller")
def every_place_is_held():
    return Place.objects.filter(advisors__isnull=True).values_list("pk", flat=True).order_by("pk")


@register(
    "activity.rollups_match_reports",
    "les cumuls mensuels d'activité (tableaux de bord, statistiques publiques) sont ceux des comptes rendus",
)
def rollups_match_reports():
    """The (advisor, month) whose rollup row differs from a GROUP BY over their reports."""
    from .rollups import drifted

    return drifted()


@register(
    "activity.departement_rollups_match",
    "les cumuls mensuels par département sont la somme de ceux de leurs conseillers (structure actuelle)",
)
def departement_rollups_match():
    """The (département, month) whose row differs from its advisors' rows added up."""
    from .rollups import departements_drifted

    return departements_drifted()
