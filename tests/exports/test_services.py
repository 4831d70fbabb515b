"""Building background exports: rows scoped by the requester's role assignment, progress, dedupe, expiry, purge,
failures, and the file written as the rows come."""

import csv
import dataclasses
import io
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from cnfs.accounts.roles import Role
from cnfs.exports import registry, services
from cnfs.exports.models import BackgroundExport, ExportStatus
from cnfs.exports.scope import AssignmentContext
from cnfs.journal.models import JournalEntry
from cnfs.structures.models import Post
from tests.factories import UserFactory, grant

from .conftest import assignment_of


def _request(user, kind="posts", fmt="csv", params=None, capture=None):
    export, joined = services.request_export(
        kind, fmt, params or {}, user=user, assignment=assignment_of(user)
    )
    return export, joined


def _csv_rows(export):
    text = services.file_path(export).read_text(encoding="utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def _built(user, django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        export, _ = _request(user, **kwargs)
    export.refresh_from_db()
    return export


def test_a_prefecture_exports_only_its_departements_posts(
    territory, prefecture, django_capture_on_commit_callbacks
):
    export = _built(prefecture, django_capture_on_commit_callbacks)
    assert export.status == ExportStatus.DONE
    rows = _csv_rows(export)
    assert rows[0] == registry.POSTS.header
    allier_posts = set(Post.objects.filter(structure__departement_id="03").values_list("pk", flat=True))
    assert {int(row[0]) for row in rows[1:]} == allier_posts
    assert len(allier_posts) == 5
    assert {row[4] for row in rows[1:]} == {"03"}
    assert export.rows_done == export.rows_total == 5
    assert export.size == services.file_path(export).stat().st_size


def test_anct_exports_every_post_and_the_structures_with_their_posts(
    territory, anct, django_capture_on_commit_callbacks
):
    posts = _built(anct, django_capture_on_commit_callbacks, fmt="xlsx")
    sheet = load_workbook(services.file_path(posts), read_only=True)["Postes"]
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == registry.POSTS.header
    assert len(values) == 1 + 9
    assert values[1][6].date() == Post.objects.order_by("id").first().committee_date  # a date cell, not text
    structures = _built(anct, django_capture_on_commit_callbacks, kind="structures")
    rows = _csv_rows(structures)
    by_id = {int(row[0]): row for row in rows[1:]}
    cher = territory["cher"][0]
    assert by_id[cher.pk][6] == "18"
    assert by_id[cher.pk][9:] == ["4", "0"]  # granted, occupied
    assert len(by_id) == 3


def test_filters_narrow_the_rows_and_a_prefecture_never_reads_outside_its_territory(
    territory, anct, prefecture
):
    cher_context = AssignmentContext(assignment_of(anct))
    assert registry.POSTS.count(cher_context, {"departement": "18"}) == 4
    assert registry.POSTS.count(cher_context, {"status": "occupied"}) == 0
    prefecture_context = AssignmentContext(assignment_of(prefecture))
    # even a département filter outside the territory (the form refuses it) reads nothing outside
    assert registry.POSTS.count(prefecture_context, {"departement": "18"}) == 0
    assert registry.STRUCTURES.count(prefecture_context, {}) == 2


def test_a_role_without_posts_in_scope_reads_no_row(territory):
    hub = UserFactory(role=Role.HUB)
    assert registry.POSTS.count(AssignmentContext(assignment_of(hub)), {}) == 0


def test_rows_are_read_in_chunks_never_as_a_whole_list(territory, anct, monkeypatch):
    """Constant memory: the rows come from `QuerySet.iterator(chunk_size=…)` and are handed on one at a time."""
    from django.db.models.query import QuerySet

    calls = []
    real_iterator = QuerySet.iterator

    def spy(self, chunk_size=None):
        calls.append(chunk_size)
        return real_iterator(self, chunk_size=chunk_size)

    monkeypatch.setattr(QuerySet, "iterator", spy)
    monkeypatch.setattr(QuerySet, "__iter__", lambda self: pytest.fail("rows read as a whole list"))
    rows = registry.POSTS.rows(AssignmentContext(assignment_of(anct)), {})
    assert not isinstance(rows, list | tuple)
    assert next(rows)[0] == Post.objects.order_by("id").values_list("pk", flat=True)[0]
    assert calls == [registry.chunk_size()]


def test_progress_is_written_every_n_rows(territory, anct, settings, monkeypatch):
    settings.CNFS_EXPORT_PROGRESS_EVERY = 2
    export = BackgroundExport.objects.create(
        kind="posts", params_key=services.params_key({}), format="csv", scope_key="anct:",
        requested_by=anct, role_assignment=assignment_of(anct),
    )  # fmt: skip
    seen = []
    real_progress_writer = services.write_csv

    def watching(path, header, rows, *, progress, every):
        def recording(done):
            progress(done)
            seen.append(
                BackgroundExport.objects.values_list("status", "rows_done", "rows_total").get(pk=export.pk)
            )

        return real_progress_writer(path, header, rows, progress=recording, every=every)

    monkeypatch.setattr(services, "write_csv", watching)
    assert services.build(export.pk) == "done"
    assert seen == [
        ("running", 2, 9),
        ("running", 4, 9),
        ("running", 6, 9),
        ("running", 8, 9),
        ("running", 9, 9),
    ]


def test_a_second_request_for_the_same_export_joins_the_running_one(territory, anct):
    colleague = UserFactory(role=Role.ANCT)
    first, joined_first = _request(anct, params={"departement": "03"})
    second, joined_second = _request(colleague, params={"departement": "03"})
    assert (joined_first, joined_second) == (False, True)
    assert second.pk == first.pk
    assert list(first.joined_by.all()) == [colleague]
    assert BackgroundExport.objects.count() == 1
    assert BackgroundExport.objects.visible_to(colleague).get() == first
    # another format, other filters, another territory: other exports
    assert _request(anct, fmt="xlsx", params={"departement": "03"})[0].pk != first.pk
    assert _request(anct, params={"departement": "18"})[0].pk != first.pk
    prefecture = UserFactory(role=Role.PREFECTURE)
    assert _request(prefecture, params={"departement": "03"})[0].pk != first.pk
    entries = JournalEntry.objects.filter(action="export.requested", object_id=str(first.pk))
    assert [e.after["joined"] for e in entries.order_by("pk")] == [False, True]
    assert entries.order_by("pk").first().after == {
        "kind": "posts",
        "format": "csv",
        "params": {"departement": "03"},
        "joined": False,
    }


def test_once_done_the_same_request_builds_a_new_file(territory, anct, django_capture_on_commit_callbacks):
    first = _built(anct, django_capture_on_commit_callbacks)
    second = _built(anct, django_capture_on_commit_callbacks)
    assert second.pk != first.pk and second.status == ExportStatus.DONE


def test_two_workers_never_build_the_same_export(territory, anct):
    export, _ = _request(anct)
    assert services.build(export.pk) == "done"
    assert services.build(export.pk) == "not-queued"
    assert services.claim(export.pk) is False


def test_a_withdrawn_role_fails_the_export_with_a_french_message(territory, anct):
    export, _ = _request(anct)
    assignment_of(anct).delete()
    assert services.build(export.pk) == "failed"
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED
    assert export.error == services.ROLE_WITHDRAWN
    assert not export.file_name


def test_a_failure_while_writing_removes_the_partial_file_and_says_so(territory, anct, monkeypatch, settings):
    settings.CNFS_EXPORT_PROGRESS_EVERY = 1
    export, _ = _request(anct)

    def broken_row(values):
        raise RuntimeError("la base a disparu: personne@exemple.fr")

    monkeypatch.setitem(registry.KINDS, "posts", dataclasses.replace(registry.POSTS, make_row=broken_row))
    assert services.build(export.pk) == "failed"
    export.refresh_from_db()
    assert export.error == services.BUILD_FAILED
    assert "@" not in export.error
    assert list(services.uploads.root(services.DIRECTORY).glob("*")) == []


def test_expiry_at_the_ttl_boundary_and_the_purge(territory, anct, time_machine, settings):
    settings.CNFS_EXPORT_TTL = timedelta(hours=24)
    start = timezone.now().replace(microsecond=0)
    time_machine.move_to(start, tick=False)
    export, _ = _request(anct)
    services.build(export.pk)
    export.refresh_from_db()
    path = services.file_path(export)
    assert export.expires_at == start + timedelta(hours=24)
    time_machine.move_to(start + timedelta(hours=24) - timedelta(seconds=1), tick=False)
    assert not export.is_expired()
    assert services.purge() == {"expired": 0, "interrupted": 0}
    assert path.exists()
    time_machine.move_to(start + timedelta(hours=24), tick=False)
    assert export.is_expired()
    assert services.purge() == {"expired": 1, "interrupted": 0}
    export.refresh_from_db()
    assert export.status == ExportStatus.EXPIRED and export.file_name == ""
    assert not path.exists()
    assert services.purge() == {"expired": 0, "interrupted": 0}


def test_the_purge_fails_exports_a_dead_worker_left_behind(territory, anct, time_machine, settings):
    settings.CNFS_TASK_STUCK_AFTER = timedelta(hours=1)
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    queued, _ = _request(anct)
    running, _ = _request(anct, kind="structures")
    services.claim(running.pk)
    time_machine.move_to(start + timedelta(minutes=59), tick=False)
    assert services.purge()["interrupted"] == 0
    time_machine.move_to(start + timedelta(minutes=61), tick=False)
    assert services.purge()["interrupted"] == 2
    assert set(BackgroundExport.objects.values_list("status", flat=True)) == {ExportStatus.FAILED}
    # the key is free again: the same request queues a new export
    assert _request(anct)[0].pk != queued.pk
    # a build that finishes after being taken for dead leaves no file behind
    assert services.build(running.pk) == "not-queued"


def test_the_daily_purge_is_scheduled(db, settings):
    path, _ = settings.CNFS_DAILY_TASKS["export_purge"]
    from django.utils.module_loading import import_string

    assert import_string(path).call() == {"expired": 0, "interrupted": 0}


def test_cells_that_look_like_formulas_are_exported_as_text(anct, django_capture_on_commit_callbacks):
    from tests.recruitment.factories import activated_structure

    activated_structure(name='=HYPERLINK("http://x")', posts=1)
    export = _built(anct, django_capture_on_commit_callbacks, kind="structures")
    assert _csv_rows(export)[1][1] == '\'=HYPERLINK("http://x")'


def test_a_user_with_two_roles_exports_under_the_one_requested(territory, prefecture):
    grant(prefecture, Role.ANCT)
    prefecture_assignment = prefecture.role_assignments.get(role=Role.PREFECTURE)
    export, _ = services.request_export("posts", "csv", {}, user=prefecture, assignment=prefecture_assignment)
    services.build(export.pk)
    export.refresh_from_db()
    assert export.rows_total == 5


def test_the_applications_export_has_the_list_export_columns_and_scope(
    territory, prefecture, django_capture_on_commit_callbacks
):
    from cnfs.concertation import exports as application_columns
    from cnfs.concertation.models import StructureApplication

    export = _built(prefecture, django_capture_on_commit_callbacks, kind="applications")
    rows = _csv_rows(export)
    assert rows[0] == [label for label, _, _ in application_columns.COLUMNS]
    allier = StructureApplication.objects.filter(departement_id="03").exclude(status="draft")
    assert {int(row[0]) for row in rows[1:]} == set(allier.values_list("pk", flat=True))
    assert len(rows) == 1 + 2
    granted = rows[0].index("Postes accordés")
    assert sorted(row[granted] for row in rows[1:]) == ["2", "3"]
