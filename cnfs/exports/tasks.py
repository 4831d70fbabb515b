"""The export tasks: building one export (queued at the request's commit) and the daily purge
(CNFS_DAILY_TASKS["export_purge"])."""

from django.tasks import task

from . import services


@task()
def build_export(export_id: int) -> str:
    """Builds one export; a second run for the same export does nothing (the claim)."""
    return services.build(export_id)


@task()
def purge_exports() -> dict:
    return services.purge()
