"""Password login (settings.AUTHENTICATION_BACKENDS): Django's ModelBackend, whose `get_user` — the user behind
every request's session — runs SQL compiled once (cnfs/core/compiled.py)."""

from django.contrib.auth import backends, get_user_model

from cnfs.core.compiled import CompiledQuery

PASSWORD_BACKEND = "cnfs.accounts.backends.ModelBackend"

_USER = CompiledQuery("accounts.User", lambda user_id: get_user_model()._default_manager.filter(pk=user_id))


class ModelBackend(backends.ModelBackend):
    def get_user(self, user_id):
        found = _USER(get_user_model()._meta.pk.to_python(user_id))
        if not found:
            return None
        return found[0] if self.user_can_authenticate(found[0]) else None
