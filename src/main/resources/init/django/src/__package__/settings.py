"""Django settings for {{name}} on PyApp Server.

The operator's settings (configuration.yaml) come from the file PYAPP_CONFIG_FILE
names; the database from PYAPP_DATABASE_MAIN_URL. Without them (manage.py on a
developer's machine) the site runs in debug mode with a local database.
"""
import configparser
import json
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
# the release's root: src/ and the static files collectstatic writes (metadata.yaml: static)
RELEASE_DIR = BASE_DIR.parent


def _config():
    """The operator's settings: one [section] per section, `field = value` lines; a
    value that needs it is a JSON string, a list is comma-separated."""
    path = os.environ.get("PYAPP_CONFIG_FILE")
    parser = configparser.ConfigParser(interpolation=None)
    if path and os.path.exists(path):
        parser.read(path, encoding="utf-8")
    return parser


def _text(raw):
    raw = raw.strip()
    return json.loads(raw) if raw.startswith('"') else raw


def _list(raw):
    return [_text(item) for item in raw.split(",") if item.strip()]


CONFIG = _config()
SITE = CONFIG["django"] if CONFIG.has_section("django") else {}
ON_SERVER = bool(SITE)

SECRET_KEY = _text(SITE.get("secret_key", "")) or "django-insecure-local-development-only"
DEBUG = _text(SITE.get("debug", "true" if not ON_SERVER else "false")).lower() == "true"
ALLOWED_HOSTS = _list(SITE.get("allowed_hosts", "")) or ([] if ON_SERVER else ["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = _list(SITE.get("csrf_trusted_origins", ""))
TIME_ZONE = _text(SITE.get("time_zone", "UTC")) or "UTC"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "{{package}}",
]

MIDDLEWARE = [
    # first, so it sees every cookie the others set
    "{{package}}.middleware.MountCookiePath",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "{{package}}.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "{{package}}.wsgi.application"

# sqlite:////srv/pyapp/apps/{{name}}/data/db/main.sqlite3 on the server
_database = os.environ.get("PYAPP_DATABASE_MAIN_URL", "")
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": _database[len("sqlite:///"):] if _database.startswith("sqlite:///") else BASE_DIR / "db.sqlite3",
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
USE_I18N = True
USE_TZ = True

# Relative: Django puts the mount path (SCRIPT_NAME) before it, so /blog/static/...
# when the site is mounted at /blog. The web server serves it from STATIC_ROOT.
STATIC_URL = "static/"
STATIC_ROOT = RELEASE_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# the web server says whether the request came over TLS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
