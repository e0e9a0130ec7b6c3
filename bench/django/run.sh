#!/usr/bin/env bash
# Django 5.2 under gunicorn (two workers, one per core) on the same data as
# the Rust blog: each page's first-request latency, timed by the same
# client as `bench --bin http` (Django keeps no counts between requests,
# so every request is a first one).
#
#   bench/django/run.sh [ARTICLES]     # default 100000
#
# DATABASE_URL names an empty database as for the Rust benchmark
# (postgres://..., mysql://...); default: a new SQLite file. Django and
# gunicorn are installed from PyPI into $DJANGO_VENV
# (default /tmp/orm-bench-django).
set -euo pipefail
cd "$(dirname "$0")"
articles="${1:-100000}"
venv="${DJANGO_VENV:-/tmp/orm-bench-django}"
if [ ! -x "$venv/bin/gunicorn" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "django>=5.2,<5.3" gunicorn "psycopg[binary]" mysqlclient
fi
work=$(mktemp -d)
trap 'kill $(cat "$work/pid" 2>/dev/null) 2>/dev/null || true; rm -rf "$work"' EXIT
export DATABASE_URL="${DATABASE_URL:-sqlite://$work/django.sqlite3}"
export DJANGO_SETTINGS_MODULE=settings
"$venv/bin/python" manage.py migrate -v0
"$venv/bin/python" manage.py seed --articles "$articles" >&2
# The shell announces its automatic imports first: the answer is the last line.
slug=$("$venv/bin/python" manage.py shell -c \
  "from blog.models import Article; print(Article.objects.filter(is_published=True).first().slug)" | tail -1)
first=$("$venv/bin/python" manage.py shell -c \
  "from blog.models import Article; print(Article.objects.first().id)" | tail -1)
port=8765
# A slow page is timed, not cut off at the default 30 s.
"$venv/bin/gunicorn" -w 2 -b "127.0.0.1:$port" --timeout 300 -p "$work/pid" --daemon wsgi:application
for _ in $(seq 1 50); do
  curl -sf -o /dev/null "http://127.0.0.1:$port/" && break
  sleep 0.2
done
base="http://127.0.0.1:$port"
cookie=$("$venv/bin/python" login.py "$base" bench-password-123)
last=$(( (articles + 99) / 100 ))
cd ../..
[ -x target/release/latency ] || cargo build -q --release -p bench --bin latency
target/release/latency --base "$base" --cookie "$cookie" --samples "${DJANGO_SAMPLES:-25}" \
  "admin changelist, page 1=/admin/blog/article/" \
  "admin changelist, last page=/admin/blog/article/?p=$last" \
  "admin changelist, filtered=/admin/blog/article/?is_published__exact=1" \
  "admin search, one article=/admin/blog/article/?q=$(( articles * 3 / 4 + 1 ))" \
  "admin search, common word=/admin/blog/article/?q=diesel" \
  "admin change form=/admin/blog/article/$first/change/" \
  "public list=/" \
  "public list, page 40=/?page=40" \
  "public detail=/articles/$slug/"
