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


def integer(name: str, default: int | None) -> int | None:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError as error:
        raise ImproperlyConfigured(
            f"La variable d'environnement {name} doit être un nombre entier."
        ) from error


def listing(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"La variable d'environnement {name} est obligatoire en production.")
    return value


DATABASE_URL = get("DATABASE_URL")
# A PostgreSQL streaming replica: the dashboards, exports and public statistics read from it when set (cnfs/core/replica.py).
DATABASE_REPLICA_URL = get("DATABASE_REPLICA_URL")
SECRET_KEY = get("SECRET_KEY")
ALLOWED_HOSTS = listing("ALLOWED_HOSTS")
GEOCODER = get("CNFS_GEOCODER", "offline")
SIRENE = get("CNFS_SIRENE", "off")
MAP_TILES_URL = get("CNFS_MAP_TILES_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILES_ATTRIBUTION = get("CNFS_MAP_TILES_ATTRIBUTION", "© les contributeurs d'OpenStreetMap")
COVERAGE_WHITE_ZONE_KM = integer("CNFS_COVERAGE_WHITE_ZONE_KM", 20)
if COVERAGE_WHITE_ZONE_KM <= 0:
    raise ImproperlyConfigured("La variable d'environnement CNFS_COVERAGE_WHITE_ZONE_KM doit être positive.")
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
# How many reverse proxies in front of the application append to X-Forwarded-For (nginx: 1). 0 = none: the
# client address is REMOTE_ADDR. Unset: 0 in development, 1 in production (config/settings/prod.py).
TRUSTED_PROXIES = integer("CNFS_TRUSTED_PROXIES", None)
if TRUSTED_PROXIES is not None and TRUSTED_PROXIES < 0:
    raise ImproperlyConfigured(
        "La variable d'environnement CNFS_TRUSTED_PROXIES doit être positive ou nulle."
    )
# ProConnect (the State's OpenID Connect federation for public agents): the login button shows only when the client
# id is set. PROCONNECT_URL is the provider's base (its endpoints are /authorize, /token, /userinfo, /jwks, /session/end
# under it, e.g. https://auth.agentconnect.gouv.fr/api/v2 in production, the integration platform's in test).
PROCONNECT_CLIENT_ID = get("PROCONNECT_CLIENT_ID")
PROCONNECT_CLIENT_SECRET = get("PROCONNECT_CLIENT_SECRET")
PROCONNECT_URL = get("PROCONNECT_URL").rstrip("/")

# Public API rate limits, requests per hour (cnfs/api): per partner token, per client address without a token.
API_RATE_LIMIT_TOKEN = integer("CNFS_API_RATE_LIMIT_TOKEN", 5000)
API_RATE_LIMIT_CLIENT = integer("CNFS_API_RATE_LIMIT_CLIENT", 1000)
