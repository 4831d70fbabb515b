"""Issuing, revoking and checking partners' API keys."""

import hashlib
import secrets
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from cnfs.journal.services import record

from .models import ApiScope, ApiToken

KEY_PREFIX = "cnfs_"
# A token's last use is written at most this often (not on every request).
LAST_USED_PRECISION = timedelta(minutes=5)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class AlreadyIssued(Exception):
    """The issuance form with this submission key has already issued its token (a double submit)."""

    def __init__(self, token: ApiToken):
        super().__init__(token.prefix)
        self.token = token


@transaction.atomic
def issue(
    *, partner: str, scopes, departements=(), expires_at=None, by, submission_key=None
) -> tuple[ApiToken, str]:
    """A new token for `partner`; returns it with its key, which is shown once and never stored. A form sent twice
    (the same `submission_key`) issues one token: the second call raises AlreadyIssued with the first token, whose
    key cannot be shown again."""
    scopes = sorted(set(scopes))
    if not scopes or not set(scopes) <= set(ApiScope.values):
        raise ValueError(f"portées inconnues : {scopes}")
    key = KEY_PREFIX + secrets.token_urlsafe(40)
    try:
        with transaction.atomic():
            token = ApiToken.objects.create(
                partner=partner,
                prefix=key[: len(KEY_PREFIX) + 7],
                key_hash=_hash(key),
                scopes=scopes,
                expires_at=expires_at,
                issued_by=by,
                submission_key=submission_key,
            )
    except IntegrityError:
        first = ApiToken.objects.filter(submission_key=submission_key).first() if submission_key else None
        if first is None:
            raise
        raise AlreadyIssued(first) from None
    token.departements.set(departements)
    record(
        "api_token.issued",
        token,
        by=by,
        after={
            "scopes": scopes,
            "departements": sorted(d.pk for d in departements),
            "expires_at": expires_at,
        },
    )
    return token, key


@transaction.atomic
def revoke(token: ApiToken, *, by) -> ApiToken:
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_by = by
        token.save(update_fields=["revoked_at", "revoked_by"])
        record("api_token.revoked", token, by=by, before={"revoked": False}, after={"revoked": True})
    return token


def authenticate(key: str) -> ApiToken | None:
    """The usable token whose key this is, or None."""
    key = (key or "").strip()
    if not key.startswith(KEY_PREFIX) or len(key) > 200:
        return None
    token = ApiToken.objects.usable().filter(key_hash=_hash(key)).prefetch_related("departements").first()
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
