"""Requesting, building and purging background exports.

- `request_export` creates the export, or joins the queued or running one with the same key (kind, normalised
  parameters, format, scope): the partial unique constraint `export_one_live_per_key` decides between two requests
  at the same instant; the loser joins the winner. The build task is queued after commit.
- `build` claims the export (one conditional UPDATE, QUEUED → RUNNING: two workers never build the same one), counts
  its rows, streams them into a private file (PRIVATE_ROOT/exports, random name) with one UPDATE of the progress every
  CNFS_EXPORT_PROGRESS_EVERY rows, and marks it done (kept CNFS_EXPORT_TTL) or failed (a French message without any
  personal value; the details go to the log).
- `purge` deletes the files past their TTL and marks their rows expired; it fails the exports a dead worker left
  queued or running past CNFS_TASK_STUCK_AFTER, so that their key is free again.
"""

import hashlib
import json
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from cnfs.core import uploads
from cnfs.core.replica import reading_replica
from cnfs.journal.services import record

from .models import LIVE_STATUSES, BackgroundExport, ExportFormat, ExportStatus
from .registry import KINDS
from .scope import AssignmentContext, scope_key
from .writer import write_csv, write_xlsx

logger = logging.getLogger(__name__)

DIRECTORY = "exports"
ROLE_WITHDRAWN = "Le rôle sous lequel cet export a été demandé a été retiré : demandez-le à nouveau."
UNKNOWN_KIND = "Ce type d'export n'existe plus."
BUILD_FAILED = (
    "La création du fichier a échoué. Demandez l'export à nouveau ; si l'échec se répète, signalez-le."
)
INTERRUPTED = "La création du fichier a été interrompue (arrêt du serveur). Demandez l'export à nouveau."


def ttl() -> timedelta:
    return getattr(settings, "CNFS_EXPORT_TTL", timedelta(hours=24))


def progress_every() -> int:
    return getattr(settings, "CNFS_EXPORT_PROGRESS_EVERY", 1000)


def params_key(params: dict) -> str:
    canonical = json.dumps(params, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _live_twin(kind, key, fmt, scope):
    return BackgroundExport.objects.filter(
        kind=kind, params_key=key, format=fmt, scope_key=scope, status__in=LIVE_STATUSES
    ).first()


def request_export(kind: str, fmt: str, params: dict, *, user, assignment) -> tuple[BackgroundExport, bool]:
    """The export for this request and whether it joined one already queued or running."""
    if kind not in KINDS or fmt not in ExportFormat.values:
        raise ValueError("type ou format d'export inconnu")
    key, scope = params_key(params), scope_key(assignment)
    for _ in range(3):  # the twin may finish between our failed insert and our look-up
        try:
            with transaction.atomic():
                export = BackgroundExport.objects.create(
                    kind=kind,
                    params=params,
                    params_key=key,
                    format=fmt,
                    scope_key=scope,
                    requested_by=user,
                    role_assignment=assignment,
                )
                _journal("export.requested", export, user, assignment, joined=False)
                transaction.on_commit(lambda pk=export.pk: _enqueue(pk))
            return export, False
        except IntegrityError:
            with transaction.atomic():
                twin = _live_twin(kind, key, fmt, scope)
                if twin is None:
                    continue
                if twin.requested_by_id != user.pk:
                    twin.joined_by.add(user)
                _journal("export.requested", twin, user, assignment, joined=True)
            return twin, True
    raise RuntimeError("export request kept colliding")


def _journal(action, export, user, assignment, **after):
    record(
        action,
        export,
        by=user,
        role=assignment.role if assignment else None,
        after={"kind": export.kind, "format": export.format, "params": export.params, **after},
    )


def _enqueue(export_id: int):
    from .tasks import build_export

    build_export.enqueue(export_id)


def claim(export_id: int) -> bool:
    return (
        BackgroundExport.objects.filter(pk=export_id, status=ExportStatus.QUEUED).update(
            status=ExportStatus.RUNNING, started_at=timezone.now()
        )
        == 1
    )


def _fail(export_id: int, message: str) -> str:
    BackgroundExport.objects.filter(pk=export_id, status=ExportStatus.RUNNING).update(
        status=ExportStatus.FAILED, error=message, finished_at=timezone.now()
    )
    return "failed"


def build(export_id: int) -> str:
    """Builds a queued export. Returns what happened: done, failed or not-queued."""
    if not claim(export_id):
        return "not-queued"
    export = BackgroundExport.objects.get(pk=export_id)
    kind = KINDS.get(export.kind)
    if kind is None:
        return _fail(export_id, UNKNOWN_KIND)
    context = AssignmentContext.of(export.role_assignment_id) if export.role_assignment_id else None
    if context is None:
        return _fail(export_id, ROLE_WITHDRAWN)
    folder = uploads.root(DIRECTORY)
    name = f"{secrets.token_hex(16)}.{export.format}"
    path = folder / name
    running = BackgroundExport.objects.filter(pk=export_id, status=ExportStatus.RUNNING)
    try:
        # The export's rows are read from the replica when there is one (its progress is written to default).
        with reading_replica():
            total = kind.count(context, export.params)
            running.update(rows_total=total)

            def progress(done):
                running.update(
                    rows_done=min(done, total)
                )  # rows added since the count: the bar stays at 100 %

            folder.mkdir(parents=True, exist_ok=True)
            rows = kind.rows(context, export.params)
            if export.format == ExportFormat.XLSX:
                written = write_xlsx(
                    path, kind.header, rows, progress=progress, every=progress_every(), sheet=kind.sheet
                )
            else:
                written = write_csv(path, kind.header, rows, progress=progress, every=progress_every())
        size = path.stat().st_size
    except Exception:
        logger.exception("export %s (%s) failed", export_id, export.kind)
        path.unlink(missing_ok=True)
        return _fail(export_id, BUILD_FAILED)
    now = timezone.now()
    finished = running.update(
        status=ExportStatus.DONE,
        file_name=name,
        size=size,
        rows_done=written,
        rows_total=written,
        finished_at=now,
        expires_at=now + ttl(),
    )
    if not finished:  # failed by the purge meanwhile (taken for a dead worker's): the file is nobody's
        path.unlink(missing_ok=True)
        return "failed"
    return "done"


def file_path(export: BackgroundExport):
    return uploads.path_of(DIRECTORY, export.file_name)


def filename(export: BackgroundExport) -> str:
    kind = KINDS.get(export.kind)
    stem = kind.stem if kind else "export"
    day = timezone.localdate(export.finished_at or export.created_at)
    return f"{stem}-{day:%Y-%m-%d}-{export.pk}.{export.format}"


def purge(now=None) -> dict:
    """Deletes the files past their TTL (rows marked expired) and fails the exports a dead worker left behind."""
    now = now or timezone.now()
    expired = 0
    for pk, name in (
        BackgroundExport.objects.filter(status=ExportStatus.DONE, expires_at__lte=now)
        .values_list("pk", "file_name")
        .iterator(chunk_size=500)
    ):
        uploads.delete(DIRECTORY, name)
        expired += BackgroundExport.objects.filter(pk=pk, status=ExportStatus.DONE).update(
            status=ExportStatus.EXPIRED, file_name=""
        )
    cutoff = now - getattr(settings, "CNFS_TASK_STUCK_AFTER", timedelta(hours=1))
    stuck = BackgroundExport.objects.filter(status__in=LIVE_STATUSES, created_at__lt=cutoff).exclude(
        status=ExportStatus.RUNNING, started_at__gte=cutoff
    )
    interrupted = stuck.update(status=ExportStatus.FAILED, error=INTERRUPTED, finished_at=now)
    return {"expired": expired, "interrupted": interrupted}
