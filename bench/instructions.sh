#!/usr/bin/env bash
# Instructions the server executes per request, page by page, counted by
# valgrind's callgrind: unlike requests per second, the count does not move
# with the machine's load, so two builds can be compared to the percent.
#
#   bench/instructions.sh [REQUESTS] [ARTICLES]
#
# Builds the `serve` binary (release) unless SERVE_BIN names one, starts it
# under callgrind with instrumentation off while it seeds, then for each page:
# 20 warm-up requests, counters zeroed, REQUESTS requests (default 200) over
# one keep-alive connection, counters dumped. Prints a markdown table; "vs
# hello" divides by the hello-world handler's count of the same run. The
# server keeps counts for an hour, so a page's count query is not rerun
# inside the measured requests.
# DATABASE_URL picks the database (default: a new SQLite file). With
# KEEP_PROFILES=DIR, each page's callgrind profile is kept there (read with
# callgrind_annotate --inclusive=yes DIR/<page>.out).
set -euo pipefail
requests=${1:-200}
articles=${2:-100000}
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "error: valgrind is not installed (apt-get install valgrind)" >&2; exit 1; }
command -v curl >/dev/null || { echo "error: curl is not installed" >&2; exit 1; }
if [[ -z "${SERVE_BIN:-}" ]]; then
  features=()
  case "${DATABASE_URL:-}" in
    postgres*) features=(--features postgres) ;;
    mysql*) features=(--features mysql) ;;
  esac
  cargo build --release -q -p bench --bin serve "${features[@]}"
  SERVE_BIN=target/release/serve
fi
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
valgrind --tool=callgrind --instr-atstart=no --dump-instr=no \
  --callgrind-out-file="$work/cg.out" "$SERVE_BIN" "$articles" >"$work/serve.out" 2>"$work/valgrind.log" &
pid=$!
for _ in $(seq 1 1200); do
  grep -q '^last_page=' "$work/serve.out" 2>/dev/null && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/valgrind.log" >&2; exit 1; }
  sleep 0.5
done
grep -q '^last_page=' "$work/serve.out" || { echo "error: the server did not start" >&2; exit 1; }
value() { sed -n "s/^$1=//p" "$work/serve.out"; }
base=$(value base); cookie=$(value cookie); slug=$(value slug); last_page=$(value last_page)
callgrind_control -i on "$pid" >/dev/null 2>&1

# requests PATH COUNT WITH_COOKIE: COUNT GETs over one connection; fails
# unless every answer is 200.
requests() {
  local config="$work/curl.cfg"
  : >"$config"
  for _ in $(seq 1 "$2"); do
    printf 'url = "%s%s"\noutput = "/dev/null"\n' "$base" "$1" >>"$config"
  done
  local header=()
  [[ "$3" == yes ]] && header=(-H "Cookie: $cookie")
  local codes
  codes=$(curl -s "${header[@]}" -w '%{http_code}\n' -K "$config" | sort | uniq -c)
  if [[ "$codes" != *" $2 200" ]]; then
    echo "error: $1 answered: $codes" >&2
    exit 1
  fi
}

# count PATH WITH_COOKIE: instructions per request. Runs in a subshell, so
# the dump's number is found by counting the files.
count() {
  requests "$1" 20 "$2"
  callgrind_control -z "$pid" >/dev/null 2>&1
  requests "$1" "$requests" "$2"
  local file="$work/cg.out.$(($(find "$work" -name 'cg.out.*' | wc -l) + 1))"
  callgrind_control -d "$pid" >/dev/null 2>&1
  for _ in $(seq 1 100); do [[ -s "$file" ]] && grep -q '^totals:' "$file" && break; sleep 0.1; done
  if [[ -n "${KEEP_PROFILES:-}" ]]; then
    mkdir -p "$KEEP_PROFILES"
    cp "$file" "$KEEP_PROFILES/$(printf '%s' "$1" | tr -c 'a-zA-Z0-9' '_').out"
  fi
  local total
  total=$(sed -n 's/^totals: *//p' "$file" | awk '{print $1}')
  echo $((total / requests))
}

hello=$(count /hello no)
echo "| page | instructions per request | vs hello |"
echo "|---|---|---|"
printf '| hello world | %s | 1.0 |\n' "$hello"
while IFS='|' read -r name path cookie_needed; do
  n=$(count "$path" "$cookie_needed")
  printf '| %s | %s | %s |\n' "$name" "$n" "$(awk -v n="$n" -v h="$hello" 'BEGIN { printf "%.1f", n / h }')"
done <<TARGETS
admin changelist, page 1|/admin/blog/article/|yes
admin changelist, last page|/admin/blog/article/?p=$last_page|yes
admin change form|/admin/blog/article/1/change/|yes
public list|/|no
public detail|/articles/$slug/|no
TARGETS
