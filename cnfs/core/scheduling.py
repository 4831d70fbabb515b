"""Daily and periodic tasks, without cron: each scheduled task re-enqueues itself for its next run.

`settings.CNFS_DAILY_TASKS` maps a name to (task path, "HH:MM" local time); `settings.CNFS_PERIODIC_TASKS` maps a name
to (task path, interval in minutes), e.g. the email sweep every 5 minutes. `ensure_scheduled()` (the `schedule_tasks`
command, run by `make run` and at each deployment, and by the email sweep after recovering a dead worker's tasks)
enqueues the next run of every task that has none pending; `run_daily(name)` runs the task, then enqueues the
following day's run; `run_periodic(name)` enqueues its next run first, then runs the task, so that a worker killed
during a run does not break the chain. The task queue (django-tasks-db) keeps the pending runs, so a restarted worker
loses nothing.
"""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.tasks import task, task_backends
from django.utils import timezone
from django.utils.module_loading import import_string

TASK_PATH = "cnfs.core.scheduling.run_daily"
PERIODIC_TASK_PATH = "cnfs.core.scheduling.run_periodic"


def daily_tasks() -> dict[str, tuple[str, str]]:
    return getattr(settings, "CNFS_DAILY_TASKS", {})


def periodic_tasks() -> dict[str, tuple[str, int]]:
    return getattr(settings, "CNFS_PERIODIC_TASKS", {})


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


def schedule_periodic(name: str, now: datetime | None = None):
    _, minutes = periodic_tasks()[name]
    return run_periodic.using(run_after=(now or timezone.now()) + timedelta(minutes=minutes)).enqueue(name)


def pending_names(path: str = TASK_PATH) -> set[str]:
    """Scheduled tasks (daily by default) that already have a run waiting in the database queue."""
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    # Waiting runs, whether their time has come or not (the queryset's ready() only gives those due now).
    pending = DBTaskResult.objects.filter(task_path=path, status=TaskResultStatus.READY)
    return {(row.args_kwargs.get("args") or [None])[0] for row in pending}


def ensure_scheduled(now: datetime | None = None) -> list[str]:
    """Enqueue the next run of each daily or periodic task with none pending. Returns the names scheduled now."""
    if not task_backends["default"].supports_defer:
        return []
    waiting = pending_names()
    scheduled = []
    for name in daily_tasks():
        if name not in waiting:
            schedule_next(name, now)
            scheduled.append(name)
    waiting = pending_names(PERIODIC_TASK_PATH)
    for name in periodic_tasks():
        if name not in waiting:
            schedule_periodic(name, now)
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


@task()
def run_periodic(name: str) -> str:
    path, _ = periodic_tasks()[name]
    if task_backends["default"].supports_defer and name not in pending_names(PERIODIC_TASK_PATH):
        schedule_periodic(name)
    target = import_string(path)
    result = target.call() if hasattr(target, "call") else target()
    return f"{name}: {result}"
