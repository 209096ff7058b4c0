#!/usr/bin/env bash
# The long fuzzing run recorded in RESULTS.md: every target in turn (never two at once: the
# machine is shared), each for SECONDS of wall time at nice 15, on a corpus kept in WORK_DIR
# between runs and seeded as CTest seeds it. Prints one line per target: executions, wall and
# CPU seconds, corpus size, and the crash file if one was found (libFuzzer stops at the first).
#   long_run.sh BUILD_DIR WORK_DIR SECONDS [TARGET...]
# BUILD_DIR is the fuzz build (the fuzz_build CTest test makes BUILD_DIR/tests/fuzz/work/build).
set -uo pipefail
build=$1
work=$2
seconds=$3
shift 3
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
  [article_text_reader_fuzzer]="$fixtures/article.txt $fixtures/collection/first.txt"
)
mkdir -p "$work"
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=detect_leaks=1
for target in "${targets[@]}"; do
  corpus="$work/corpus-$target"
  mkdir -p "$corpus"
  for seed in "$source_dir/tests/fuzz/corpus/$target"/* ${fixture_seeds[$target]:-}; do
    [ -f "$seed" ] && cp -n "$seed" "$corpus/"
  done
  log="$work/$target.log"
  export TMPDIR="$work/tmp-$target"  # the targets' small indexes
  mkdir -p "$TMPDIR"
  /usr/bin/time -f "cpu %U %S %e" -o "$work/$target.time" nice -n 15 \
    "$build/tests/fuzz/work/build/$target" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 -error_exitcode=1 -artifact_prefix="$work/$target-" "$corpus" \
    > "$log" 2>&1
  status=$?
  rm -rf "$TMPDIR"
  executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  cpu=$(awk '/^cpu/ {print $2 + $3}' "$work/$target.time")
  wall=$(awk '/^cpu/ {print $4}' "$work/$target.time")
  crash=$(grep -o "Test unit written to .*" "$log" | head -1 | sed 's/Test unit written to //')
  echo "$target: exit $status, executions ${executions:-?}, wall ${wall:-?}s, cpu ${cpu:-?}s," \
    "corpus $(find "$corpus" -type f | wc -l) files${crash:+, crash $crash}"
done
