"""The session store (settings.SESSION_ENGINE): Django's database sessions, whose lookup — one per request — runs SQL
compiled once (cnfs/core/compiled.py) instead of compiling the same query at every request. A cookie that cannot be
one of its keys (Django's: lowercase letters and digits) is no session, without a query: a quoted cookie may carry
a NUL byte (the octal escape 000 inside quotes), which PostgreSQL refuses in a query."""

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.models import Session
from django.utils import timezone

from cnfs.core.compiled import CompiledQuery

_LIVE_SESSION = CompiledQuery(
    Session, lambda key, now: Session.objects.filter(session_key=key, expire_date__gt=now)
)


KEY_CHARACTERS = frozenset(VALID_KEY_CHARS)  # what Django draws new keys from


class SessionStore(db.SessionStore):
    def _validate_session_key(self, key):
        return bool(key) and 8 <= len(key) <= 40 and set(key) <= KEY_CHARACTERS

    def _get_session_from_db(self):
        found = _LIVE_SESSION(self.session_key, timezone.now())
        if found:
            return found[0]
        self._session_key = None
        return None
