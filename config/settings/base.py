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
    "django_otp",
    "django_otp.plugins.otp_totp",
    "mozilla_django_oidc",
    "cnfs.core",
    "cnfs.territories",
    "cnfs.accounts",
    "cnfs.structures",
    "cnfs.concertation",
    "cnfs.candidates",
    "cnfs.recruitment",
    "cnfs.funding",
    "cnfs.activity",
    "cnfs.teams",
    "cnfs.training",
    "cnfs.coverage",
    "cnfs.statistics",
    "cnfs.api",
    "cnfs.exports",
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
    "django_otp.middleware.OTPMiddleware",
    "cnfs.accounts.middleware.NoStoreMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "cnfs.accounts.middleware.RoleContextMiddleware",
    "cnfs.accounts.middleware.SecondFactorMiddleware",
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
# A read replica (README « Déploiement ») for the reads marked cnfs.core.replica.reading_replica; writes stay on default.
if env.DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        env.DATABASE_REPLICA_URL, conn_max_age=60, conn_health_checks=True
    ) | {"TEST": {"MIRROR": "default"}}
CNFS_READ_FROM_REPLICA = "replica" in DATABASES
DATABASE_ROUTERS = ["cnfs.core.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Accounts
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "cnfs.accounts.backends.ModelBackend",  # Django's, with the per-request user lookup compiled once
    "cnfs.accounts.proconnect.ProConnectBackend",  # answers only to a ProConnect callback, when configured
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
    # public API (cnfs/api): per partner token, and per client address without a token
    "api_token": (env.API_RATE_LIMIT_TOKEN, timedelta(hours=1)),
    "api_client": (env.API_RATE_LIMIT_CLIENT, timedelta(hours=1)),
}

# Second factor (cnfs/accounts/second_factor.py, django-otp): the roles that must pass one at every login are fixed in
# code (roles.SECOND_FACTOR_ROLES), no setting turns it off. Code attempts: so many per account in a window (on top of
# django-otp's own growing delay after each wrong TOTP code). Recovery codes: how many are issued at once.
CNFS_SECOND_FACTOR_ATTEMPTS = (10, timedelta(minutes=15))
CNFS_RECOVERY_CODES = 10
OTP_TOTP_ISSUER = "Conseiller numérique"
OTP_TOTP_THROTTLE_FACTOR = 1
# WebAuthn (passkeys, security keys): the relying party is the site's host name, its origin the public address.
CNFS_WEBAUTHN_RP_NAME = "Conseiller numérique France Services"

# ProConnect for agents (cnfs/accounts/proconnect.py, mozilla-django-oidc), configured by environment variables (see
# env.py); without PROCONNECT_CLIENT_ID the button is hidden and the backend answers nothing. An agent is matched by
# email and must already hold an agent role. A login whose ID token's `acr` is one of PROCONNECT_MFA_ACR counts as
# the second factor (ProConnect's own multi-factor levels); any other still asks for the platform's second factor.
PROCONNECT_ENABLED = bool(env.PROCONNECT_CLIENT_ID and env.PROCONNECT_URL)
PROCONNECT_ISSUER = env.PROCONNECT_URL
PROCONNECT_MFA_ACR = ["eidas2", "eidas3"]
OIDC_RP_CLIENT_ID = env.PROCONNECT_CLIENT_ID
OIDC_RP_CLIENT_SECRET = env.PROCONNECT_CLIENT_SECRET
OIDC_OP_AUTHORIZATION_ENDPOINT = f"{env.PROCONNECT_URL}/authorize"
OIDC_OP_TOKEN_ENDPOINT = f"{env.PROCONNECT_URL}/token"
OIDC_OP_USER_ENDPOINT = f"{env.PROCONNECT_URL}/userinfo"
OIDC_OP_JWKS_ENDPOINT = f"{env.PROCONNECT_URL}/jwks"
OIDC_OP_LOGOUT_ENDPOINT = f"{env.PROCONNECT_URL}/session/end"
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = "openid email given_name usual_name uid"
OIDC_AUTH_REQUEST_EXTRA_PARAMS = {"acr_values": "eidas1"}
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:proconnect_callback"
OIDC_CREATE_USER = False
OIDC_STORE_ID_TOKEN = True
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10
LOGIN_REDIRECT_URL_FAILURE = "/compte/connexion/"

SESSION_ENGINE = "cnfs.accounts.sessions"  # Django's database sessions, the lookup compiled once
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
    "export_purge": ("cnfs.exports.tasks.purge_exports", "03:15"),
    "personal_data_retention": ("cnfs.candidates.retention.apply_retention", "03:00"),
    "onboarding_reminders": ("cnfs.training.tasks.send_onboarding_reminders", "07:55"),
    "activity_report_reminders": ("cnfs.activity.report_reminders.send_report_reminders", "08:00"),
}
# Background exports (cnfs/exports): a file is kept this long, then purged; the progress is written every so many
# rows (one UPDATE), the rows read from the database in chunks of so many.
CNFS_EXPORT_TTL = timedelta(hours=24)
CNFS_EXPORT_PROGRESS_EVERY = 1000
CNFS_EXPORT_CHUNK_SIZE = 2000
# Personal data retention (SPEC §15, cnfs/candidates/retention.py; stated on the "Données personnelles" page): a
# candidate inactive this long is warned by email, then anonymised this long after the warning unless they log in;
# an account whose email was never confirmed is deleted this long after sign-up.
CNFS_CANDIDATE_INACTIVITY = timedelta(days=730)
CNFS_RETENTION_WARNING_NOTICE = timedelta(days=30)
CNFS_UNCONFIRMED_ACCOUNT_RETENTION = timedelta(days=30)
# Quarterly subsidy-use report (cnfs/funding/reports.py): due by this day after the quarter ends; reminded this many
# days before. The deadline radar flags a step "at risk" this many days before it is due.
CNFS_QUARTERLY_REPORT_DAYS = 30
CNFS_QUARTERLY_REPORT_REMINDER_DAYS = 7
CNFS_RADAR_AT_RISK_DAYS = 15
CNFS_PUBLIC_STATISTICS_CACHE = timedelta(minutes=10)
# Training (cnfs/training): a training start more than this many days after the contract start is flagged late; a
# session is confirmed (face-to-face with at least 8 registrants, else remote) from this many days before its start;
# hours a week of each rhythm (the expected end date follows); the structure is reminded of an incomplete
# onboarding checklist this many days after the contract start; the advisor community's addresses.
CNFS_TRAINING_LATE_START_DAYS = 15
CNFS_TRAINING_CUTOFF_DAYS = 10
CNFS_TRAINING_WEEKLY_HOURS = {"work_study": 7, "full_time": 35}
CNFS_ONBOARDING_REMINDER_DAYS = 15
CNFS_COMMUNITY_LINKS = [
    ("Les Bases du numérique d'intérêt général", "https://lesbases.anct.gouv.fr/"),
    ("La Coop de la médiation numérique", "https://coop-numerique.anct.gouv.fr/"),
]
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

# Territorial coverage (cnfs/coverage): a commune farther than this from every place visible on the public map is in
# a white zone ("zone blanche"); a commune exactly at this distance is covered.
CNFS_COVERAGE_WHITE_ZONE_KM = env.COVERAGE_WHITE_ZONE_KM

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
