#!/usr/bin/env bash
# The long fuzzing run recorded in RESULTS.md: the targets in turn at nice 10, each until it has
# used CPU_SECONDS of CPU, on a corpus kept in WORK_DIR between runs and seeded as CTest seeds
# it. Two invocations with disjoint TARGET lists may share a WORK_DIR (one per core).
# libFuzzer's -max_total_time bounds wall time, which says nothing of the work done on a loaded
# machine, so a target runs in slices of at most SLICE seconds of wall time (never more than the
# CPU still owed, so the budget is overshot by at most a slice's start-up), and the slices'
# user+system CPU (from /usr/bin/time) is summed until the budget is spent. Prints one line per
# target: executions, CPU and wall seconds, slices, corpus size, and the crash file if one was
# found (libFuzzer stops at the first; the target is then not restarted).
#   long_run.sh FUZZ_BUILD_DIR WORK_DIR CPU_SECONDS [TARGET...]
# FUZZ_BUILD_DIR holds the targets (the fuzz_build CTest test makes BUILD/tests/fuzz/work/build).
# SLICE (environment, default 120) is the longest slice in wall seconds. DEADLINE (environment,
# seconds since the epoch, optional) ends the run then, whatever CPU is still owed: the line
# of a target cut short says so.
set -uo pipefail
fuzz_build=$1
work=$2
cpu_budget=$3
shift 3
slice_limit=${SLICE:-120}
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
fixtures=$source_dir/tests/fixtures/indexer
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(analyzer_fuzzer query_fuzzer jsonl_reader_fuzzer
  smart_reader_fuzzer trec_reader_fuzzer mediawiki_reader_fuzzer article_text_reader_fuzzer
  wikitext_fuzzer stored_passage_fuzzer term_filter_fuzzer match_data_fuzzer)
declare -A fixture_seeds=(
  [jsonl_reader_fuzzer]="$fixtures/docs.jsonl"
  [smart_reader_fuzzer]="$fixtures/smart.all"
  [trec_reader_fuzzer]="$fixtures/docs.trec"
  [mediawiki_reader_fuzzer]="$fixtures/pages.xml $fixtures/broken.xml"
  [article_text_reader_fuzzer]="$fixtures/article.txt $fixtures/collection/first.txt
    $fixtures/collection/sub/second.txt"
)
mkdir -p "$work"
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=detect_leaks=1
for target in "${targets[@]}"; do
  binary="$fuzz_build/$target"
  [ -x "$binary" ] || { echo "missing $binary: build the fuzz targets first" >&2; exit 2; }
  corpus="$work/corpus-$target"
  mkdir -p "$corpus"
  for seed in "$source_dir/tests/fuzz/corpus/$target"/* ${fixture_seeds[$target]:-}; do
    [ -f "$seed" ] && cp -n "$seed" "$corpus/"
  done
  log="$work/$target.log"
  : > "$log"
  export TMPDIR="$work/tmp-$target"  # the targets' small indexes
  cpu=0
  wall=0
  executions=0
  slices=0
  status=0
  crash=
  cut=
  # Stop within 2 s of the budget: a slice shorter than that is mostly start-up.
  while [ -z "$crash" ] && [ "$(echo "$cpu < $cpu_budget - 2" | bc)" = 1 ]; do
    owed=$(echo "$cpu_budget - $cpu" | bc)
    seconds=$(echo "if ($owed < $slice_limit) $owed / 1 else $slice_limit" | bc)
    if [ -n "${DEADLINE:-}" ]; then
      left=$((DEADLINE - $(date +%s)))
      if [ "$left" -lt 5 ]; then
        cut=", cut short by the deadline"
        break
      fi
      [ "$left" -ge "$seconds" ] || seconds=$left
    fi
    [ "$seconds" -ge 1 ] || seconds=1
    rm -rf "$TMPDIR"
    mkdir -p "$TMPDIR"
    slices=$((slices + 1))
    slice_log="$work/$target.slice"
    /usr/bin/time -f "cpu %U %S %e" -o "$work/$target.time" nice -n 10 "$binary" \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      -error_exitcode=1 -timeout_exitcode=1 -artifact_prefix="$work/$target-" "$corpus" \
      > "$slice_log" 2>&1
    status=$?
    cat "$slice_log" >> "$log"
    slice_cpu=$(awk '/^cpu/ {print $2 + $3}' "$work/$target.time")
    slice_wall=$(awk '/^cpu/ {print $4}' "$work/$target.time")
    slice_executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$slice_log")
    cpu=$(echo "$cpu + ${slice_cpu:-0}" | bc)
    wall=$(echo "$wall + ${slice_wall:-0}" | bc)
    executions=$((executions + ${slice_executions:-0}))
    crash=$(grep -o "Test unit written to .*" "$slice_log" | head -1 |
      sed 's/Test unit written to //')
    if [ "$status" != 0 ] && [ -z "$crash" ]; then
      crash="exit $status without a test unit (see $log)"
    fi
  done
  rm -rf "$TMPDIR"
  echo "$target: exit $status, executions $executions, cpu ${cpu}s, wall ${wall}s," \
    "slices $slices, corpus $(find "$corpus" -type f | wc -l) files${crash:+, crash $crash}$cut"
done
