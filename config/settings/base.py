"""Settings shared by every environment. `dev`, `test` and `prod` import this module and adjust it."""

from datetime import timedelta
from pathlib import Path

import dj_database_url

from . import env

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

SECRET_KEY = env.SECRET_KEY or "dev-only-insecure-key-never-used-in-production"
DEBUG = False
ALLOWED_HOSTS = env.ALLOWED_HOSTS or ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "dsfr",
    "django_htmx",
    "django_tasks_db",
    "axes",
    "cnfs.core",
    "cnfs.territories",
    "cnfs.accounts",
    "cnfs.structures",
    "cnfs.concertation",
    "cnfs.candidates",
    "cnfs.recruitment",
    "cnfs.funding",
    "cnfs.activity",
    "cnfs.training",
    "cnfs.journal",
    "cnfs.notifications",
    "cnfs.public",
    "cnfs.dashboard",
    "cnfs.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "cnfs.accounts.middleware.NoStoreMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "cnfs.accounts.middleware.RoleContextMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cnfs.core.context_processors.site",
            ],
            "builtins": ["django.templatetags.static"],
        },
    }
]
FORM_RENDERER = "cnfs.core.forms.DsfrFormRenderer"

# Database: embedded SQLite unless DATABASE_URL is set (PostgreSQL in production and CI).
SQLITE_PATH = BASE_DIR / "db.sqlite3"
if env.DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(env.DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                    "PRAGMA busy_timeout=20000; PRAGMA cache_size=-32000;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Accounts
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "cnfs.accounts.passwords.CnilPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "public:home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # 1 day
INVITATION_VALIDITY = timedelta(days=7)
# Link emailed to a structure contact to cancel a transmitted application: single use
CNFS_CANCELLATION_LINK_VALIDITY = timedelta(hours=48)
EMAIL_CONFIRMATION_VALIDITY = timedelta(days=7)

# Login attempts (django-axes): 5 failures for one account from one IP lock it for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# Axes counts the identifier the login uses (lower-case, stripped) and the client address the journal records.
AXES_USERNAME_CALLABLE = "cnfs.accounts.lockout.login_identifier"
AXES_CLIENT_IP_CALLABLE = "cnfs.journal.context.client_ip"

# Reverse proxies in front of the application that append the client address to X-Forwarded-For: the client is the
# entry that many places from the right (what a client writes itself further left is ignored). 0: REMOTE_ADDR.
CNFS_TRUSTED_PROXIES = env.TRUSTED_PROXIES if env.TRUSTED_PROXIES is not None else 0

# Anonymous forms that send email (cnfs/accounts/ratelimit.py): at most so many sends per email address and per client
# address, per form, in a window.
CNFS_RATE_LIMITS = {
    "address": (3, timedelta(hours=1)),
    "client": (20, timedelta(hours=1)),
}

SESSION_COOKIE_AGE = 60 * 60 * 12
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content Security Policy: no inline script, no third-party origin.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}

# Internationalisation
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# Files
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.STATIC_ROOT) if env.STATIC_ROOT else BASE_DIR / "staticfiles"
MEDIA_ROOT = Path(env.MEDIA_ROOT) if env.MEDIA_ROOT else VAR_DIR / "media"
# Private uploads (CVs, grant file documents): never under a URL the web server serves.
PRIVATE_ROOT = Path(env.PRIVATE_ROOT) if env.PRIVATE_ROOT else VAR_DIR / "private"

# Background tasks (django.tasks + django-tasks-db); emails are always sent from a task.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Daily tasks: name → (task, local time). Scheduled by `manage.py schedule_tasks`, see cnfs/core/scheduling.py.
CNFS_DAILY_TASKS = {
    "prefecture_digest": ("cnfs.concertation.tasks.send_prefecture_digest", "07:00"),
    "wave_opening": ("cnfs.concertation.tasks.open_waves", "00:05"),
    "recruitment_deadline_reminders": ("cnfs.recruitment.tasks.send_deadline_reminders", "07:30"),
    "grant_file_incomplete_reminders": ("cnfs.funding.tasks.send_incomplete_reminders", "07:40"),
    "grant_file_review_reminders": ("cnfs.funding.tasks.send_review_reminders", "07:45"),
    "quarterly_report_reminders": ("cnfs.funding.reports.send_quarterly_report_reminders", "07:50"),
    "activity_report_reminders": ("cnfs.activity.report_reminders.send_report_reminders", "07:55"),
}
# Quarterly subsidy-use report (cnfs/funding/reports.py): due by this day after the quarter ends; reminded this many
# days before. The deadline radar flags a step "at risk" this many days before it is due.
CNFS_QUARTERLY_REPORT_DAYS = 30
CNFS_QUARTERLY_REPORT_REMINDER_DAYS = 7
CNFS_RADAR_AT_RISK_DAYS = 15
# Periodic tasks: name → (callable, interval in minutes); same mechanism. The email sweep sends what a crash, a
# killed worker or an SMTP outage left unsent, and recovers tasks left "running" by a dead worker.
CNFS_PERIODIC_TASKS = {
    "email_sweep": ("cnfs.notifications.tasks.sweep_emails", 5),
}
# Email delivery (cnfs/notifications/tasks.py): 3 tries, waiting 1 then 10 minutes; a claim older than 15 minutes
# is a dead worker's; the sweep leaves emails younger than 2 minutes to their own task; a task running for more than
# an hour is a dead worker's.
CNFS_EMAIL_MAX_ATTEMPTS = 3
CNFS_EMAIL_RETRY_DELAYS = (60, 600)
CNFS_EMAIL_SENDING_TIMEOUT = timedelta(minutes=15)
CNFS_EMAIL_SWEEP_GRACE = timedelta(minutes=2)
CNFS_TASK_STUCK_AFTER = timedelta(hours=1)

# Emails (Django 6.1 mailers); always sent from a task, see cnfs.notifications.
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = env.DEFAULT_FROM_EMAIL
SERVER_EMAIL = env.DEFAULT_FROM_EMAIL
EMAIL_SUBJECT_PREFIX = "[Conseiller numérique] "
CNFS_BASE_URL = env.EMAIL_URL_BASE.rstrip("/")

# The journal's UPDATE/DELETE-refusing triggers (see cnfs/journal/migrations/0002).
CNFS_JOURNAL_TRIGGERS = True

# Territories
CNFS_GEOCODER = env.GEOCODER  # "offline" (commune centre) or "ban" (Base Adresse Nationale)
CNFS_BAN_URL = "https://api-adresse.data.gouv.fr/search/"
CNFS_BAN_TIMEOUT = 5
CNFS_GEO_API_URL = "https://geo.api.gouv.fr"

# Public map (cnfs/activity): the tile server of the Leaflet map (its origin is allowed in the map pages' CSP only);
# the page lists the same places without it.
CNFS_MAP_TILES_URL = env.MAP_TILES_URL
CNFS_MAP_TILES_ATTRIBUTION = env.MAP_TILES_ATTRIBUTION

# Structures: SIRET check against the State's company search ("off" or "api"), falling back to no check
# Programme mailbox of ANCT: receives what waits for ANCT (opinions given, post changes, hires to validate)
CNFS_ANCT_MAILBOX = "conseiller-numerique@anct.gouv.fr"
CNFS_SIRENE = env.SIRENE
CNFS_SIRENE_URL = "https://recherche-entreprises.api.gouv.fr/search"
CNFS_SIRENE_TIMEOUT = 3

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Funding (SPEC §7). Dated settings: each entry applies from its "from" day until the next one starts.
# State funding of one post over 24 months, by kind of structure and territory (cnfs/funding/rules.py).
CNFS_POST_FUNDING = [
    {
        "from": "2020-11-01",
        "public": 50000,
        "antilles_guyane": 70000,
        "reunion_mayotte": 67500,
        "private": 32000,
        "source": "Cahier des charges du dispositif Conseiller numérique France Services",
    },
]
# Gross monthly legal minimum wage for 35 hours a week (the contract's salary must reach it on the signature day).
CNFS_MINIMUM_WAGE = [
    {
        "from": "2024-11-01",
        "monthly_gross": "1801.80",
        "mayotte_monthly_gross": "1361.97",
        "source": "Décret n° 2024-951 du 23 octobre 2024 (SMIC horaire brut 11,88 €)",
    },
    {
        "from": "2026-01-01",
        "monthly_gross": "1823.03",
        "mayotte_monthly_gross": "1415.05",
        "source": "Décret n° 2025-1228 du 17 décembre 2025 (SMIC horaire brut 12,02 €)",
    },
]
CNFS_FULL_TIME_WEEKLY_HOURS = 35
# The Banque des Territoires reviews a transmitted file within so many days.
CNFS_CONFORMITY_REVIEW_DAYS = 15
# A grant agreement lasts at most so many months.
CNFS_AGREEMENT_MAX_MONTHS = 36
# Uploads of the grant file: PDF, JPEG or PNG, at most this size.
CNFS_GRANT_FILE_MAX_BYTES = 10 * 1024 * 1024
