#!/usr/bin/env bash
# The libFuzzer targets (project/CMakeLists.txt), built by clang in a separate build and run
# for a bounded time on a scratch copy of their seeds. Exit 77 (CTest SKIP) only when clang++
# is missing.
#   run_fuzzer.sh build <repository root> <work dir>
#   run_fuzzer.sh run <work dir> <target> <seconds> <seed file or directory>...
# `build` configures and builds every target once (CTest runs it as the fuzzers' fixture);
# `run` runs one. Extra libFuzzer flags may come in KAVOSH_FUZZ_FLAGS (e.g. -jobs, -runs).
set -euo pipefail

mode=$1
shift
if [ "$mode" = build ]; then
  source_dir=$1
  work_dir=$2
  clang=$(command -v clang++ || command -v clang++-14 || true)
  if [ -z "$clang" ]; then
    echo "[  SKIPPED ] clang++ not found: the libFuzzer targets need clang (apt-get install clang)"
    exit 77
  fi
  mkdir -p "$work_dir"
  build_dir="$work_dir/build"
  # A unity build, as CI's sanitizer pass: 167 s of compiler CPU against 224 s file by file.
  cmake -S "$source_dir/tests/fuzz/project" -B "$build_dir" -DCMAKE_CXX_COMPILER="$clang" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKAVOSH_SOURCE_DIR="$source_dir" -DCMAKE_UNITY_BUILD=ON \
    > "$work_dir/configure.log" 2>&1 ||
    { cat "$work_dir/configure.log"; exit 1; }
  cmake --build "$build_dir" -j "$(nproc 2>/dev/null || echo 2)" > "$work_dir/build.log" 2>&1 ||
    { grep -B2 -A12 -m3 'error' "$work_dir/build.log" || tail -50 "$work_dir/build.log"; exit 1; }
  exit 0
fi

[ "$mode" = run ] || { echo "usage: run_fuzzer.sh build|run ..." >&2; exit 2; }
work_dir=$1
target=$2
seconds=$3
shift 3
binary="$work_dir/build/$target"
if [ ! -x "$binary" ]; then
  if ! command -v clang++ > /dev/null && ! command -v clang++-14 > /dev/null; then
    echo "[  SKIPPED ] clang++ not found: the libFuzzer targets need clang"
    exit 77
  fi
  echo "$binary is missing: the fuzz_build test builds it" >&2
  exit 1
fi

# libFuzzer adds what it finds to the first corpus directory: use a scratch copy.
corpus="$work_dir/corpus-$target"
rm -rf "$corpus"
mkdir -p "$corpus"
for seed in "$@"; do
  if [ -d "$seed" ]; then
    find "$seed" -maxdepth 1 -type f -exec cp {} "$corpus/" \;
  elif [ -f "$seed" ]; then
    cp "$seed" "$corpus/$(basename "$seed")"
  fi
done
# The query and side-file targets build a small index in TMPDIR at start: keep it in here.
export TMPDIR="$work_dir/tmp-$target"
rm -rf "$TMPDIR"
mkdir -p "$TMPDIR"
trap 'rm -rf "$TMPDIR"' EXIT
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=detect_leaks=1
# shellcheck disable=SC2086 # KAVOSH_FUZZ_FLAGS is a list of flags
status=0
"$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -error_exitcode=1 -timeout_exitcode=1 \
  -artifact_prefix="$work_dir/$target-" ${KAVOSH_FUZZ_FLAGS:-} "$corpus" || status=$?
exit $status
