"""Settings of the national benchmark's server (gunicorn) and data builder: the test settings on a real database.

`DATABASE_URL` selects PostgreSQL; `BENCH_SQLITE` (a file path) selects an SQLite file with the project's own SQLite
options (WAL…). Each response carries the number of SQL queries its view ran (`X-Bench-Queries`)."""

from django.db import connections

from config.settings import env
from config.settings.test import *  # noqa: F403
from config.settings.test import DATABASES, MIDDLEWARE

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
AXES_ENABLED = False  # the bench never logs in through the form: its sessions are created by the data builder
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
if env.get("BENCH_SQLITE"):
    DATABASES["default"] = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": env.get("BENCH_SQLITE"),
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                "PRAGMA busy_timeout=20000; PRAGMA cache_size=-32000;"
            ),
        },
    }


class QueryCountMiddleware:
    """Counts the SQL queries of each request into the `X-Bench-Queries` response header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connections["default"].execute_wrapper(counter):
            response = self.get_response(request)
        # A streamed body runs its queries after this point: those are not counted.
        response["X-Bench-Queries"] = f"{count}+" if getattr(response, "streaming", False) else str(count)
        return response


MIDDLEWARE = ["bench.settings.QueryCountMiddleware", *MIDDLEWARE]

# bench/static_weight.py: static files served as in production ("compressed"), or uncompressed ("plain").
if env.get("BENCH_STATIC"):
    from pathlib import Path

    STATIC_ROOT = Path(env.get("BENCH_STATIC_ROOT"))
    MIDDLEWARE = [MIDDLEWARE[0], "whitenoise.middleware.WhiteNoiseMiddleware", *MIDDLEWARE[1:]]
    storage = {
        "compressed": "whitenoise.storage.CompressedManifestStaticFilesStorage",
        "plain": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage",
    }[env.get("BENCH_STATIC")]
    STORAGES = {**STORAGES, "staticfiles": {"BACKEND": storage}}  # noqa: F405
