"""The stored distances are those a fresh computation gives (after the tasks queued by the last changes ran). Before
the first computation (`manage.py compute_coverage`, the demo, or the first change of a place) there is nothing to
compare: the page says the distances are not computed yet."""

from cnfs.core.consistency import register

from . import services
from .models import CoverageState


@register(
    "coverage.nearest_place",
    "chaque commune a sa distance au lieu visible le plus proche, égale à un nouveau calcul",
)
def distances_are_current():
    if not CoverageState.objects.filter(rebuilt_at__isnull=False).exists():
        return []
    return services.differences()
