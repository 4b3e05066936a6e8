"""Every setting comes from the environment, with defaults that suit the embedded run.

docs/configuration.md lists each variable; keep the two in step.
"""

import os
import re
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.utils.translation import get_language_info

from samizdat.core.links import address_of_server
from samizdat.staff.axes_client import client_as_address, username_as_counted
from samizdat.staff.lockout import locked_out

PACKAGE_DIR = Path(__file__).resolve().parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Everything the running site writes (database, uploads, secret key, public output) lives here.
VAR_DIR = Path(os.environ.get("SAMIZDAT_VAR_DIR", Path.cwd() / "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key():
    """A key from the environment, or one generated once and kept in var/ for the embedded run."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Proxies in front of samizdat (our nginx, a CDN's edge), as addresses or networks: only from these
# is X-Forwarded-For believed (core/clients.py). Empty: the socket peer is the client.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")

# Where `samizdat serve` (and `make run`) listen.
HOST = os.environ.get("HOST", "127.0.0.1")
PORT = int(os.environ.get("PORT", "8000"))
# The public address of the site, used in pages, feeds, sitemaps, canonical links and emails; unset,
# the address `samizdat serve` answers on, so every command of an embedded run names the same one.
SITE_URL = (os.environ.get("SITE_URL") or address_of_server(HOST, PORT)).rstrip("/")
WAGTAILADMIN_BASE_URL = SITE_URL

INSTALLED_APPS = [
    "samizdat.core",
    "samizdat.news",
    "samizdat.publishing",
    "samizdat.newsletter",
    "samizdat.support",
    "samizdat.support.providers.stripe",
    "samizdat.support.providers.manual",
    "samizdat.support.providers.test",
    "samizdat.media",
    "samizdat.demo",
    "samizdat.staff",
    "wagtail.contrib.settings",
    "wagtail.locales",
    # "Translate" on a page copies it, every field, into a draft in another edition's locale.
    "wagtail.contrib.simple_translation",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "anymail",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "axes",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The edition from the address (/ru/...); an address without a prefix is LANGUAGE_CODE's,
    # whatever the browser asks for, so published files are the same for every reader.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): signed in with a second factor
    "samizdat.staff.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Content-Security-Policy: the readers' or the admin's (core/content_security.py, docs/security.md).
    "samizdat.core.content_security.ContentSecurityPolicyMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # A writer refused a photo or document that live pages show is told why (docs/security.md).
    "samizdat.media.held_for_review.HeldForReviewMiddleware",
    # Staff are warned when a document they upload names its author (docs/security.md).
    "samizdat.media.document_warnings.DocumentMetadataWarningMiddleware",
    "axes.middleware.AxesMiddleware",  # last: answers a locked-out sign-in with its page
]

ROOT_URLCONF = "samizdat.urls"
WSGI_APPLICATION = "samizdat.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "samizdat.core.context_processors.site_url",
                "samizdat.core.context_processors.site_settings",
                "samizdat.news.context_processors.sections",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'samizdat.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the worker writes; the timeout rides out short locks.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Staff sign-in (docs/security.md, "Staff accounts"): a second factor, throttling, sign out everywhere.
# Administrators, Editors and Moderators (and superusers) can't use the admin until they have set up an
# authenticator app or a passkey, when this is on; anyone who set one up is always asked for it.
STAFF_REQUIRE_2FA = env_bool("STAFF_REQUIRE_2FA", not DEBUG)
STAFF_2FA_GROUPS = env_list("STAFF_2FA_GROUPS", "Administrators,Editors,Moderators")
# Wrong passwords for one account from one client before sign-in is refused for STAFF_LOCKOUT_MINUTES.
STAFF_LOGIN_FAILURES = int(os.environ.get("STAFF_LOGIN_FAILURES", "10"))
STAFF_LOCKOUT_MINUTES = int(os.environ.get("STAFF_LOCKOUT_MINUTES", "30"))
# Wrong passwords for one account from all clients together (many clients, each under the limit above)
# before signing in to it is refused for everyone for STAFF_LOCKOUT_MINUTES; 0 for no such cap.
STAFF_ACCOUNT_FAILURES = int(os.environ.get("STAFF_ACCOUNT_FAILURES", "50"))
# Password-reset emails asked for, per address and per client, in an hour.
STAFF_PASSWORD_RESETS_PER_HOUR = int(os.environ.get("STAFF_PASSWORD_RESETS_PER_HOUR", "3"))
OTP_TOTP_ISSUER = os.environ.get("SITE_NAME", "samizdat")  # the name authenticator apps show
# Passkeys (WebAuthn) as a second factor, bound to the host of SITE_URL: they work on that address
# only (not on mirrors), and only over HTTPS. Browsers allow plain HTTP on localhost alone (not on an
# IP address), so an embedded run at http://127.0.0.1:PORT offers them at http://localhost:PORT.
# Never a sign-in without the password (no passwordless login).
_SITE = urlsplit(SITE_URL)
_PASSKEY_SITE = _SITE if _SITE.scheme == "https" else urlsplit(f"http://localhost:{_SITE.port or PORT}")
OTP_WEBAUTHN_RP_ID = _PASSKEY_SITE.hostname
OTP_WEBAUTHN_RP_NAME = OTP_TOTP_ISSUER
OTP_WEBAUTHN_ALLOWED_ORIGINS = [f"{_PASSKEY_SITE.scheme}://{_PASSKEY_SITE.netloc}"]
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out sign-in before the password is checked
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = STAFF_LOGIN_FAILURES
AXES_COOLOFF_TIME = timedelta(minutes=STAFF_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]  # one account from one client
AXES_RESET_ON_SUCCESS = True  # that client's failures for that account, not the other clients'
# Axes' database handler, plus the cap per account from all clients (STAFF_ACCOUNT_FAILURES).
AXES_HANDLER = "samizdat.staff.account_lock.StaffAxesHandler"
# The client as a keyed hash, written as an address: axes keeps it, the database never holds a raw IP.
AXES_CLIENT_IP_CALLABLE = client_as_address
AXES_USERNAME_CALLABLE = username_as_counted
AXES_DISABLE_ACCESS_LOG = True  # no row per successful sign-in (who, when, from where)
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_LOCKOUT_CALLABLE = locked_out
AXES_VERBOSE = False  # its log lines name the account and the client
AXES_SENSITIVE_PARAMETERS = ["password", "csrfmiddlewaretoken"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "en-gb")
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True


def editions(codes):
    """LANGUAGES from language codes: each named in its own language ("Русский"), so a switcher
    reads the same in every edition."""
    return [(code, get_language_info(code)["name_local"]) for code in codes]


# The editions, one per language, each under its prefix (/ru/); the first is LANGUAGE_CODE's,
# unprefixed. A third language is a code here and a catalogue in locale/ (docs/translation.md).
LANGUAGES = editions(
    dict.fromkeys([LANGUAGE_CODE, *os.environ.get("SAMIZDAT_LANGUAGES", "en-gb ru").split()])
)
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
# Staff choose the admin's language among the editions' (Wagtail ships its Russian).
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
# The reader's interface in other languages (docs/translation.md): one catalogue for every app.
LOCALE_PATHS = [Path(__file__).resolve().parent / "locale"]
# Dates as each language writes them ("5 December 2026", "5 декабря 2026").
FORMAT_MODULE_PATH = ["samizdat.core.formats"]
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# The embedded run serves uploads itself; behind nginx, set SERVE_MEDIA=false.
SERVE_MEDIA = env_bool("SERVE_MEDIA", True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed names (site.3f2a9c1b7e4d.css): served with far-future cache headers, safe to cache
    # forever on CDNs and mirrors. Needs `samizdat collectstatic` (make run and serve do it).
    "staticfiles": {
        "BACKEND": os.environ.get(
            "STATICFILES_STORAGE", "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = True

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # Filled by the publisher only, and only while it renders a batch of pages: outside one they
    # keep nothing, so previews and pages Django serves are always fresh.
    # "batch": what the batch's pages repeat (sections, counts, teaser data), in memory for the
    # batch alone (publishing/batch_cache.py).
    "batch": {"BACKEND": "samizdat.publishing.batch_cache.BatchCache"},
    # "pieces": teasers, feed texts and feed items' XML, kept from one batch to the next under
    # what they were made from, shared by the publisher's processes: on disk, so a restarted
    # worker finds what the last rebuild made (publishing/kept_pieces.py).
    "pieces": {
        "BACKEND": "samizdat.publishing.kept_pieces.KeptPieces",
        "LOCATION": str(VAR_DIR / "render-cache"),
        "TIMEOUT": None,
        "SHARDS": 4,
        "OPTIONS": {"size_limit": int(os.environ.get("RENDER_CACHE_MB", "1024")) * 2**20},
    },
}

# Rate limits (docs/security.md, "Endpoints and rate limits"), counted by django-ratelimit in the
# "limits" cache: on disk, so granian's worker processes share the counts (locmem is per process).
# LIMITS_CACHE_URL (redis://host:6379/0) counts in Redis instead, for several machines.
CACHES["limits"] = (
    {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["LIMITS_CACHE_URL"]}
    if os.environ.get("LIMITS_CACHE_URL")
    else {"BACKEND": "diskcache.DjangoCache", "LOCATION": str(VAR_DIR / "limits-cache"), "TIMEOUT": None}
)
RATELIMIT_USE_CACHE = "limits"
RATELIMIT_ENABLE = env_bool("RATE_LIMITS_ENABLED", True)


def env_rate(name, default):
    """A rate as django-ratelimit writes it ("30/h": 30 an hour, "5/10m"); "off" turns a limit off."""
    value = os.environ.get(name, default).strip().lower()
    if value in {"", "0", "off", "none"}:
        return None
    if not re.fullmatch(r"[1-9]\d*/\d*[smhd]", value):
        raise ValueError(f"{name}={value!r}: write a rate as a count per period, like 30/h, 5/10m or 3/d, or off")
    return value


LIMIT_SIGNUPS_PER_CLIENT = env_rate("LIMIT_SIGNUPS_PER_CLIENT", "30/h")  # newsletter signups from one address
LIMIT_SIGNUPS_PER_MAILBOX = env_rate("LIMIT_SIGNUPS_PER_MAILBOX", "10/h")  # for one inbox, +tag variants counted as one
LIMIT_CONFIRMATIONS_PER_MAILBOX = env_rate("LIMIT_CONFIRMATIONS_PER_MAILBOX", "3/d")  # confirmation emails to one inbox
LIMIT_DONATIONS_PER_CLIENT = env_rate("LIMIT_DONATIONS_PER_CLIENT", "10/h")  # checkouts started (card testing)
LIMIT_MANUAL_GIFTS_PER_CLIENT = env_rate("LIMIT_MANUAL_GIFTS_PER_CLIENT", "5/h")  # bank and crypto gifts reported
LIMIT_SEARCHES_PER_CLIENT = env_rate("LIMIT_SEARCHES_PER_CLIENT", "30/m")

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

WAGTAIL_SITE_NAME = os.environ.get("SITE_NAME", "samizdat")
# Wagtail's database search with word forms per language, one module per database
# (core/search_backends/, docs/search.md).
search_backend = {
    "django.db.backends.postgresql": "samizdat.core.search_backends.postgres",
    "django.db.backends.sqlite3": "samizdat.core.search_backends.sqlite",
}.get(DATABASES["default"]["ENGINE"], "wagtail.search.backends.database")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": search_backend}}
WAGTAIL_ENABLE_UPDATE_CHECK = False  # no calls home from the admin
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
# No Gravatar pictures in the admin: each would tell gravatar.com a hash of a staff member's email
# (the admin's Content-Security-Policy blocks them anyway).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILEMBEDS_FINDERS = []  # embeds are shown as plain links: no third-party requests
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
# Pictures are stored without location, camera or other metadata (docs/security.md); this form
# refuses one too damaged to clean, with the reason (samizdat/media/uploads.py cleans the rest).
WAGTAILIMAGES_IMAGE_FORM_BASE = "samizdat.media.forms.PictureForm"
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "txt", "xlsx", "zip"]
# Photos and documents (docs/security.md): documents only through /documents/<id>/<name>, where
# Wagtail checks a restricted collection, never from /media/documents/ (core/private_media.py).
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# Behind nginx the app checks, then nginx sends the file (X-Accel-Redirect to an internal location
# of deploy/nginx/samizdat.conf). On by default when nginx serves media (SERVE_MEDIA=false).
DOCUMENTS_X_ACCEL_REDIRECT = env_bool("DOCUMENTS_X_ACCEL_REDIRECT", not SERVE_MEDIA)
if DOCUMENTS_X_ACCEL_REDIRECT:
    SENDFILE_BACKEND = "django_sendfile.backends.nginx"  # read by wagtail.utils.sendfile
    SENDFILE_ROOT = MEDIA_ROOT / "documents"
    SENDFILE_URL = "/internal-documents"
TAGGIT_CASE_INSENSITIVE = True

NEWS_PAGE_SIZE = int(os.environ.get("NEWS_PAGE_SIZE", "20"))
# How often the worker publishes scheduled pages (go-live and expiry), in seconds.
PUBLISH_SCHEDULED_INTERVAL = int(os.environ.get("PUBLISH_SCHEDULED_INTERVAL", "60"))
# What the worker runs every PUBLISH_SCHEDULED_INTERVAL seconds (management commands and arguments).
WORKER_PERIODIC_COMMANDS = [
    ["publish_scheduled"], ["newsletter", "drafts"], ["newsletter", "resume-stalled"], ["publish", "--resume"],
    ["newsletter", "send-due"],  # an approved edition whose queued start was lost (a deploy renamed its task) still goes
    ["newsletter", "bounces"],  # reads NEWSLETTER_BOUNCE_MAILBOX when one is set
    ["privacy", "purge"],  # retention (below): acts at most hourly
]

# Static-first publishing (docs/publishing.md): every public page rendered as a file in PUBLIC_DIR.
PUBLISHING_ENABLED = env_bool("PUBLISHING_ENABLED", True)
PUBLIC_DIR = Path(os.environ.get("PUBLIC_DIR", VAR_DIR / "public"))
# The embedded server answers anonymous readers from PUBLIC_DIR before asking Django.
SERVE_PUBLIC_FILES = env_bool("SERVE_PUBLIC_FILES", True)
PUBLIC_MAX_AGE = int(os.environ.get("PUBLIC_MAX_AGE", "60"))  # seconds browsers may reuse a page
PUBLISH_PROCESSES = int(os.environ.get("PUBLISH_PROCESSES", "0"))  # full rebuilds; 0: one per CPU
# Publishing a worker took and stopped renewing for this long (it was killed) is taken up again
# by the next periodic pass (docs/publishing.md, "When a worker dies").
PUBLISH_LEASE_SECONDS = float(os.environ.get("PUBLISH_LEASE_SECONDS", "60"))
# A file that could not be written is tried again after this long, doubling up to the maximum.
PUBLISH_RETRY_SECONDS = float(os.environ.get("PUBLISH_RETRY_SECONDS", "60"))
PUBLISH_RETRY_MAX_SECONDS = float(os.environ.get("PUBLISH_RETRY_MAX_SECONDS", "3600"))
# The worker enqueues `publish --check` (every page rendered, files that differ republished) this
# often, for what the publisher can't see go wrong (files changed by hand, a restored database).
# A rebuild's CPU time, once a day by default; 0: never.
PUBLISH_CHECK_EVERY = float(os.environ.get("PUBLISH_CHECK_EVERY", str(24 * 3600)))
# Other addresses of the site (mirrors, an onion service), listed at /mirrors/ and in the footer.
MIRROR_URLS = env_list("MIRROR_URLS")

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "newsroom@localhost")
# For EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend (docs/newsletter.md).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
# The name samizdat's SMTP backend (samizdat.newsletter.smtp) greets the server with in EHLO:
# unset, the site's host name (from SITE_URL). Servers that check it refuse a machine's local name.
EMAIL_EHLO_NAME = os.environ.get("EMAIL_EHLO_NAME", "")
# django-anymail: ANYMAIL_* variables go to its settings, e.g. ANYMAIL_POSTMARK_SERVER_TOKEN, and
# ANYMAIL_WEBHOOK_SECRET ("user:password") guards the bounce and complaint webhooks.
ANYMAIL = {key[len("ANYMAIL_"):]: value for key, value in os.environ.items() if key.startswith("ANYMAIL_")}

# The newsletter (docs/newsletter.md).
NEWSLETTER_SIGNUP_ENABLED = env_bool("NEWSLETTER_SIGNUP_ENABLED", True)  # the signup block on pages
NEWSLETTER_DOUBLE_OPT_IN = env_bool("NEWSLETTER_DOUBLE_OPT_IN", True)
NEWSLETTER_CONCURRENCY = int(os.environ.get("NEWSLETTER_CONCURRENCY", "4"))  # connections per batch
NEWSLETTER_RATE_LIMIT = float(os.environ.get("NEWSLETTER_RATE_LIMIT", "0"))  # messages/s per process; 0: no limit
NEWSLETTER_BATCH_SIZE = int(os.environ.get("NEWSLETTER_BATCH_SIZE", "1000"))  # recipients per task
NEWSLETTER_CHUNK_SIZE = int(os.environ.get("NEWSLETTER_CHUNK_SIZE", "100"))  # claimed at once: the in-flight window
NEWSLETTER_MAX_ATTEMPTS = int(os.environ.get("NEWSLETTER_MAX_ATTEMPTS", "5"))
NEWSLETTER_RETRY_DELAY = float(os.environ.get("NEWSLETTER_RETRY_DELAY", "60"))  # seconds, doubled per attempt
NEWSLETTER_LEASE_SECONDS = int(os.environ.get("NEWSLETTER_LEASE_SECONDS", "600"))  # before a crashed sender's chunk is taken back
# The circuit breaker (docs/newsletter.md, "When sending fails"): refusals past this share of a
# chunk, or of the first NEWSLETTER_PAUSE_WINDOW readers tried, pause the send, at least this many.
NEWSLETTER_PAUSE_RATIO = float(os.environ.get("NEWSLETTER_PAUSE_RATIO", "0.05"))
NEWSLETTER_PAUSE_WINDOW = int(os.environ.get("NEWSLETTER_PAUSE_WINDOW", "500"))
NEWSLETTER_PAUSE_MIN_REFUSALS = int(os.environ.get("NEWSLETTER_PAUSE_MIN_REFUSALS", "3"))
# Connections failed or dropped in a row, nothing sent in between, before the send pauses.
NEWSLETTER_CONNECTION_FAILURES = int(os.environ.get("NEWSLETTER_CONNECTION_FAILURES", "5"))
# Bounces that arrive later (docs/newsletter.md): each reader's copy goes out with its own return
# path, bounces+<delivery>-<signature>@domain, made from this address; reports come back through a
# pipe (`samizdat newsletter bounce`) or from this IMAP mailbox, read by the worker.
NEWSLETTER_BOUNCE_ADDRESS = os.environ.get("NEWSLETTER_BOUNCE_ADDRESS", "")
NEWSLETTER_BOUNCE_MAILBOX = os.environ.get("NEWSLETTER_BOUNCE_MAILBOX", "")  # imaps://user:password@host/INBOX
NEWSLETTER_SOFT_BOUNCE_LIMIT = int(os.environ.get("NEWSLETTER_SOFT_BOUNCE_LIMIT", "3"))  # the last editions all delayed: suppressed
NEWSLETTER_DKIM_DOMAIN = os.environ.get("NEWSLETTER_DKIM_DOMAIN", "")
NEWSLETTER_DKIM_SELECTOR = os.environ.get("NEWSLETTER_DKIM_SELECTOR", "")
NEWSLETTER_DKIM_PRIVATE_KEY = os.environ.get("NEWSLETTER_DKIM_PRIVATE_KEY", "")  # PEM, or a path to it

SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
# No page is shown in a frame, not even by the site itself, except the admin's previews (Wagtail's
# and the newsletter edition's, which say so themselves); Content-Security-Policy's frame-ancestors follows.
X_FRAME_OPTIONS = "DENY"

# HTTPS (docs/security.md): all on when SITE_URL is https://, all off for the embedded run on
# http://127.0.0.1:8000. The fast path and nginx send the same headers (publishing/serving.py).
SITE_IS_HTTPS = SITE_URL.startswith("https://")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", SITE_IS_HTTPS)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600) if SITE_IS_HTTPS else "0"))
# Off unless asked: every subdomain must then speak HTTPS, and a preloaded domain takes months to
# leave the browsers' lists. `check --deploy` warns about both; choosing them off is deliberate.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [
    *(["security.W005"] if not SECURE_HSTS_INCLUDE_SUBDOMAINS else []),
    *(["security.W021"] if not SECURE_HSTS_PRELOAD else []),
]
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", SITE_IS_HTTPS)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", SITE_IS_HTTPS)
# Django believes X-Forwarded-Proto from anyone, so only behind a proxy we trust, which must
# set it (deploy/nginx/samizdat.conf does).
if TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = os.environ.get("SECURE_REFERRER_POLICY", "same-origin")
SECURE_CROSS_ORIGIN_OPENER_POLICY = os.environ.get("SECURE_CROSS_ORIGIN_OPENER_POLICY", "same-origin")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # The request logger would write client addresses on errors; we keep IPs out of logs.
        "django.server": {"level": "WARNING"},
        # One line per task is noise in the embedded run; failures are still logged.
        "django_tasks": {"level": "WARNING"},
        "django_tasks_db": {"level": "WARNING"},
        # The Stripe SDK logs requests at INFO and their parameters (emails among them) at DEBUG.
        "stripe": {"level": "WARNING"},
        # django-axes names the account (perhaps an email address) in its warnings; lockouts are
        # in the audit log (Reports > Site history) instead.
        "axes": {"level": "ERROR"},
    },
}

# Reader revenue (docs/support.md): donations, payment providers, appeals.
SUPPORT_ENABLED = env_bool("SUPPORT_ENABLED", True)  # /support/, the donate form, the "Support us" link
SUPPORT_APPEALS_ENABLED = env_bool("SUPPORT_APPEALS_ENABLED", True)  # banner, end-of-article and modal appeals
SUPPORT_CURRENCIES = [code.upper() for code in env_list("SUPPORT_CURRENCIES", "EUR,USD,GBP")]
SUPPORT_MINIMUM = os.environ.get("SUPPORT_MINIMUM", "1")  # major units: "1", or per currency "EUR:1,JPY:150"
SUPPORT_MAXIMUM = os.environ.get("SUPPORT_MAXIMUM", "10000")
SUPPORT_MANAGE_LINK_DAYS = int(os.environ.get("SUPPORT_MANAGE_LINK_DAYS", "14"))  # manage-my-donation links expire
SUPPORT_SNOOZE_DAYS = int(os.environ.get("SUPPORT_SNOOZE_DAYS", "7"))  # default for "Remind me later"
# Each payment provider is an app in INSTALLED_APPS, offered once configured, in that order. It keeps
# its own settings: STRIPE_* in support/providers/stripe/conf.py, the rest in its own admin settings.

# Personal data (docs/security.md, "Personal data"): how long what names a person is kept.
# `samizdat privacy purge` (run by the worker, at most hourly) removes it after this many days.
NEWSLETTER_UNCONFIRMED_DAYS = int(os.environ.get("NEWSLETTER_UNCONFIRMED_DAYS", "7"))  # signups never confirmed
NEWSLETTER_DELIVERY_LOG_DAYS = int(os.environ.get("NEWSLETTER_DELIVERY_LOG_DAYS", "90"))  # who got which edition; counts stay
TASKS_KEEP_DAYS = int(os.environ.get("TASKS_KEEP_DAYS", "14"))  # finished background task rows
# Donors at risk ask for discretion on the donate form: their receipts come from this sender name
# with this subject (no newsroom name), and their card statement shows this descriptor (Stripe:
# at most 22 characters for a one-off gift, a suffix of at most 22 for monthly and annual ones).
SUPPORT_DISCREET_SENDER = os.environ.get("SUPPORT_DISCREET_SENDER", "Receipts")
SUPPORT_DISCREET_SUBJECT = os.environ.get("SUPPORT_DISCREET_SUBJECT", "Your receipt")
SUPPORT_DISCREET_DESCRIPTOR = os.environ.get("SUPPORT_DISCREET_DESCRIPTOR", "ONLINE SERVICES")
# The `test` payment provider (no money moves) may be offered only when this is on: by default in
# DEBUG, or for a demo (`make run` turns it on and says so). Its gifts never count as revenue.
SUPPORT_TEST_PAYMENTS = env_bool("SUPPORT_TEST_PAYMENTS", DEBUG)
