#!/usr/bin/env bash
# The blog beside Django 5.2 on the same data, per database and size:
# each page's first-request latency (ours from a server that keeps
# nothing between requests; Django keeps nothing anyway), our req/s
# read-only and while a writer saves through the admin ten times a
# second, beside hello world. Printed as markdown for docs/benchmarks.md.
#
#   bench/side-by-side.sh [SECONDS] [SIZES]    # default 5, "100000 1000000"
#
# SIDES=rust or SIDES=django runs one side only (default: both); BACKENDS
# lists the databases (default: sqlite and the configured servers).
#
# PostgreSQL and MariaDB take part when ORM_TEST_POSTGRES_URL /
# ORM_TEST_MYSQL_URL name their servers; their database orm_bench is
# created and dropped here. Needs wrk, python3 and curl.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-5}"
sizes="${2:-100000 1000000}"

source bench/servers.sh
fresh() {
  case "$1" in
    postgres) pg_fresh "$2" ;;
    mysql) my_fresh "$2" ;;
  esac
}
url_of() {
  case "$1" in
    postgres) pg_url "$2" ;;
    mysql) my_url "$2" ;;
  esac
}

backends=(sqlite)
[ -n "${ORM_TEST_POSTGRES_URL:-}" ] && backends+=(postgres)
[ -n "${ORM_TEST_MYSQL_URL:-}" ] && backends+=(mysql)
[ -n "${BACKENDS:-}" ] && read -r -a backends <<< "$BACKENDS"
sides="${SIDES:-rust django}"
rust() { [[ " $sides " == *" rust "* ]]; }
django() { [[ " $sides " == *" django "* ]]; }

echo "# Side by side with Django, $(date -u +%F), $(nproc) cores"
for n in $sizes; do
  for backend in "${backends[@]}"; do
    echo
    echo "## $backend, $n articles"
    echo
    # Fewer samples where Django's pages take seconds.
    samples=25
    [ "$n" -ge 1000000 ] && samples=9
    url=""
    if [ "$backend" != sqlite ]; then
      fresh "$backend" orm_bench
      url=$(url_of "$backend" orm_bench)
    fi
    if rust; then
      env ${url:+DATABASE_URL=$url} target/release/http --articles "$n" --seconds "$seconds" \
        --samples "$samples" 2>/dev/null
    fi
    if django; then
      echo
      echo "Django:"
      echo
      if [ "$backend" != sqlite ]; then
        fresh "$backend" orm_bench
        url=$(url_of "$backend" orm_bench)
      fi
      DATABASE_URL=$url DJANGO_SAMPLES=$samples bench/django/run.sh "$n" 2>/dev/null
    fi
    [ "$backend" != sqlite ] && fresh "$backend" orm_bench
  done
done
