"""Settings shared by every environment.

Secure by default: DEBUG is off, cookies are secure, HSTS is on. `dev` and `test` loosen what they must.
Every environment variable the project reads is read here, and nowhere else; each one is listed in
`.env.example` and in the README. A missing variable falls back to an embedded default (SQLite,
local-memory cache, console e-mail, inline tasks, files on the local disk, no Stripe); so does an empty one,
since `.env.example`, copied as the operator's environment file, lists every variable and leaves most empty.
"""

import os
from pathlib import Path

import environ
from botocore.config import Config as BotocoreConfig
from celery.schedules import crontab
from csp.constants import NONCE as _csp_nonce
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django_guid.integrations import CeleryIntegration
from oscar.defaults import *  # noqa: F401,F403  (Oscar's OSCAR_* defaults, overridden below)

BASE_DIR = Path(__file__).resolve().parents[2]
VAR_DIR = BASE_DIR / "var"


def _forget_empty_variables():
    """An empty variable means its default: `.env.example`, copied as the operator's environment file (`.env`,
    compose's env_file, systemd's EnvironmentFile), lists every variable and leaves most of them empty."""
    for name in [name for name, value in os.environ.items() if value == ""]:
        del os.environ[name]


# The environment first; the `.env` file (DJANGO_ENV_FILE, default `.env` beside manage.py) fills in the rest.
_forget_empty_variables()
environ.Env.read_env(os.environ.get("DJANGO_ENV_FILE") or BASE_DIR / ".env", overwrite=False)
_forget_empty_variables()
env = environ.Env()

# --- Core ----------------------------------------------------------------------------------------
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_BASE_URL = env.str("SITE_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")

ROOT_URLCONF = "reemploi.urls"
WSGI_APPLICATION = "reemploi.wsgi.application"
SITE_ID = 1
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

INSTALLED_APPS = [
    # Project apps first: their templates and management commands win.
    "accounts",
    "content",
    "devices",
    "shop",
    "payments",
    "rental",
    "demo",
    "network",
    "programmes",
    "reemploi",  # the toolkit: its management commands (backup, restore) and tasks
    "django_guid",  # the request id (X-Request-ID) in responses and log lines
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.routable_page",
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
    # allauth
    "allauth",
    "allauth.account",
    # Oscar (from oscar.INSTALLED_APPS, minus what Django already lists)
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.flatpages",
    "django.contrib.sitemaps",
    "oscar.config.Shop",
    "oscar.apps.analytics.apps.AnalyticsConfig",
    "shop.checkout.apps.CheckoutConfig",
    "oscar.apps.address.apps.AddressConfig",
    "oscar.apps.shipping.apps.ShippingConfig",
    "oscar.apps.catalogue.apps.CatalogueConfig",
    "oscar.apps.catalogue.reviews.apps.CatalogueReviewsConfig",
    "oscar.apps.communication.apps.CommunicationConfig",
    "shop.partner.apps.PartnerConfig",
    "shop.basket.apps.BasketConfig",
    "oscar.apps.payment.apps.PaymentConfig",
    "oscar.apps.offer.apps.OfferConfig",
    "oscar.apps.order.apps.OrderConfig",
    "oscar.apps.customer.apps.CustomerConfig",
    "oscar.apps.search.apps.SearchConfig",
    "oscar.apps.voucher.apps.VoucherConfig",
    "oscar.apps.wishlists.apps.WishlistsConfig",
    "shop.dashboard.apps.DashboardConfig",  # Oscar's dashboard, for the network coordinators only
    "oscar.apps.dashboard.reports.apps.ReportsDashboardConfig",
    "oscar.apps.dashboard.users.apps.UsersDashboardConfig",
    "oscar.apps.dashboard.orders.apps.OrdersDashboardConfig",
    "shop.dashboard.catalogue.apps.CatalogueDashboardConfig",
    "oscar.apps.dashboard.offers.apps.OffersDashboardConfig",
    "oscar.apps.dashboard.partners.apps.PartnersDashboardConfig",
    "oscar.apps.dashboard.pages.apps.PagesDashboardConfig",
    "oscar.apps.dashboard.ranges.apps.RangesDashboardConfig",
    "oscar.apps.dashboard.reviews.apps.ReviewsDashboardConfig",
    "oscar.apps.dashboard.vouchers.apps.VouchersDashboardConfig",
    "oscar.apps.dashboard.communications.apps.CommunicationsDashboardConfig",
    "oscar.apps.dashboard.shipping.apps.ShippingDashboardConfig",
    "widget_tweaks",
    "haystack",
    "treebeard",
    "django_tables2",
    "sorl.thumbnail",
    "django.contrib.humanize",
    "django.contrib.postgres",  # trigram lookups of the shop's search (inactive on other databases)
    "django_ratelimit",
]

MIDDLEWARE = [
    "django_guid.middleware.guid_middleware",  # X-Request-ID: the proxy's, or a new one; in every log line
    "django.middleware.security.SecurityMiddleware",
    "reemploi.uploads.request_body_limit",  # 413 for a body over REQUEST_BODY_MAX_MB, before it is read
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "oscar.apps.basket.middleware.BasketMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "content.routing.known_site",  # the request's Wagtail site without a query (kept per content version)
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "shop.context_processors.search_form",  # Oscar's, made only when used
                "oscar.apps.checkout.context_processors.checkout",
                "oscar.apps.communication.notifications.context_processors.notifications",
                "oscar.core.context_processors.metadata",
                "content.context_processors.site_chrome",
            ],
            # The platform's own template library: `{% load money %}{{ amount|euros }}` (reemploi/money.py).
            "libraries": {"money": "reemploi.money"},
        },
    },
]

# --- Database --------------------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers on the embedded default: take the write lock at BEGIN, wait for it rather
    # than failing at once, and let readers work during writes (WAL). See shared/STACK.md #13.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
# Keep connections between requests (opening one, and its PRAGMAs on SQLite, costs more than a page's queries).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# --- Cache, sessions, task queue -------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
# django-redis rather than Django's own Redis backend: with IGNORE_EXCEPTIONS, Redis down means a cache that
# misses (logged), not a site that answers 500 — pages are made from the database, sessions read from it
# (cached_db), cached versions are missing so nothing stale is served; public forms' rate limits fail closed
# (django-ratelimit: "too many attempts" rather than an error), allauth's let the login through.
REDIS_CACHE_OPTIONS = {
    "IGNORE_EXCEPTIONS": True,
    "SOCKET_CONNECT_TIMEOUT": env.float("REDIS_CONNECT_TIMEOUT", default=0.5),
    "SOCKET_TIMEOUT": env.float("REDIS_TIMEOUT", default=0.5),
}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": REDIS_URL, "OPTIONS": REDIS_CACHE_OPTIONS},
        "pages": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "pages",
            "OPTIONS": REDIS_CACHE_OPTIONS,
        },
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    # Room for every fragment of the site and the shop's cards: Django's default of 300 entries made the local
    # cache cull a third of itself every few requests, the content and catalogue versions with it — and with
    # a new version every fragment and cached page was made again.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "default",
            "OPTIONS": {"MAX_ENTRIES": 50_000},
        },
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "pages",
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        },
    }
SILENCED_SYSTEM_CHECKS = []
if not REDIS_URL:
    # Embedded default: counters live in each process's memory (a limit per worker). Production sets REDIS_URL.
    SILENCED_SYSTEM_CHECKS += ["django_ratelimit.E003", "django_ratelimit.W001"]

# Anonymous page cache for Wagtail pages (0 = off). Cleared whenever a page is published or unpublished.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=0)

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
if CELERY_BROKER_URL.startswith("filesystem://"):
    # `make run` without Redis: kombu's filesystem transport, messages as files under var/broker/.
    _broker_dir = VAR_DIR / "broker"
    for _folder in ("queue", "processed"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),  # broadcast (pings): not in the current directory
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TIMEZONE = "Europe/Paris"
CELERY_BEAT_SCHEDULE = {
    # Wagtail's scheduled publishing ("go live" / "expiry" dates set by editors).
    "publish-scheduled-pages": {"task": "content.tasks.publish_scheduled_pages", "schedule": 60.0},
    # Card payments left in doubt (browser closed, webhook lost, capture failed): settled from Stripe's state.
    "shop-reconcile-payments": {"task": "shop.tasks.reconcile_payments", "schedule": 900.0},
    # Payment at pickup: reminders the day before, and the stock of passed reservations released.
    "shop-pickup-reservations": {"task": "shop.tasks.pickup_reservations", "schedule": 900.0},
    # Invoices on transfer or mandat administratif past their due date: the buyer reminded weekly.
    "shop-overdue-invoices": {"task": "shop.tasks.remind_overdue_invoices", "schedule": crontab(hour=9, minute=0)},
    # Rental: due-date and overdue reminders, the purge of finished applications, and the waitlist
    # offered devices reserved for rental from the workshop pages.
    "rental-reminders": {"task": "rental.tasks.send_reminders", "schedule": 86400.0},
    "rental-purge": {"task": "rental.tasks.purge_applications", "schedule": 86400.0},
    "rental-allocate-waitlist": {"task": "rental.tasks.allocate_waitlist", "schedule": 900.0},
    # Relay partners reminded of the programme devices they have not handed over yet.
    "programmes-remind-partners": {"task": "programmes.tasks.remind_partners", "schedule": crontab(hour=9, minute=30)},
    # The database and the stored files, every night (`manage.py backup`; BACKUP_* below).
    "backup-nightly": {"task": "reemploi.tasks.backup_nightly", "schedule": crontab(hour=3, minute=15)},
}

# --- E-mail ----------------------------------------------------------------------------------------
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
for _key in ("EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD", "EMAIL_USE_TLS", "EMAIL_USE_SSL"):
    if _key in _email:
        globals()[_key] = _email[_key]
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Réemploi OGO <ne-pas-repondre@reemploi.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
STAFF_NOTIFICATION_EMAILS = env.list("STAFF_NOTIFICATION_EMAILS", default=["equipe@reemploi.example"])

# --- Files -----------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
# Private files (proofs of enrolment, agreements, certificates): never under MEDIA_URL, served only
# through permission-checked views.
PRIVATE_ROOT = VAR_DIR / "private"

AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default=None)
    AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default=None)
    AWS_ACCESS_KEY_ID = env.str("AWS_ACCESS_KEY_ID", default=None)
    AWS_SECRET_ACCESS_KEY = env.str("AWS_SECRET_ACCESS_KEY", default=None)
    AWS_S3_CUSTOM_DOMAIN = env.str("AWS_S3_CUSTOM_DOMAIN", default=None)
    AWS_S3_FILE_OVERWRITE = False
    # A store that does not answer costs a page a few seconds at most (botocore's defaults wait a minute and
    # retry five times): connect within 2 s, read within 10 s, one retry.
    AWS_S3_CLIENT_CONFIG = BotocoreConfig(
        connect_timeout=env.float("AWS_S3_CONNECT_TIMEOUT", default=2),
        read_timeout=env.float("AWS_S3_READ_TIMEOUT", default=10),
        retries={"max_attempts": 2, "mode": "standard"},
        signature_version="s3v4",
        s3={"addressing_style": env.str("AWS_S3_ADDRESSING_STYLE", default="auto")},
    )
    AWS_PRIVATE_BUCKET_NAME = env.str("AWS_PRIVATE_BUCKET_NAME", default=AWS_STORAGE_BUCKET_NAME)
    _public_storage = {
        "BACKEND": "reemploi.storage.ReadTolerantS3Storage",
        "OPTIONS": {"location": "media", "querystring_auth": False},
    }
    _private_storage = {
        "BACKEND": "reemploi.storage.ReadTolerantS3Storage",
        "OPTIONS": {
            "bucket_name": AWS_PRIVATE_BUCKET_NAME,
            "location": "private",
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 300,
            "custom_domain": None,
        },
    }
else:
    _public_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    _private_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_ROOT, "base_url": None},
    }
# Backups (`manage.py backup`, daily by beat): a bucket of their own when BACKUP_BUCKET_NAME is set (with
# the S3 connection above), else a folder, var/backups by default — on a disk other than the database's.
BACKUP_BUCKET_NAME = env.str("BACKUP_BUCKET_NAME", default="")
BACKUP_RETENTION_DAYS = env.int("BACKUP_RETENTION_DAYS", default=30)
if BACKUP_BUCKET_NAME and AWS_STORAGE_BUCKET_NAME:
    _backup_storage = {
        "BACKEND": "reemploi.storage.ReadTolerantS3Storage",
        "OPTIONS": {
            "bucket_name": BACKUP_BUCKET_NAME,
            "default_acl": "private",
            "querystring_auth": True,
            "custom_domain": None,
            "file_overwrite": False,
        },
    }
else:
    _backup_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env.path("BACKUP_DIR", default=VAR_DIR / "backups"), "base_url": None},
    }
STORAGES = {
    "default": _public_storage,
    "private": _private_storage,
    "backups": _backup_storage,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_PERMISSIONS = 0o640
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
# The largest request body received at all (every file of a form together); each field has its own smaller limit.
REQUEST_BODY_MAX_MB = env.int("REQUEST_BODY_MAX_MB", default=100)

# --- Internationalisation --------------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

# --- Security (secure by default; dev loosens) -----------------------------------------------------
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"  # Wagtail's preview views override it with SAMEORIGIN themselves

# Content-Security-Policy (django-csp): nothing from outside the site — no CDN, fonts or trackers; inline
# scripts only with the response's nonce; Stripe only on the payment pages (`payments.csp.allows_stripe`).
# The back offices (Wagtail, Django admin, Oscar's dashboard) are left out: their own scripts and styles are
# inline, and only staff reach them.
_media_origins = []
if AWS_STORAGE_BUCKET_NAME:
    if AWS_S3_CUSTOM_DOMAIN:
        _media_origins.append(f"https://{AWS_S3_CUSTOM_DOMAIN}")
    elif AWS_S3_ENDPOINT_URL:
        _media_origins.append(AWS_S3_ENDPOINT_URL.rstrip("/"))
    else:
        _media_origins.append(f"https://{AWS_STORAGE_BUCKET_NAME}.s3.amazonaws.com")
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ("/admin/", "/django-admin/", "/boutique/dashboard/"),
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", _csp_nonce],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *_media_origins],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'none'"],
        "frame-ancestors": ["'self'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}
# Permissions-Policy (django-permissions-policy): the browser features no page uses are off; the payment
# request API only for Stripe's frames; the workshop's photos use the file picker, not the camera API.
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "camera": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "payment": ["self", "https://js.stripe.com"],
    "usb": [],
}
OSCAR_BASKET_COOKIE_SECURE = True
OSCAR_RECENTLY_VIEWED_COOKIE_SECURE = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "oscar.apps.customer.auth_backends.EmailBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    # Permissions from a person's roles at member associations (logs nobody in).
    "devices.backends.MembershipBackend",
]

# What each role at a member association may do (devices.Membership). What it reaches is scoped to the
# person's own associations by every back office; a network coordinator (devices.coordinate_network) sees all.
MEMBER_ROLE_PERMISSIONS = {
    "technician": [
        "wagtailadmin.access_admin",
        "devices.view_intakebatch",
        "devices.add_intakebatch",
        "devices.change_intakebatch",
        "devices.view_donor",
        "devices.add_donor",
        "devices.change_donor",
        "devices.view_association",
        "devices.view_device",
        "devices.view_deviceevent",
        "devices.operate_device",
    ],
    "shop_counter": ["wagtailadmin.access_admin", "shop.manage_orders", "devices.view_association"],
    "rental_officer": [
        "wagtailadmin.access_admin",
        "rental.manage_rentals",
        "rental.view_application",
        "rental.view_trainingprogramme",
        "devices.view_device",
        "devices.view_association",
    ],
    "member_admin": [
        "wagtailadmin.access_admin",
        "devices.view_association",
        "devices.change_association",
        "devices.view_membership",
        "devices.add_membership",
        "devices.change_membership",
        "devices.delete_membership",
    ],
}

# --- Accounts (allauth) ----------------------------------------------------------------------------
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Réemploi] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
# Behind a TLS proxy, the client's address is the last one the proxies appended to X-Forwarded-For:
# rate limits count per visitor, not per proxy.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    # 5 failures lock an account; an address is locked after 30 (a training centre's trainees share one).
    "login_failed": "30/5m/ip,5/5m/key",
    "signup": "10/h/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "5/h/ip,3/h/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
}

# --- Wagtail ---------------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Réemploi – OGO"
WAGTAILADMIN_BASE_URL = SITE_BASE_URL
# The admin signs in through allauth, so its rate limits protect the back office too.
WAGTAILADMIN_LOGIN_URL = "/compte/login/"
WAGTAIL_FRONTEND_LOGIN_URL = "/compte/login/"  # private pages
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_IMAGE_FORM_BASE = "content.image_forms.ReadableImageForm"  # Pillow must read it
WAGTAILDOCS_EXTENSIONS = ["pdf", "odt", "docx", "xlsx", "ods", "csv", "txt"]
# Documents always through Wagtail's view (`/documents/<id>/<name>`), which checks the collection's privacy,
# never as a file under /media/: PDFs and plain text open in the browser with nothing they embed allowed to
# run or load (Wagtail's `Content-Security-Policy: default-src 'none'`); every other type is downloaded.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_INLINE_CONTENT_TYPES = ["application/pdf", "text/plain"]
WAGTAILDOCS_BLOCK_EMBEDDED_CONTENT = True
WAGTAILEMBEDS_RESPONSIVE_HTML = True
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # no third-party request from the back office
WAGTAIL_DATE_FORMAT = "%d/%m/%Y"
WAGTAIL_DATETIME_FORMAT = "%d/%m/%Y %H:%M"
WAGTAILADMIN_PERMITTED_LANGUAGES = [("fr", "Français"), ("en", "English")]

# Public map of member associations: an inline SVG by default (no third-party request). Setting a
# tile URL (e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png) adds a link to an online map.
MAP_TILES_URL = env.str("MAP_TILES_URL", default="")

# --- Oscar -----------------------------------------------------------------------------------------
OSCAR_SHOP_NAME = "Boutique Réemploi"
OSCAR_SHOP_TAGLINE = "Ordinateurs reconditionnés en Bretagne"
OSCAR_DEFAULT_CURRENCY = "EUR"
OSCAR_CURRENCY_FORMAT = {"EUR": {"currency_digits": False, "format_type": "standard"}}
OSCAR_FROM_EMAIL = DEFAULT_FROM_EMAIL
# Oscar's e-mails (stock alerts…) build their links from the Django Site's domain, which follows
# SITE_BASE_URL (port included: `content.signals.site_domain_follow_base_url`), and this scheme.
OSCAR_URL_SCHEMA = SITE_BASE_URL.split("://", 1)[0]
OSCAR_ALLOW_ANON_CHECKOUT = True
OSCAR_ALLOW_GUEST_CHECKOUT_WITH_ACCOUNT = True
OSCAR_HOMEPAGE = reverse_lazy("catalogue:index")
OSCAR_HIDDEN_FEATURES = ["reviews", "wishlists"]
OSCAR_SEND_REGISTRATION_EMAIL = False
HAYSTACK_CONNECTIONS = {"default": {"ENGINE": "haystack.backends.simple_backend.SimpleEngine"}}
# Oscar's partner and basket apps are overridden for a strategy and a form only; their migrations stay Oscar's.
MIGRATION_MODULES = {"partner": "oscar.apps.partner.migrations", "basket": "oscar.apps.basket.migrations"}
OSCAR_INITIAL_ORDER_STATUS = "En attente de paiement"
OSCAR_ORDER_STATUS_PIPELINE = {
    "En attente de paiement": ("Payée", "Annulée"),
    "En attente d'approbation": ("Confirmée", "Annulée"),
    "Confirmée": ("Prête au retrait", "Expédiée", "Remise", "Annulée"),
    "Payée": ("Prête au retrait", "Expédiée", "Remise", "Rétractée", "Annulée"),
    "Prête au retrait": ("Remise", "Rétractée", "Annulée"),
    "Expédiée": ("Remise", "Rétractée"),
    "Remise": ("Rétractée",),
    "Rétractée": (),
    "Annulée": (),
}
OSCAR_ORDER_STATUS_CASCADE = {}

# --- Shop terms --------------------------------------------------------------------------------------
# Home delivery is a flat rate (euros, incl. VAT); pickup at the association holding the stock is free.
SHOP_DELIVERY_FLAT_RATE = env.str("SHOP_DELIVERY_FLAT_RATE", default="12.00")
SHOP_WITHDRAWAL_DAYS = 14  # Code de la consommation, L221-18
# Home delivery's usual lead time in working days (from, to), shown on product pages.
SHOP_DELIVERY_DAYS = tuple(env.list("SHOP_DELIVERY_DAYS", cast=int, default=[2, 5]))
# Payment at pickup: how long the devices are held for the buyer, and when the reminder goes out.
SHOP_PICKUP_RESERVATION_DAYS = env.int("SHOP_PICKUP_RESERVATION_DAYS", default=5)
SHOP_PICKUP_REMINDER_HOURS = env.int("SHOP_PICKUP_REMINDER_HOURS", default=24)
# The creditor named for rental direct debits (the shop's documents carry the selling member's identity), and
# whether the product pages say prices are under the margin scheme (article 297 A of the CGI).
SHOP_SELLER_NAME = env.str("SHOP_SELLER_NAME", default="OGO – réseau Réemploi Bretagne")
SHOP_MARGIN_SCHEME = env.bool("SHOP_MARGIN_SCHEME", default=True)

# --- Rental ---------------------------------------------------------------------------------------
# The monthly amount (euros) copied onto each new agreement, and how long personal data of finished
# applications is kept. Deployment settings rather than admin fields: the amount is the Stripe plan and the
# tariff agreed with the Région, the retention is the commitment published in the privacy policy.
RENTAL_MONTHLY_AMOUNT = env.str("RENTAL_MONTHLY_AMOUNT", default="5.00")
RENTAL_RETENTION_DAYS = env.int("RENTAL_RETENTION_DAYS", default=183)  # rejected or cancelled applications
RENTAL_CLOSED_RETENTION_DAYS = env.int("RENTAL_CLOSED_RETENTION_DAYS", default=183)  # after the return
RENTAL_DUE_REMINDER_DAYS = env.list("RENTAL_DUE_REMINDER_DAYS", cast=int, default=[14, 3])  # before the end
RENTAL_OVERDUE_REMINDER_DAYS = env.int("RENTAL_OVERDUE_REMINDER_DAYS", default=7)  # between overdue reminders

# --- Stripe (card payments; hidden when no key is set) ----------------------------------------------
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="")
STRIPE_JS_URL = env.str("STRIPE_JS_URL", default="https://js.stripe.com/v3/")

# --- Logging ---------------------------------------------------------------------------------------
# Logs: one line per record on stderr, each with the request id (django-guid: the proxy's X-Request-ID, or a new
# one, returned in the response and passed on to the Celery tasks a request queues). LOG_FORMAT "json" gives
# JSON lines (production's default, for a log collector), "text" plain lines (development's).
LOG_FORMAT = env.str("LOG_FORMAT", default="")
SENTRY_DSN = env.str("SENTRY_DSN", default="")
DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-ID",
    "VALIDATE_GUID": True,
    "RETURN_HEADER": True,
    "EXPOSE_HEADER": False,
    "IGNORE_URLS": ["sante"],
    "INTEGRATIONS": [CeleryIntegration(use_django_logging=True, log_parent=False)],
}


def logging_config(log_format: str) -> dict:
    fields = "%(asctime)s %(levelname)s %(name)s %(correlation_id)s %(message)s"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": "django_guid.log_filters.CorrelationId"},
            "cache_outage": {"()": "reemploi.logs.CacheOutage"},
        },
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": fields,
                "rename_fields": {
                    "asctime": "time",
                    "levelname": "level",
                    "name": "logger",
                    "correlation_id": "request_id",
                },
            },
            "text": {"format": "%(asctime)s %(levelname)s [%(correlation_id)s] %(name)s: %(message)s"},
        },
        "handlers": {
            "console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": log_format or "text"}
        },
        "root": {"handlers": ["console"], "level": LOG_LEVEL},
        "loggers": {
            "django.db.backends": {"level": "INFO"},
            # One line per task run is noise (inline tasks on the embedded defaults print them all).
            "celery.app.trace": {"level": "WARNING"},
            "django_tasks": {"level": "WARNING"},
            # Oscar's stock alerts log two lines per product whose stock changes (the demo lists dozens).
            "oscar.apps.communication.utils": {"level": "WARNING"},
            "oscar.alerts": {"level": "WARNING"},
            "django_guid": {"level": "WARNING"},
            # Redis down: a warning per cache call, not a traceback.
            "django_redis.cache": {"filters": ["cache_outage"]},
        },
    }


LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = logging_config(LOG_FORMAT)

# Error reporting (sentry-sdk: the web and the workers) when SENTRY_DSN is set; no personal data is sent.
if SENTRY_DSN:
    from reemploi.errors import sentry_init

    sentry_init(
        SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        release=env.str("SENTRY_RELEASE", default=""),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )
