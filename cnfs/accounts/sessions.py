"""The session store (settings.SESSION_ENGINE): Django's database sessions, whose lookup — one per request — runs SQL
compiled once (cnfs/core/compiled.py) instead of compiling the same query at every request."""

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from cnfs.core.compiled import CompiledQuery

_LIVE_SESSION = CompiledQuery(
    Session, lambda key, now: Session.objects.filter(session_key=key, expire_date__gt=now)
)


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        found = _LIVE_SESSION(self.session_key, timezone.now())
        if found:
            return found[0]
        self._session_key = None
        return None
