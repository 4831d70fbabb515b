"""A small limiter for the anonymous forms that send email: so many per address and so many per client address
(see client_ip) in a fixed window, for each form.

Backed by the database (RateCounter) rather than Django's cache: the count must be shared by every gunicorn worker
and every host, which the default local-memory cache is not; a DatabaseCache would be, but its `incr` is a read then
a write (two workers can both read 2 and both write 3) and it needs its own table created out of migrations. Here the
increment is one UPDATE … SET count = count + 1, backed by a unique (key, window) constraint, so concurrent
requests are counted exactly. Keys are hashed with the secret key: no email or IP address is stored in clear.
"""

import hashlib
import hmac
from datetime import UTC, datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from cnfs.journal.context import client_ip

from .models import RateCounter, User


def message() -> str:
    minutes = max(int(period.total_seconds() // 60) for _, period in settings.CNFS_RATE_LIMITS.values())
    delay = "une heure" if minutes == 60 else f"{minutes} minutes"
    return (
        "Trop de demandes en peu de temps pour cette adresse électronique ou depuis votre connexion. "
        f"Pour votre sécurité, réessayez dans {delay}."
    )


def _key(scope: str, kind: str, value: str) -> str:
    secret = settings.SECRET_KEY.encode()
    return hmac.new(secret, f"{scope}\0{kind}\0{value}".encode(), hashlib.sha256).hexdigest()


def hit(scope: str, kind: str, value: str, *, period=None) -> int:
    """Counts one more action of `value` for `scope` in the current window of `kind` (or of the `period` given);
    returns the new count."""
    if period is None:
        _, period = settings.CNFS_RATE_LIMITS[kind]
    seconds = max(1, int(period.total_seconds()))
    now = timezone.now()
    window = int(now.timestamp()) // seconds
    key = _key(scope, kind, value)
    rows = RateCounter.objects.filter(key=key, window=window)
    with transaction.atomic():
        if not rows.update(count=F("count") + 1):
            try:
                with transaction.atomic():
                    RateCounter.objects.create(
                        key=key,
                        window=window,
                        count=1,
                        expires_at=datetime.fromtimestamp((window + 1) * seconds, tz=UTC),
                    )
            except IntegrityError:  # created meanwhile by a concurrent request: count on it
                rows.update(count=F("count") + 1)
            else:
                RateCounter.objects.filter(expires_at__lt=now).delete()
        return rows.values_list("count", flat=True).get()


def allow(scope: str, request, *, address: str = "") -> bool:
    """Counts this action for the form `scope`, per email `address` (normalised) and per client; False once either
    passed its limit in the current window."""
    allowed = True
    address = User.objects.normalize_email(address)
    checks = [("address", address)] if address else []
    checks.append(("client", client_ip(request) or "unknown"))
    for kind, value in checks:
        limit, _ = settings.CNFS_RATE_LIMITS[kind]
        if hit(scope, kind, value) > limit:
            allowed = False
    return allowed
