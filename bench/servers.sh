# Sourced by the benchmark scripts, from the checkout's root: builds the
# release benchmarks with the backends whose servers the environment names
# (ORM_TEST_POSTGRES_URL, ORM_TEST_MYSQL_URL), and helpers for their
# databases.

features=()
[ -n "${ORM_TEST_POSTGRES_URL:-}" ] && features+=(postgres)
[ -n "${ORM_TEST_MYSQL_URL:-}" ] && features+=(mysql)
feature_list=$(IFS=,; echo "${features[*]:-}")
feature_args=()
[ -n "$feature_list" ] && feature_args=(--features "$feature_list")
cargo build -q --release -p bench --bins "${feature_args[@]}"

# A server's URL with the database `name` instead of its own.
pg_url() { echo "${ORM_TEST_POSTGRES_URL%/*}/$1"; }
my_url() { echo "${ORM_TEST_MYSQL_URL%/*}/$1"; }
# An empty database `name`, dropped first if it is there.
pg_fresh() { psql -q "$(pg_url postgres)" -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1"; }
my_fresh() { mysql -h 127.0.0.1 -u root -e "DROP DATABASE IF EXISTS $1; CREATE DATABASE $1 CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"; }
