from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.test import override_settings

from cnfs.core import scheduling

PARIS = ZoneInfo("Europe/Paris")
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
RUNS = []


def record_run():
    RUNS.append(1)


def test_next_run_is_the_next_local_time_strictly_after_now():
    morning = datetime(2026, 11, 26, 6, 0, tzinfo=PARIS)
    assert scheduling.next_run("07:00", morning) == datetime(2026, 11, 26, 7, 0, tzinfo=PARIS)
    at_seven = datetime(2026, 11, 26, 7, 0, tzinfo=PARIS)
    assert scheduling.next_run("07:00", at_seven) == datetime(2026, 11, 27, 7, 0, tzinfo=PARIS)
    # Across the change to summer time, still 07:00 local.
    assert scheduling.next_run("07:00", datetime(2027, 3, 27, 8, 0, tzinfo=PARIS)) == datetime(
        2027, 3, 28, 7, 0, tzinfo=PARIS
    )


@pytest.mark.django_db
@override_settings(
    TASKS=DB_TASKS, CNFS_DAILY_TASKS={"digest": ("cnfs.concertation.tasks.send_prefecture_digest", "07:00")}
)
def test_schedule_tasks_enqueues_each_daily_task_once():
    from django_tasks_db.models import DBTaskResult

    call_command("schedule_tasks")
    call_command("schedule_tasks")
    pending = DBTaskResult.objects.filter(task_path=scheduling.TASK_PATH)
    assert pending.count() == 1
    row = pending.get()
    assert row.args_kwargs["args"] == ["digest"]
    assert timezone_local_hour(row.run_after) == 7


def timezone_local_hour(value):
    return value.astimezone(PARIS).hour


@pytest.mark.django_db
@override_settings(
    TASKS=DB_TASKS, CNFS_DAILY_TASKS={"probe": ("tests.core.test_scheduling.probe_task", "07:00")}
)
def test_a_daily_run_runs_its_task_then_schedules_the_next_day():
    from django_tasks_db.models import DBTaskResult

    RUNS.clear()
    scheduling.run_daily.call("probe")
    assert RUNS == [1]
    assert DBTaskResult.objects.filter(task_path=scheduling.TASK_PATH).count() == 1


def test_with_a_backend_that_cannot_defer_nothing_is_scheduled():
    assert scheduling.ensure_scheduled() == []


from django.tasks import task  # noqa: E402


@task()
def probe_task():
    record_run()
