"""Keyset ("cursor") pagination: a page is what comes after the last row of the previous one, in a fixed order, so
that rows added meanwhile neither repeat nor vanish and every page costs the same however deep. The cursor is the
last row's key, encoded (opaque to clients)."""

import base64
import binascii
import json
from urllib.parse import urlencode

from ninja.errors import HttpError

INVALID_CURSOR = "Le curseur de pagination est invalide : reprenez depuis la première page (sans « cursor »)."


def encode(key) -> str:
    return base64.urlsafe_b64encode(json.dumps(key, separators=(",", ":")).encode()).decode().rstrip("=")


def decode(cursor: str | None, *, size: int):
    """The key a cursor holds (a list of `size` values), None for no cursor; HttpError 400 when it is not one of
    ours."""
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, UnicodeError, binascii.Error):
        raise HttpError(400, INVALID_CURSOR) from None
    if not isinstance(key, list) or len(key) != size or not all(isinstance(v, int | str) for v in key):
        raise HttpError(400, INVALID_CURSOR)
    return key


def next_url(request, key, has_more: bool) -> str | None:
    if not has_more:
        return None
    query = request.GET.copy()
    query["cursor"] = encode(key)
    return request.build_absolute_uri(f"{request.path}?{urlencode(sorted(query.items()))}")
