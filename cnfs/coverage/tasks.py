"""The coverage tasks: the update after a place changed (queued at the change's commit) and the full rebuild."""

from django.tasks import task

from . import services


@task()
def refresh_coverage(place_ids: list[int]) -> int:
    return services.refresh(place_ids)


@task()
def rebuild_coverage() -> int:
    return services.rebuild()
