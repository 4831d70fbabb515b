"""Production: refuses to start without SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL."""

import dj_database_url

from . import env
from .base import *  # noqa: F403
from .base import MIDDLEWARE

SECRET_KEY = env.required("SECRET_KEY")
ALLOWED_HOSTS = env.required("ALLOWED_HOSTS").split(",")
DATABASES = {
    "default": dj_database_url.parse(env.required("DATABASE_URL"), conn_max_age=60, conn_health_checks=True)
}
DEBUG = False

# Behind a TLS-terminating proxy.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = [f"https://{host}" for host in ALLOWED_HOSTS]
# The documented deployment has one proxy (nginx) that appends the client address to X-Forwarded-For.
CNFS_TRUSTED_PROXIES = env.TRUSTED_PROXIES if env.TRUSTED_PROXIES is not None else 1

MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": env.EMAIL_HOST,
            "port": env.EMAIL_PORT,
            "username": env.EMAIL_HOST_USER,
            "password": env.EMAIL_HOST_PASSWORD,
            "use_tls": env.EMAIL_USE_TLS,
            "timeout": 20,
        },
    }
}

# Static files: served by the application (whitenoise) under hashed names, gzip-compressed at collectstatic, cached
# for a year; the reverse proxy passes /static/ through (or serves STATIC_ROOT with the same headers), see README.
_after = MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1
MIDDLEWARE = [*MIDDLEWARE[:_after], "cnfs.core.staticfiles.StaticFilesMiddleware", *MIDDLEWARE[_after:]]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
