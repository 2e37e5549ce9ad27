"""
Settings for Modena Networks.

Every value that differs between a laptop and production comes from the environment, with a
default that is safe: DEBUG is off unless DJANGO_DEBUG=1, and without DJANGO_SECRET_KEY the site
refuses to start unless DEBUG is on.
"""

import hashlib
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


def env_bool(name, default=False):
    value = os.environ.get(name, "1" if default else "0")
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY (or DJANGO_DEBUG=1 for development).")
    SECRET_KEY = "django-insecure-development-only-key"  # only ever used with DEBUG on

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1" if DEBUG else "")


# Applications

INSTALLED_APPS = [
    # modeltranslation patches the admin, so it comes before django.contrib.admin (here with the
    # office's dashboard as its home page).
    "modeltranslation",
    "networks.apps.OfficeAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_filters",
    "simple_history",
    "axes",
    "csp",
    "import_export",
    "imagekit",
    # Bootstrap Italia's CSS, JavaScript, fonts and icons, served as our own static files.
    "bootstrap_italia_template",
    "identity",
    "networks",
    "feedback",
    "opendata",
]

MIDDLEWARE = [
    "modena_networks.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Outside the page cache, so that cached pages get these headers too.
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages compressed, cached or not (static files come compressed from WhiteNoise). Django's
    # gzip pads each response at random against BREACH, which the admin's CSRF tokens need.
    "django.middleware.gzip.GZipMiddleware",
    # Before sessions, CSRF and languages: a cached page is answered without any of them.
    "networks.middleware.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "modena_networks.middleware.AdminLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # One move of the content version for all the rows a request writes.
    "networks.middleware.OneContentChangeMiddleware",
    # Records who made each change kept in the history.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # process_exception runs bottom-up: here it is asked first about a view's database error.
    "modena_networks.middleware.DatabaseUnavailableMiddleware",
    # Last, as django-axes asks: answers a locked-out login.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "modena_networks.urls"
WSGI_APPLICATION = "modena_networks.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "modena_networks.context_processors.site",
            ],
        },
    },
]


# Database: SQLite in the project folder unless DATABASE_URL names another one
# (postgres://user@host:5432/name in production).

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The demo content (`make run` loads it into an empty database).
FIXTURE_DIRS = [BASE_DIR / "fixtures"]


# Logging in: django-axes locks a username from one address out after five failures, for a
# while (DJANGO_LOGIN_LOCKOUT_MINUTES), with a message saying so.

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # With REVIEW_REQUIRED off, editors publish as administrators do.
    "networks.review.EditorsPublishWithoutReview",
]
# The four-eyes rule: editors send networks for review, administrators publish them.
REVIEW_REQUIRED = env_bool("DJANGO_REVIEW_REQUIRED", True)
# Key facts checked longer ago are listed on the admin's home page to be checked again.
KEY_FACTS_MAX_AGE_MONTHS = int(os.environ.get("DJANGO_KEY_FACTS_MAX_AGE_MONTHS", "12"))
# The weekly digest (manage.py send_digest) goes to the office's address; else to the contact
# address of the networks page. Its links start with the site's address.
OFFICE_EMAIL = os.environ.get("DJANGO_OFFICE_EMAIL", "")
SITE_URL = os.environ.get(
    "DJANGO_SITE_URL",
    "http://127.0.0.1:8000" if DEBUG else f"https://{ALLOWED_HOSTS[0]}" if ALLOWED_HOSTS else "",
).rstrip("/")
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("DJANGO_LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "modena_networks.clients.client_ip"
# How many proxies stand in front of the site and append to X-Forwarded-For (one behind a
# TLS proxy): the visitor's address is read that many entries from the end.
PROXY_COUNT = int(
    os.environ.get("DJANGO_PROXY_COUNT", "1" if env_bool("DJANGO_BEHIND_TLS_PROXY") else "0")
)


# Passwords: the office's accounts can publish on the city's site.

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]


# Languages: Italian first. A third language is one more line here, followed by
# `makemigrations` (modeltranslation adds its columns) and `make messages`.

LANGUAGE_CODE = "it"
LANGUAGES = [
    ("it", _("Italian")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Rome"
USE_TZ = True

# The office works in Italian whatever the browser asks for.
ADMIN_LANGUAGE_CODE = os.environ.get("DJANGO_ADMIN_LANGUAGE", LANGUAGE_CODE)

MODELTRANSLATION_DEFAULT_LANGUAGE = LANGUAGE_CODE
MODELTRANSLATION_FALLBACK_LANGUAGES = (LANGUAGE_CODE,)
# Slugs are made from the Italian name, whatever language the editor works in.
MODELTRANSLATION_PREPOPULATE_LANGUAGE = LANGUAGE_CODE


# Static files and uploads

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    # jQuery UI for modeltranslation's tabs, served by us rather than from a CDN.
    "modena_networks.staticfiles.JQueryUIFinder",
]
JQUERY_UI_URL = "jquery-ui/jquery-ui.min.js"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed names served by WhiteNoise; `collectstatic` builds them on deploy.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Uploads the web server may publish as they are: logos (re-encoded images) and their renditions.
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Documents, which may be internal: kept outside MEDIA_ROOT and served by a view that checks who
# asks (networks.views.document_file). Never publish this folder from the web server.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("DJANGO_PRIVATE_MEDIA_ROOT", BASE_DIR / "private-media"))
PRIVATE_MEDIA_URL = "/documents/"


def s3_storages(bucket, endpoint_url, region=None):
    """
    Return the storages of the uploads on S3-compatible storage (django-storages): logos and
    their renditions under media/, which the bucket's policy lets anyone read; documents under
    documents/, private, served by the site as from their folder. The credentials are boto3's:
    AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment, or the machine's role.
    """
    options = {
        "bucket_name": bucket,
        "endpoint_url": endpoint_url,
        "region_name": region,
        # endpoint/bucket/name: one origin for the Content-Security-Policy, whatever the provider.
        "addressing_style": "path",
        # A name taken gets a suffix, as in a folder: an upload never replaces another's file.
        "file_overwrite": False,
    }
    return {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {**options, "location": "media", "querystring_auth": False},
        },
        "documents": {
            "BACKEND": "networks.storage.PrivateS3Storage",
            "OPTIONS": {**options, "location": "documents"},
        },
    }


# The uploads on S3 when DJANGO_S3_BUCKET names a bucket: for instances on several machines
# without a folder they share. Otherwise in MEDIA_ROOT and DJANGO_PRIVATE_MEDIA_ROOT.
S3_BUCKET = os.environ.get("DJANGO_S3_BUCKET", "")
S3_ENDPOINT_URL = os.environ.get("DJANGO_S3_ENDPOINT_URL", "").rstrip("/")
if S3_BUCKET:
    if not S3_ENDPOINT_URL:
        raise ImproperlyConfigured(
            "Set DJANGO_S3_ENDPOINT_URL with DJANGO_S3_BUCKET (for Amazon S3, "
            "https://s3.<region>.amazonaws.com)."
        )
    STORAGES.update(
        s3_storages(S3_BUCKET, S3_ENDPOINT_URL, os.environ.get("DJANGO_S3_REGION") or None)
    )
else:
    STORAGES["documents"] = {"BACKEND": "networks.storage.PrivateStorage"}

# Logo renditions are made when the logo is saved, then assumed to exist: showing a page does
# not check the disk for them.
IMAGEKIT_DEFAULT_CACHEFILE_STRATEGY = "imagekit.cachefiles.strategies.Optimistic"


# The city and the pages of its main site that every page links to (AgID "modello Comuni").

# These describe the administration until an administrator saves its page in the admin
# (identity.Administration), or `manage.py start_site` does.
CITY_NAME = os.environ.get("DJANGO_CITY_NAME", "Comune di Modena")
# The name within sentences ("Modena joined in 2008").
CITY_SHORT_NAME = os.environ.get("DJANGO_CITY_SHORT_NAME", "Modena")
CITY_URL = os.environ.get("DJANGO_CITY_URL", "https://www.comune.modena.it/")
# The city's code in the index of public administrations (IPA): for a comune, "c_" and its
# cadastral code. It names the publisher and the datasets of the open data catalogue.
IPA_CODE = os.environ.get("DJANGO_IPA_CODE", "c_f257")
ACCESSIBILITY_STATEMENT_URL = os.environ.get(
    "DJANGO_ACCESSIBILITY_STATEMENT_URL", "https://form.agid.gov.it/"
)
PRIVACY_POLICY_URL = os.environ.get(
    "DJANGO_PRIVACY_POLICY_URL", "https://www.comune.modena.it/privacy"
)
# Empty: the site's own page of legal notes.
LEGAL_NOTES_URL = os.environ.get("DJANGO_LEGAL_NOTES_URL", "")
# The site's icons: a static file's path or an address. The icon (SVG or PNG) for browsers, the
# ICO that /favicon.ico leads to for those that ask for it, and the phones' home-screen icon
# (a 180 px PNG).
SITE_ICON = os.environ.get("DJANGO_SITE_ICON", "networks/img/favicon.svg")
SITE_ICON_ICO = os.environ.get("DJANGO_SITE_ICON_ICO", "networks/img/favicon.ico")
SITE_TOUCH_ICON = os.environ.get("DJANGO_SITE_TOUCH_ICON", "networks/img/apple-touch-icon.png")
# The image of a page shared on social media when it has none of its own (a network's logo):
# 1200 x 630 px.
SITE_IMAGE = os.environ.get("DJANGO_SITE_IMAGE", "networks/img/site-image.png")


# The release: DJANGO_RELEASE when the deploy sets it (a tag, a commit), else a digest of the
# code, templates and translations. Every cache key carries it, so a deploy that changes what
# pages look like never serves a card or a page built by the code before it.
def code_digest(*folders):
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(Path(folder).rglob("*")):
            if path.suffix in {".py", ".html", ".txt", ".po", ".js", ".css"} and path.is_file():
                digest.update(str(path.relative_to(folder)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


RELEASE = os.environ.get("DJANGO_RELEASE") or code_digest(
    *(BASE_DIR / folder for folder in ["modena_networks", "networks", "feedback", "opendata"]),
    BASE_DIR / "templates",
    BASE_DIR / "locale",
)

# Cache: Redis when REDIS_URL is set (redis://127.0.0.1:6379/0), else files in DJANGO_CACHE_DIR.
# Never a process's own memory: each of several workers would keep its own content version and
# serve pages made before an edit another process made.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # A Redis that stops answering costs a request one second, not a hung worker.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": Path(os.environ.get("DJANGO_CACHE_DIR", BASE_DIR / "cache")),
            # Pages, cards and counts of every language and filter: the default 300 is few.
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    }
CACHES["default"]["KEY_PREFIX"] = RELEASE
# Public pages for anonymous visitors stay cached this many seconds at most (0: no page cache);
# any change to the content shows at once all the same.
PAGE_CACHE_SECONDS = int(os.environ.get("DJANGO_PAGE_CACHE_SECONDS", "600"))


# E-mail: review steps to the other role. SMTP as the environment says; in DEBUG (make run) the
# messages are printed on the console; the tests keep them in memory.
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("DJANGO_EMAIL_USE_SSL")
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "reti-internazionali@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL


# Logs: one line per event on standard error, with the request's id; errors with their traceback.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "modena_networks.logs.RequestIdFilter"}},
    "formatters": {
        "one_line": {
            "()": "modena_networks.logs.OneLineFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "one_line",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}

# Where the admin lives; another address keeps it away from scripted login attempts.
DEFAULT_ADMIN_URL = "admin/"
ADMIN_URL = os.environ.get("DJANGO_ADMIN_URL", DEFAULT_ADMIN_URL).strip("/") + "/"


# Page ratings accepted from one address in an hour.
FEEDBACK_RATE_LIMIT = int(os.environ.get("DJANGO_FEEDBACK_RATE_LIMIT", "10"))


# Import and export of the networks in the admin (django-import-export). Without these codes any
# staff user could use them: exporting takes the "view" permission, importing the "change" one
# (NetworkAdmin asks for a few more, see its has_*_permission).
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
# Rows left empty at the end of a spreadsheet are not networks.
IMPORT_EXPORT_IMPORT_IGNORE_BLANK_LINES = True


# Security. In production (DEBUG off) the site is HTTPS only: plain HTTP is redirected, browsers
# are told to stay on HTTPS (HSTS), cookies are sent over HTTPS only.

SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
# Behind a proxy that ends TLS (nginx, a load balancer), set DJANGO_BEHIND_TLS_PROXY=1 and make
# the proxy set X-Forwarded-Proto; never set it if clients can reach the site directly.
if env_bool("DJANGO_BEHIND_TLS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# HSTS preloading commits the whole domain to HTTPS in browsers' own lists: a decision for the
# Comune's IT for comune.modena.it, not for this application.
SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Content-Security-Policy (django-csp): only this site's own scripts, styles, fonts and images;
# no inline script or style anywhere (JSON-LD blocks are data, not scripts). Bootstrap Italia's
# CSS draws some icons and one font from data: URIs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # The logos' bucket, when they are on S3.
        "img-src": [
            "'self'",
            "data:",
            *([f"{S3_ENDPOINT_URL}/{S3_BUCKET}/media/"] if S3_BUCKET else []),
        ],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
# Features the site never uses, refused to any script that would (django-permissions-policy).
PERMISSIONS_POLICY = {
    feature: [] for feature in ["camera", "microphone", "geolocation", "payment", "usb"]
}
