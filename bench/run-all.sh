#!/usr/bin/env bash
# The whole benchmark suite, printed as markdown for docs/benchmarks.md:
#   1. the ORM against hand-written diesel (every configured database);
#   2. HTTP throughput and latency of the admin and the public pages beside
#      hello world, 100,000 articles, 16 and 64 connections, per database;
#   3. scaling: the changelist and the public list at 10k, 100k and 1M
#      articles on SQLite and PostgreSQL, with PostgreSQL's query plans.
# PostgreSQL and MariaDB take part when ORM_TEST_POSTGRES_URL /
# ORM_TEST_MYSQL_URL name their servers (as in CI); their bench databases
# are created and dropped here. Needs wrk (apt-get install wrk).
#
#   bench/run-all.sh [SECONDS]     # seconds per HTTP measurement, default 5
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-5}"
command -v wrk >/dev/null || { echo "error: wrk is missing: apt-get install wrk" >&2; exit 1; }

source bench/servers.sh
http=target/release/http

echo "# Benchmark run of $(date -u +%F) on $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo
echo "## ORM against hand-written diesel"
echo
ORM_BENCH_RATIOS_ONLY=1 cargo bench -q -p bench --bench orm_vs_diesel "${feature_args[@]}" 2>/dev/null | sed -n '/^| case/,$p'

echo
echo "## HTTP, 100,000 articles"
echo
echo "### SQLite"
"$http" --articles 100000 --seconds "$seconds" --connections 16,64 2>/dev/null
if [ -n "${ORM_TEST_POSTGRES_URL:-}" ]; then
  echo; echo "### PostgreSQL"
  pg_fresh orm_bench
  DATABASE_URL=$(pg_url orm_bench) "$http" --articles 100000 --seconds "$seconds" --connections 16,64 2>/dev/null
fi
if [ -n "${ORM_TEST_MYSQL_URL:-}" ]; then
  echo; echo "### MariaDB"
  my_fresh orm_bench
  DATABASE_URL=$(my_url orm_bench) "$http" --articles 100000 --seconds "$seconds" --connections 16,64 2>/dev/null
fi

echo
echo "## Scaling: changelist and public list at 10k, 100k and 1M articles"
for n in 10000 100000 1000000; do
  echo; echo "### SQLite, $n articles"
  "$http" --articles "$n" --seconds "$seconds" --connections 16 --only "page 1,last page,public list" 2>/dev/null
  if [ -n "${ORM_TEST_POSTGRES_URL:-}" ]; then
    echo; echo "### PostgreSQL, $n articles"
    pg_fresh orm_bench
    DATABASE_URL=$(pg_url orm_bench) "$http" --articles "$n" --seconds "$seconds" --connections 16 --only "page 1,last page,public list" 2>/dev/null
    echo
    echo "PostgreSQL's plans at $n articles (the changelist's page 1, its last page read from the far end, the public list's count):"
    echo '```'
    psql -q "$(pg_url orm_bench)" -c "ANALYZE" \
      -c "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) SELECT a.id, a.title, a.published_date, a.is_published, u.id, u.username FROM blog_article a LEFT JOIN auth_user u ON u.id = a.author_id ORDER BY a.published_date DESC, a.id ASC LIMIT 100" \
      -c "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) SELECT a.id, a.title, a.published_date, a.is_published, u.id, u.username FROM blog_article a LEFT JOIN auth_user u ON u.id = a.author_id ORDER BY a.published_date ASC, a.id DESC LIMIT 100" \
      -c "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) SELECT count(*) FROM blog_article WHERE is_published"
    echo '```'
    psql -q "$(pg_url postgres)" -c "DROP DATABASE IF EXISTS orm_bench WITH (FORCE)"
  fi
done
[ -n "${ORM_TEST_MYSQL_URL:-}" ] && mysql -h 127.0.0.1 -u root -e "DROP DATABASE IF EXISTS orm_bench"
exit 0
