#!/usr/bin/env bash
# The blog beside Django 5.2 on the same data, per database and size:
# each page's first-request latency (ours from a server that keeps
# nothing between requests; Django keeps nothing anyway), our req/s
# read-only and while a writer saves through the admin ten times a
# second, beside hello world. Printed as markdown for docs/benchmarks.md.
#
#   bench/side-by-side.sh [SECONDS] [SIZES]    # default 5, "100000 1000000"
#
# PostgreSQL and MariaDB take part when ORM_TEST_POSTGRES_URL /
# ORM_TEST_MYSQL_URL name their servers; their databases orm_bench and
# django_bench are created and dropped here. Needs wrk, python3 and curl.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-5}"
sizes="${2:-100000 1000000}"

features=()
[ -n "${ORM_TEST_POSTGRES_URL:-}" ] && features+=(postgres)
[ -n "${ORM_TEST_MYSQL_URL:-}" ] && features+=(mysql)
feature_list=$(IFS=,; echo "${features[*]:-}")
feature_args=()
[ -n "$feature_list" ] && feature_args=(--features "$feature_list")
cargo build -q --release -p bench --bins "${feature_args[@]}"

pg_url() { echo "${ORM_TEST_POSTGRES_URL%/*}/$1"; }
my_url() { echo "${ORM_TEST_MYSQL_URL%/*}/$1"; }
fresh() {
  case "$1" in
    postgres) psql -q "$(pg_url postgres)" -c "DROP DATABASE IF EXISTS $2 WITH (FORCE)" -c "CREATE DATABASE $2" ;;
    mysql) mysql -h 127.0.0.1 -u root -e "DROP DATABASE IF EXISTS $2; CREATE DATABASE $2 CHARACTER SET utf8mb4 COLLATE utf8mb4_bin" ;;
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

echo "# Side by side with Django, $(date -u +%F), $(nproc) cores"
for n in $sizes; do
  for backend in "${backends[@]}"; do
    echo
    echo "## $backend, $n articles"
    echo
    # Fewer samples where Django's pages take seconds.
    samples=25
    [ "$n" -ge 1000000 ] && samples=9
    if [ "$backend" = sqlite ]; then
      target/release/http --articles "$n" --seconds "$seconds" --samples "$samples" 2>/dev/null
      echo
      echo "Django:"
      echo
      DJANGO_SAMPLES=$samples bench/django/run.sh "$n" 2>/dev/null
    else
      fresh "$backend" orm_bench
      DATABASE_URL=$(url_of "$backend" orm_bench) target/release/http --articles "$n" \
        --seconds "$seconds" --samples "$samples" 2>/dev/null
      fresh "$backend" orm_bench
      fresh "$backend" django_bench
      echo
      echo "Django:"
      echo
      DATABASE_URL=$(url_of "$backend" django_bench) DJANGO_SAMPLES=$samples \
        bench/django/run.sh "$n" 2>/dev/null
      fresh "$backend" django_bench
    fi
  done
done
