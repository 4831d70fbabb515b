"""The stored distances are those a fresh computation gives (after the tasks queued by the last changes ran)."""

from cnfs.core.consistency import register

from . import services


@register(
    "coverage.nearest_place",
    "chaque commune a sa distance au lieu visible le plus proche, égale à un nouveau calcul",
)
def distances_are_current():
    return services.differences()
