"""The one helper every workflow step calls: `record(action, obj, by=user, before=..., after=...)`.

The journal holds no personal values (SPEC §14, GDPR): only ids, status and enumeration codes, numbers, dates,
booleans and the NAMES of the fields that changed. `record` enforces it whatever its caller passes (`clean`): a free
text, an email, a name or a phone keeps its key and loses its value (`REMOVED`), so the entry still says which field
changed. The journal is append-only, so a value written there could never be erased with the person's account.
"""

import datetime
import decimal
import json
import logging
import re
import uuid

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from cnfs.core.compiled import CompiledInsert

from .context import client_ip, current_request
from .models import JournalEntry, object_type_of

logger = logging.getLogger(__name__)

# What a removed value becomes: the key stays (the field changed), the value does not.
REMOVED = "[retiré]"
# An enumeration code, a status, a scope key ("departement:03"), a file format: lowercase, no spaces, no "@".
CODE = re.compile(r"[a-z0-9][a-z0-9_.:\-]{0,63}")
# Keys whose values are personal or free text whatever they look like ("ana" is a valid code, but not under
# "first_name").
PERSONAL_KEY_PARTS = (
    "name",
    "email",
    "mail",
    "phone",
    "comment",
    "motivation",
    "motive",
    "message",
    "address",
    "url",
    "text",
    "password",
    "token",
)


def _personal_key(key) -> bool:
    key = str(key).lower()
    return any(part in key for part in PERSONAL_KEY_PARTS)


def clean(value, key=""):
    """`value` with every personal or free-text value replaced by REMOVED (recursively, keeping keys)."""
    if value is None or isinstance(value, bool | int | float | decimal.Decimal | uuid.UUID):
        return value
    if isinstance(value, datetime.date | datetime.time | datetime.timedelta):
        return value
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dict):
        return {str(k): clean(v, k) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [clean(item, key) for item in value]
    if isinstance(value, str) and not _personal_key(key) and (value == "" or CODE.fullmatch(value)):
        return value
    logger.debug("journal: value of %r removed", key)
    return REMOVED


def _jsonable(value):
    if value is None:
        return None
    return json.loads(json.dumps(clean(value), cls=DjangoJSONEncoder))


def record(
    action: str, obj=None, *, by=None, before=None, after=None, role: str | None = None
) -> JournalEntry:
    request = current_request()
    if by is None and request is not None and request.user.is_authenticated:
        by = request.user
    if role is None and request is not None and getattr(request, "role_context", None) is not None:
        current = request.role_context.current if request.user.is_authenticated else None
        role = current.role if current else ""
    return _INSERT(
        JournalEntry(
            actor=by if by is not None and by.pk else None,
            role=role or "",
            action=action,
            object_type=object_type_of(obj),
            object_id=str(obj.pk) if obj is not None else "",
            before=_jsonable(before),
            after=_jsonable(after),
            ip_address=client_ip(request),
        )
    )


# Every workflow step writes an entry: the INSERT is compiled once (cnfs/core/compiled.py). JournalEntry.save only
# refuses to update a row.
_INSERT = CompiledInsert(JournalEntry)


def snapshot(obj, fields) -> dict:
    """The values of some fields of a model instance, for before/after."""
    return {field: getattr(obj, field) for field in fields}
