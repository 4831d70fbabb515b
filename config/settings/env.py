"""Every environment variable the project reads, in one place.

`required()` is used by the production settings: a missing value stops the process with a clear message.
"""

import os

from django.core.exceptions import ImproperlyConfigured


def get(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def integer(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def listing(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"La variable d'environnement {name} est obligatoire en production.")
    return value


DATABASE_URL = get("DATABASE_URL")
SECRET_KEY = get("SECRET_KEY")
ALLOWED_HOSTS = listing("ALLOWED_HOSTS")
GEOCODER = get("CNFS_GEOCODER", "offline")
SIRENE = get("CNFS_SIRENE", "off")
EMAIL_URL_BASE = get("CNFS_BASE_URL", "http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = get(
    "DEFAULT_FROM_EMAIL",
    "Conseiller numérique France Services <ne-pas-repondre@conseiller-numerique.gouv.fr>",
)
EMAIL_HOST = get("EMAIL_HOST", "localhost")
EMAIL_PORT = integer("EMAIL_PORT", 25)
EMAIL_HOST_USER = get("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = get("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = flag("EMAIL_USE_TLS")
MEDIA_ROOT = get("CNFS_MEDIA_ROOT")
PRIVATE_ROOT = get("CNFS_PRIVATE_ROOT")
STATIC_ROOT = get("CNFS_STATIC_ROOT")
