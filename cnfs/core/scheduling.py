"""Daily tasks, without cron: each scheduled task re-enqueues itself for its next run.

`settings.CNFS_DAILY_TASKS` maps a name to (task path, "HH:MM" local time). `ensure_scheduled()` (the
`schedule_tasks` command, run by `make run` and at each deployment) enqueues the next run of every daily task that has
none pending; `run_daily(name)` runs the task, then enqueues the following day's run. The task queue
(django-tasks-db) keeps the pending runs, so a restarted worker loses nothing.
"""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.tasks import task, task_backends
from django.utils import timezone
from django.utils.module_loading import import_string

TASK_PATH = "cnfs.core.scheduling.run_daily"


def daily_tasks() -> dict[str, tuple[str, str]]:
    return getattr(settings, "CNFS_DAILY_TASKS", {})


def next_run(at: str, now: datetime | None = None) -> datetime:
    """The next local `at` ("HH:MM") strictly after `now`."""
    now = timezone.localtime(now or timezone.now())
    hour, minute = (int(part) for part in at.split(":"))
    candidate = timezone.make_aware(datetime.combine(now.date(), time(hour, minute)))
    return (
        candidate
        if candidate > now
        else timezone.make_aware(datetime.combine(now.date() + timedelta(days=1), time(hour, minute)))
    )


def schedule_next(name: str, now: datetime | None = None):
    _, at = daily_tasks()[name]
    return run_daily.using(run_after=next_run(at, now)).enqueue(name)


def pending_names() -> set[str]:
    """Daily tasks that already have a run waiting in the database queue."""
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    # Waiting runs, whether their time has come or not (the queryset's ready() only gives those due now).
    pending = DBTaskResult.objects.filter(task_path=TASK_PATH, status=TaskResultStatus.READY)
    return {(row.args_kwargs.get("args") or [None])[0] for row in pending}


def ensure_scheduled(now: datetime | None = None) -> list[str]:
    """Enqueue the next run of each daily task with none pending. Returns the names scheduled now."""
    if not task_backends["default"].supports_defer:
        return []
    waiting = pending_names()
    scheduled = []
    for name in daily_tasks():
        if name not in waiting:
            schedule_next(name, now)
            scheduled.append(name)
    return scheduled


@task()
def run_daily(name: str) -> str:
    path, _ = daily_tasks()[name]
    try:
        import_string(path).call()
    finally:
        if task_backends["default"].supports_defer:
            schedule_next(name)
    return name
