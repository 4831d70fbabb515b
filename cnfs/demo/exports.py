"""A demo background export, requested and built through the real services: ANCT's "Mes exports" opens on the
national list of structures, ready to download (for CNFS_EXPORT_TTL, then expired like any other)."""

from cnfs.accounts.roles import Role
from cnfs.exports import services
from cnfs.exports.models import BackgroundExport


def seed_exports(*, anct) -> None:
    if BackgroundExport.objects.filter(requested_by=anct).exists():
        return
    assignment = anct.role_assignments.get(role=Role.ANCT)
    export, _ = services.request_export("structures", "xlsx", {}, user=anct, assignment=assignment)
    services.build(export.pk)  # what the worker does; its own task then finds nothing left to do
