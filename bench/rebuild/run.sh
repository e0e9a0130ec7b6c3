#!/usr/bin/env bash
# Compile time of 32 models, this project's #[derive(Model)] beside the same
# models written by hand for diesel (table!, joinable!, derives): the first
# debug build of the models' crate (its dependencies already built) and the
# debug rebuild after one field is added to one model. Prints markdown.
#
#   bench/rebuild/run.sh [RUNS]     # timed runs per figure, default 3; medians
#
# The two crates are generated (bench/rebuild/gen.py) in a temporary
# directory outside the workspace, with the workspace's Cargo.lock, and
# built as a user builds: the dev profile's defaults (incremental on) and
# every core. Their dependencies are built once, untimed, first.
# KEEP=1 keeps the temporary directory.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
runs="${1:-3}"
[ "$runs" -ge 1 ] 2>/dev/null || { echo "usage: $0 [RUNS]" >&2; exit 2; }

# A user's defaults, not this shell's: no shared target directory, no job
# limit, no incremental override.
unset CARGO_TARGET_DIR CARGO_BUILD_JOBS CARGO_INCREMENTAL CARGO_PROFILE_DEV_INCREMENTAL

work=$(mktemp -d "${TMPDIR:-/tmp}/orm-rebuild.XXXXXX")
if [ -n "${KEEP:-}" ]; then
  echo "(keeping $work)" >&2
else
  trap 'rm -rf "$work"' EXIT
fi
crates=(derive_models hand_models)
log="$work/build.log"

generate() { python3 "$root/bench/rebuild/gen.py" "$work" --workspace "$root" "$@"; }

# cargo build in one crate; its output goes to the log, shown on failure.
build() {
  if ! (cd "$work/$1" && cargo build --quiet) >"$log" 2>&1; then
    echo "error: cargo build of $1 failed:" >&2
    cat "$log" >&2
    exit 1
  fi
}

# Seconds taken by `build CRATE`.
timed_build() {
  local start end
  start=$EPOCHREALTIME
  build "$1"
  end=$EPOCHREALTIME
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f\n", b - a }'
}

median() {
  printf '%s\n' "$@" | sort -n |
    awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }

generate
echo "Building the dependencies of both crates (untimed)..." >&2
for crate in "${crates[@]}"; do build "$crate"; done
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

declare -A first rebuild
# Each run times both crates, one after the other, so that both see the
# same load.
for ((run = 1; run <= runs; run++)); do
  for crate in "${crates[@]}"; do
    (cd "$work/$crate" && cargo clean --quiet -p "$crate")
    t=$(timed_build "$crate")
    first[$crate]+="$t "
    echo "run $run: $crate first build ${t}s" >&2
  done
done
for ((run = 1; run <= runs; run++)); do
  generate --extra-field
  for crate in "${crates[@]}"; do
    t=$(timed_build "$crate")
    rebuild[$crate]+="$t "
    echo "run $run: $crate rebuild after one field ${t}s" >&2
  done
  # Back to the models without the field, built untimed for the next run.
  generate
  for crate in "${crates[@]}"; do build "$crate"; done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# The lists are space-separated: split on purpose.
# shellcheck disable=SC2086
df=$(median ${first[derive_models]}) hf=$(median ${first[hand_models]})
# shellcheck disable=SC2086
dr=$(median ${rebuild[derive_models]}) hr=$(median ${rebuild[hand_models]})
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)
echo "Run of $(date -u +%F) on $(nproc) cores ($cpu), $(rustc --version | cut -d' ' -f1-2)."
echo "Dev profile defaults (opt-level 0, debug info, incremental on), CARGO_BUILD_JOBS unset;"
echo "median of $runs runs. Load average (1, 5, 15 min) before the timed runs: $load_before; after: $load_after."
echo
echo "| crate (32 models) | first build | rebuild after one field |"
echo "|---|---|---|"
echo "| \`#[derive(Model)]\` | ${df} s | ${dr} s |"
echo "| diesel by hand | ${hf} s | ${hr} s |"
echo "| ratio derive / hand | $(ratio "$df" "$hf") | $(ratio "$dr" "$hr") |"
echo
echo "Each run (s): derive first ${first[derive_models]% }; hand first ${first[hand_models]% };" \
  "derive rebuild ${rebuild[derive_models]% }; hand rebuild ${rebuild[hand_models]% }."
