#!/usr/bin/env bash
# Faults during indexing: SIGKILLs kavosh-index at random moments of runs over a JSONL corpus
# and checks, after every kill:
#   - the index opens (kavosh-search answers, or says a first run is still being created);
#   - every committed document is searchable: each article the index holds is the top hit
#     of a query for the token only its document carries;
#   - the side files are never newer than the index: terms.bloom and match.data name no later
#     revision than the database's, and the spelling dictionary holds no word the index lacks.
# The next cycle's run is the re-run of the same input (ids are stable, so it replaces what is
# there and goes on). When a run ends before its kill moment, it must exit 0 and its index must
# equal an uninterrupted run's (kavosh-index-digest: documents, total length, every term with
# its frequencies) with side files of its revision; the index is then removed, so the next run
# is a first run again (sharded, the riskiest path). After the last kill, a final re-run must
# complete and equal the uninterrupted run.
# Kill moments are points in the indexer's own CPU time (user + system, from /proc), not in
# wall time: on a shared machine a run's wall time varies several-fold with the load, and a
# wall-clock calibration taken at the start (23 s) was overtaken as the load rose (57 s), so no
# run ended before its kill any more and every kill after the first fell on a re-run.
#
# usage: kill_during_indexing.sh BUILD_DIR SOURCE.jsonl WORK_DIR [KILLS] [BATCH] [SEED]
#   BUILD_DIR    the CMake build (kavosh-index, kavosh-search, tests/faults/kavosh-index-digest)
#   SOURCE.jsonl documents, e.g. from build/bench/harness/kavosh-bench-generate; each line's text
#                gets a unique token and a token every document shares (WORK_DIR/corpus.jsonl)
#   KILLS        kills to make (default 100); BATCH: --batch passages (default 250, so that a
#                small corpus still commits many times); SEED: for the kill moments (default 1)
# Exit 0 when every check held, 1 otherwise; a line per kill is appended to WORK_DIR/kills.log.
set -uo pipefail

build=$1
source_corpus=$2
work=$3
kills_wanted=${4:-100}
batch=${5:-250}
RANDOM=${6:-1}

index_bin="$build/indexer/kavosh-index"
search_bin="$build/searcher/kavosh-search"
digest_bin="$build/tests/faults/kavosh-index-digest"
for tool in "$index_bin" "$search_bin" "$digest_bin"; do
  [ -x "$tool" ] || { echo "missing $tool: build first" >&2; exit 2; }
done
mkdir -p "$work"
corpus="$work/corpus.jsonl"
tokens="$work/tokens.tsv"  # article id <TAB> its token
log="$work/kills.log"
echo "== campaign of $(date -u '+%F %T') UTC: $kills_wanted kills, batch $batch, seed ${6:-1}" >> "$log"

# The token of document n: consonants only (no s, l or y), so that every analyzer path keeps
# it one term and no stemmer rule maps two tokens to one stem.
python3 - "$source_corpus" "$corpus" "$tokens" <<'PY'
import json, sys
LETTERS = 'bcdfghjkmnpqrtvwxz'
def token(n):
    s = ''
    for _ in range(5):
        s = LETTERS[n % len(LETTERS)] + s
        n //= len(LETTERS)
    return 'qx' + s
with open(sys.argv[1], encoding='utf-8') as source, \
     open(sys.argv[2], 'w', encoding='utf-8') as corpus, open(sys.argv[3], 'w') as tokens:
    for n, line in enumerate(source):
        record = json.loads(line)
        record['text'] = record.get('text', '') + ' ' + token(n) + ' kvall'
        corpus.write(json.dumps(record, ensure_ascii=False) + '\n')
        tokens.write(f"{record['id']}\t{token(n)}\n")
PY

index_run() {  # index_run DB: one kavosh-index run over the corpus, in the background
  "$index_bin" --db "$1" --quiet --batch "$batch" "$corpus" 2> "$work/index.err" &
  index_pid=$!
}

# The digest lines that must equal the uninterrupted run's (not its revision or side files).
content_digest() { grep -E '^(documents|total length|terms|term digest):' "$1"; }

failures=0
fail() {
  echo "FAIL: $*" | tee -a "$log"
  failures=$((failures + 1))
}

# Checks an index a run has left at its end (complete = 1) or killed (complete = 0).
check_index() {
  local db=$1 complete=$2 what=$3
  local search_out="$work/search.out" search_err="$work/search.err"
  if ! "$search_bin" --db "$db" --trec --no-snippets --limit 1000000 kvall > "$search_out" \
    2> "$search_err"; then
    if [ "$complete" = 0 ] && grep -q "being created" "$search_err"; then
      echo "$what: first run not committed yet (the searcher says so)" >> "$log"
      return
    fi
    fail "$what: the index does not open: $(head -c 300 "$search_err")"
    return
  fi
  if ! "$digest_bin" "$db" > "$work/digest.txt" 2> "$work/digest.err"; then
    fail "$what: digest failed: $(cat "$work/digest.err")"
    return
  fi
  # Every article the index holds answers the query for its own token, first.
  awk '{print $3}' "$search_out" | sort -u > "$work/committed.ids"
  local committed
  committed=$(wc -l < "$work/committed.ids")
  awk -F'\t' 'NR == FNR { keep[$1] = 1; next } ($1 in keep) { print $1 "\t" $2 }' \
    "$work/committed.ids" "$tokens" > "$work/queries.tsv"
  if [ "$(wc -l < "$work/queries.tsv")" != "$committed" ]; then
    fail "$what: the index holds articles the corpus does not have"
  fi
  if [ "$committed" -gt 0 ]; then
    "$search_bin" --db "$db" --queries "$work/queries.tsv" --trec --no-snippets --limit 1 \
      > "$work/answers.trec" 2> "$work/answers.err" || fail "$what: batch search failed"
    local misses
    misses=$(awk '$1 != $3' "$work/answers.trec" | wc -l)
    local answered
    answered=$(wc -l < "$work/answers.trec")
    [ "$misses" = 0 ] && [ "$answered" = "$committed" ] ||
      fail "$what: $((committed - answered + misses)) of $committed committed articles not found"
  fi
  local revision bloom match unknown
  revision=$(sed -n 's/^revision: //p' "$work/digest.txt")
  bloom=$(sed -n 's/^terms.bloom revision: //p' "$work/digest.txt")
  match=$(sed -n 's/^match.data revision: //p' "$work/digest.txt")
  unknown=$(sed -n 's/^spelling words the index does not hold: //p' "$work/digest.txt")
  for side in "terms.bloom:$bloom" "match.data:$match"; do
    local name=${side%%:*} side_revision=${side#*:}
    [ "$side_revision" = absent ] && continue
    if [ "$revision" != none ] && [ "$side_revision" -gt "$revision" ] 2> /dev/null; then
      fail "$what: $name names revision $side_revision, the index is at $revision"
    fi
    if [ "$complete" = 1 ] && [ "$side_revision" != "$revision" ]; then
      fail "$what: after a complete run $name names revision $side_revision, not $revision"
    fi
  done
  [ "$unknown" = 0 ] || fail "$what: the spelling dictionary holds $unknown words the index lacks"
  if [ "$complete" = 1 ] && ! diff <(content_digest "$work/digest.txt") "$work/reference.digest" \
    > "$work/digest.diff"; then
    fail "$what: the index differs from the uninterrupted run's: $(tr '\n' ' ' < "$work/digest.diff")"
  fi
  echo "$what: $committed articles committed, revision $revision, side files $bloom/$match" >> "$log"
}

# CPU clock ticks (user + system, every thread) process $1 has used, and whether it has
# ended: "TICKS running" or "TICKS ended"; nothing once it has been waited for.
cpu_ticks() {
  local stat
  read -r stat 2> /dev/null < "/proc/$1/stat" || return 0
  # shellcheck disable=SC2206 # the fields after "(comm) " are space-separated numbers
  local fields=(${stat##*) })  # fields[0] is the state; utime and stime are fields[11], [12]
  echo "$((fields[11] + fields[12])) $([ "${fields[0]}" = Z ] && echo ended || echo running)"
}
ticks_per_second=$(getconf CLK_TCK)

# The uninterrupted run. A campaign resumed in the same WORK_DIR with the same indexer, corpus
# and batch reuses the one it made (about six minutes of CPU at 200 000 documents).
rm -rf "$work/db"
reference_key=$(cat "$index_bin" "$corpus" <(echo "$batch") | sha256sum | cut -c1-16)
if [ -s "$work/reference.digest" ] && [ "$(cat "$work/reference.key" 2> /dev/null)" = "$reference_key" ]; then
  echo "uninterrupted run: reused from an earlier campaign in $work;" \
    "$(tr '\n' ' ' < "$work/reference.digest")" | tee -a "$log"
else
  rm -rf "$work/reference" "$work/reference.key"
  start=$(date +%s.%N)
  /usr/bin/time -f "%U %S" -o "$work/reference.cpu" "$index_bin" --db "$work/reference" \
    --quiet --batch "$batch" "$corpus" || { echo "the uninterrupted run failed" >&2; exit 1; }
  run_seconds=$(echo "$(date +%s.%N) - $start" | bc)
  "$digest_bin" "$work/reference" > "$work/reference.full"
  content_digest "$work/reference.full" > "$work/reference.digest"
  echo "$reference_key" > "$work/reference.key"
  echo "uninterrupted run: ${run_seconds}s;" "$(tr '\n' ' ' < "$work/reference.digest")" |
    tee -a "$log"
fi
run_ticks=$(awk -v hz="$ticks_per_second" '{print int(($1 + $2) * hz)}' "$work/reference.cpu")
echo "uninterrupted run's CPU: $((run_ticks * 1000 / ticks_per_second)) ms" | tee -a "$log"
# Kill moments: uniform over 1.25 times the uninterrupted run's CPU, so that some runs end
# first and are compared whole (re-runs need less CPU than a first run: more of them do).
max_ticks=$((run_ticks * 5 / 4 + 1))

kills=0
completions=0
cycle=0
while [ "$kills" -lt "$kills_wanted" ]; do
  cycle=$((cycle + 1))
  kill_ticks=$(((RANDOM * 32768 + RANDOM) % max_ticks + 1))
  first_run=$([ -e "$work/db" ] && echo re-run || echo first)
  index_run "$work/db"
  while read -r used state < <(cpu_ticks "$index_pid") && [ "$state" = running ] &&
    [ "$used" -lt "$kill_ticks" ]; do
    sleep 0.02
  done
  kill -KILL "$index_pid" 2> /dev/null
  wait "$index_pid" 2> /dev/null
  rc=$?
  # The exit status, not the kill's success, tells whether the run ended first: a run that
  # has exited but not been waited for still takes a signal.
  if [ "$rc" = 137 ]; then
    kills=$((kills + 1))
    at_ms=$((kill_ticks * 1000 / ticks_per_second))
    check_index "$work/db" 0 "kill $kills (cycle $cycle, $first_run run, at $at_ms ms of CPU)"
  else
    completions=$((completions + 1))
    [ "$rc" = 0 ] || fail "cycle $cycle: the run exited $rc: $(head -c 300 "$work/index.err")"
    check_index "$work/db" 1 "completion $completions (cycle $cycle, $first_run run)"
    rm -rf "$work/db"
  fi
done

# The last kill's re-run, to the end.
"$index_bin" --db "$work/db" --quiet --batch "$batch" "$corpus" 2> "$work/index.err" ||
  fail "the final re-run failed: $(head -c 300 "$work/index.err")"
check_index "$work/db" 1 "final re-run"
echo "kills: $kills, runs that ended before their kill: $completions, failures: $failures" |
  tee -a "$log"
[ "$failures" = 0 ]
