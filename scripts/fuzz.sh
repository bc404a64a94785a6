#!/usr/bin/env bash
# `make fuzz`: runs each cargo fuzz target of fuzz/ for FUZZ_SECONDS (default 60) on the committed
# seeds (fuzz/corpus/<target>, read only) plus a working corpus in target/fuzz-corpus/<target>
# that grows between runs. Prints the executions per target; a crash stops it with the input saved
# under fuzz/artifacts/<target>/ and the command that replays it.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${FUZZ_SECONDS:-60}"
targets=(config record url_pattern)

if ! rustup toolchain list | grep -q '^nightly'; then
  echo "make fuzz needs a nightly toolchain (rustup toolchain list shows none)" >&2
  exit 1
fi
if ! command -v cargo-fuzz >/dev/null; then
  cargo +nightly install cargo-fuzz --version 0.13.2 --locked
fi

for target in "${targets[@]}"; do
  mkdir -p "target/fuzz-corpus/$target"
  log="target/fuzz-$target.log"
  if ! cargo +nightly fuzz run -O "$target" "target/fuzz-corpus/$target" "fuzz/corpus/$target" -- \
      -max_total_time="$seconds" -max_len=8192 -print_final_stats=1 >"$log" 2>&1; then
    grep -E 'panicked|SUMMARY|Test unit written|artifact_prefix|Reproduce' "$log" >&2 || tail -30 "$log" >&2
    echo "fuzz: $target crashed (log: $log)" >&2
    exit 1
  fi
  runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' | tail -1)
  corpus=$(find "target/fuzz-corpus/$target" -type f | wc -l)
  echo "fuzz: $target: ${runs:-?} executions in ${seconds}s, 0 crashes, working corpus $corpus inputs"
done
