#!/usr/bin/env bash
# Builds the analyzer's libFuzzer target with clang in <work dir> and runs it for a bounded
# time on a copy of the seed corpus. Exit 77 (CTest SKIP) only when clang++ is missing.
# usage: run_fuzzer.sh <repository root> <work dir> <seconds>
set -euo pipefail
source_dir=$1
work_dir=$2
seconds=${3:-20}

clang=$(command -v clang++ || command -v clang++-14 || true)
if [ -z "$clang" ]; then
  echo "[  SKIPPED ] clang++ not found: the libFuzzer target needs clang (apt-get install clang)"
  exit 77
fi

mkdir -p "$work_dir"
build_dir="$work_dir/build"
cmake -S "$source_dir/tests/fuzz/project" -B "$build_dir" -DCMAKE_CXX_COMPILER="$clang" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKAVOSH_SOURCE_DIR="$source_dir" > "$work_dir/configure.log" 2>&1 ||
  { cat "$work_dir/configure.log"; exit 1; }
cmake --build "$build_dir" -j "$(nproc 2>/dev/null || echo 2)" > "$work_dir/build.log" 2>&1 ||
  { tail -50 "$work_dir/build.log"; exit 1; }

# libFuzzer adds what it finds to the first corpus directory: use a scratch copy.
corpus="$work_dir/corpus"
rm -rf "$corpus"
mkdir -p "$corpus"
cp "$source_dir"/tests/fuzz/corpus/* "$corpus/"
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=detect_leaks=1
"$build_dir/analyzer_fuzzer" -max_total_time="$seconds" -max_len=512 -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 -artifact_prefix="$work_dir/" "$corpus"
