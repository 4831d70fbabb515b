from .base import *  # noqa: F403
from .base import VAR_DIR

DEBUG = True
# Emails are written to var/emails/ and listed at /courriels/ (DEBUG only).
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "OPTIONS": {"file_path": VAR_DIR / "emails"},
    }
}
