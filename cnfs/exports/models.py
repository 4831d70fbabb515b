"""Background exports (SPEC §13): a large list written to a private file by a task, with its progress, then kept for
CNFS_EXPORT_TTL and purged.

The same export (kind, normalised parameters, format, scope) is never built twice at once: a partial unique
constraint holds one queued or running export per key, and a second request joins it (`joined_by`). The scope is
the role and its territory (`RoleAssignment.scope_id`): two ANCT agents share one national file, a préfecture of the
Allier never shares with one of the Cher."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "En attente"
    RUNNING = "running", "En cours"
    DONE = "done", "Prêt"
    FAILED = "failed", "Échec"
    EXPIRED = "expired", "Expiré"


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"


LIVE_STATUSES = (ExportStatus.QUEUED, ExportStatus.RUNNING)


class BackgroundExportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The exports a user requested or joined: nobody else's."""
        return self.filter(Q(requested_by=user) | Q(joined_by=user)).distinct()

    def live(self):
        return self.filter(status__in=LIVE_STATUSES)


class BackgroundExport(models.Model):
    kind = models.CharField("type d'export", max_length=40)
    params = models.JSONField("filtres", default=dict, blank=True)
    params_key = models.CharField(max_length=64)
    format = models.CharField("format", max_length=4, choices=ExportFormat.choices)
    # The role and territory the rows are read for ("prefecture:departement:03"): the dedupe key's scope.
    scope_key = models.CharField(max_length=80)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="background_exports"
    )
    # The export reads its rows as this role assignment sees them; without it (role withdrawn) it fails.
    role_assignment = models.ForeignKey(
        "accounts.RoleAssignment", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    joined_by = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    status = models.CharField(
        "statut", max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED, db_index=True
    )
    rows_done = models.PositiveIntegerField("lignes écrites", default=0)
    rows_total = models.PositiveIntegerField("lignes à écrire", null=True, blank=True)
    file_name = models.CharField(max_length=80, blank=True)  # under PRIVATE_ROOT/exports, random
    size = models.PositiveBigIntegerField("taille (octets)", null=True, blank=True)
    error = models.CharField("erreur", max_length=300, blank=True)
    created_at = models.DateTimeField("demandé le", default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField("disponible jusqu'au", null=True, blank=True, db_index=True)

    objects = BackgroundExportQuerySet.as_manager()

    class Meta:
        verbose_name = "export en arrière-plan"
        verbose_name_plural = "exports en arrière-plan"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "params_key", "format", "scope_key"],
                condition=Q(status__in=LIVE_STATUSES),
                name="export_one_live_per_key",
            ),
            models.CheckConstraint(condition=Q(status__in=ExportStatus.values), name="export_status_valid"),
            models.CheckConstraint(condition=Q(format__in=ExportFormat.values), name="export_format_valid"),
            models.CheckConstraint(
                condition=~Q(status=ExportStatus.DONE)
                | Q(
                    file_name__gt="", size__isnull=False, finished_at__isnull=False, expires_at__isnull=False
                ),
                name="export_done_has_file",
            ),
            models.CheckConstraint(
                condition=~Q(status=ExportStatus.FAILED) | Q(error__gt=""), name="export_failed_has_error"
            ),
            models.CheckConstraint(
                condition=Q(rows_total__isnull=True) | Q(rows_done__lte=models.F("rows_total")),
                name="export_progress_bounded",
            ),
        ]

    def __str__(self):
        return f"Export n° {self.pk} ({self.kind}, {self.format})"

    @property
    def live(self) -> bool:
        return self.status in LIVE_STATUSES

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(100, self.rows_done * 100 // self.rows_total)

    def is_expired(self, now=None) -> bool:
        """Expired from the TTL's very instant on, before the daily purge marks it."""
        if self.status == ExportStatus.EXPIRED:
            return True
        return self.status == ExportStatus.DONE and (now or timezone.now()) >= self.expires_at
