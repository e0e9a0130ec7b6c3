"""Settings of the comparison blog: the same models, admin and pages as
examples/blog, served by Django for bench/django/run.sh.

DATABASE_URL picks the database as for the Rust blog: sqlite://PATH,
postgres://USER@HOST:PORT/NAME or mysql://USER@HOST:PORT/NAME.
"""
import os
from urllib.parse import urlparse

BASE_DIR = os.path.dirname(os.path.abspath(__file__))
SECRET_KEY = "comparison-only-secret-key-0123456789abcdefghijklmnop"
DEBUG = False
ALLOWED_HOSTS = ["*"]
USE_TZ = True
TIME_ZONE = "UTC"
ROOT_URLCONF = "urls"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
STATIC_URL = "/static/"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "blog",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]


def database(url):
    parts = urlparse(url)
    if parts.scheme == "sqlite":
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": parts.netloc + parts.path}
    engine = {
        "postgres": "django.db.backends.postgresql",
        "mysql": "django.db.backends.mysql",
    }[parts.scheme]
    return {
        "ENGINE": engine,
        "NAME": parts.path.lstrip("/"),
        "USER": parts.username or "",
        "PASSWORD": parts.password or "",
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        # Persistent connections, as the Rust blog's pool keeps its own.
        "CONN_MAX_AGE": 600,
    }


DATABASES = {
    "default": database(os.environ.get("DATABASE_URL", "sqlite://" + os.path.join(BASE_DIR, "db.sqlite3")))
}
