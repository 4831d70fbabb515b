"""Territorial coverage of the demo: every commune's distance to the nearest visible place, computed once the demo's
places exist (the same rebuild as `manage.py compute_coverage`); later changes of a place update it by the task."""

from cnfs.coverage.services import rebuild


def seed_coverage() -> int:
    return rebuild()
