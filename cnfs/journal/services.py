"""The one helper every workflow step calls: `record(action, obj, by=user, before=..., after=...)`."""

import json

from django.core.serializers.json import DjangoJSONEncoder

from .context import client_ip, current_request
from .models import JournalEntry, object_type_of


def _jsonable(value):
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def record(
    action: str, obj=None, *, by=None, before=None, after=None, role: str | None = None
) -> JournalEntry:
    request = current_request()
    if by is None and request is not None and request.user.is_authenticated:
        by = request.user
    if role is None and request is not None and getattr(request, "role_context", None) is not None:
        current = request.role_context.current if request.user.is_authenticated else None
        role = current.role if current else ""
    return JournalEntry.objects.create(
        actor=by if by is not None and by.pk else None,
        role=role or "",
        action=action,
        object_type=object_type_of(obj),
        object_id=str(obj.pk) if obj is not None else "",
        before=_jsonable(before),
        after=_jsonable(after),
        ip_address=client_ip(request),
    )


def snapshot(obj, fields) -> dict:
    """The values of some fields of a model instance, for before/after."""
    return {field: getattr(obj, field) for field in fields}
