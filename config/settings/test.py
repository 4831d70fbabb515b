from .base import *  # noqa: F403
from .base import BASE_DIR, DATABASES

# The replica is the test database itself, through a second connection (tests/core/test_replica.py turns the
# routing on with CNFS_READ_FROM_REPLICA; the other tests read from default).
DATABASES.setdefault("replica", {**DATABASES["default"], "TEST": {"MIRROR": "default"}})
CNFS_READ_FROM_REPLICA = False

SECRET_KEY = "test-only-key"
# Argon2 is the production hasher (see base); tests use a fast one.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PRIVATE_ROOT = BASE_DIR / "var" / "test-private"
CNFS_BASE_URL = "http://testserver"
AXES_ENABLED = True
# Test databases are emptied between transactional tests (browser, concurrency): the journal triggers would refuse
# it, so tests/journal/test_journal.py installs them inside its own tests instead.
CNFS_JOURNAL_TRIGGERS = False
CNFS_SIRENE = "off"  # tests never touch the network: they inject a fake directory
