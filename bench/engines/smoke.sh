#!/bin/sh
# Smoke test of bench/engines: every engine built in the given folder indexes a 5-document JSONL
# and answers 3 queries, with and without snippets, with a TREC run and a latency file, with 2
# threads, and exits 1 for a missing index and 2 for a usage error. Stops at the first engine that misbehaves.
# Usage: smoke.sh BUILD_DIR/bench/engines
set -eu
build_dir=${1:?usage: smoke.sh BUILD_DIR/bench/engines}
work=$(mktemp -d "${TMPDIR:-/tmp}/kavosh-engines-smoke.XXXXXX")
trap 'rm -rf "$work"' EXIT

cat > "$work/corpus.jsonl" <<'JSONL'
{"id":"d1","title":"Boundary layer","text":"The boundary layer of a supersonic wing grows along the chord.","lang":"en"}
{"id":"d2","title":"Heat transfer","text":"Heat transfer in the boundary layer at high speeds was measured.","lang":"en"}
{"id":"d3","title":"Wing flutter","text":"Flutter of a swept wing is an aeroelastic problem.","lang":"en"}
{"id":"d4","title":"تهران","text":"تهران پایتخت ایران است و بزرگ‌ترین شهر کشور است.","lang":"fa"}
{"id":"d5","title":"Mojahedin","text":"The Mojahedin-e Khalq organization was founded in 1965.","lang":"en"}
JSONL
printf 'q1\tfrequent\tboundary layer\nq2\tphrase\t"swept wing"\nq3\twildcard\tmojah*\n' > "$work/queries.tsv"

engines=0
for name in kavosh xapian sqlite lucene; do
  engine="$build_dir/kavosh-bench-engine-$name"
  [ -x "$engine" ] || { echo "smoke: $name not built, skipped"; continue; }
  [ "$name" != lucene ] || [ -f "$build_dir/lucene-classes/kavosh/bench/LuceneEngine.class" ] ||
    { echo "smoke: lucene classes not built, skipped"; continue; }
  engines=$((engines + 1))
  index_json=$("$engine" index --corpus "$work/corpus.jsonl" --index "$work/index-$name" --lang auto)
  echo "$index_json"
  case $index_json in *'"docs":5,'*) ;; *) echo "smoke: $name indexed the wrong number of documents" >&2; exit 1 ;; esac
  # The second pass skips the warm-up: for Lucene it is 5000 executions, once is enough here.
  for flags in "--warmup 1" "--warmup 0 --snippets"; do
    rm -f "$work/latencies-$name"
    search_json=$("$engine" search --index "$work/index-$name" --queries "$work/queries.tsv" --k 5 \
      --repeat 2 $flags --run "$work/run-$name" --run-tag smoke --latencies "$work/latencies-$name")
    echo "$search_json"
    case $search_json in *'"timed":6,'*) ;; *) echo "smoke: $name timed the wrong number of queries" >&2; exit 1 ;; esac
    case $search_json in *'"errors":0'*) ;; *) echo "smoke: $name reported query errors" >&2; exit 1 ;; esac
    # --latencies: one "class<TAB>microseconds" line per timed execution, two per query here.
    tab=$(printf '\t')
    for class in frequent phrase wildcard; do
      count=$(grep -c "^$class$tab[0-9][0-9]*\.[0-9]\$" "$work/latencies-$name" || true)
      [ "$count" -eq 2 ] ||
        { echo "smoke: $name wrote $count latency lines for $class, not 2" >&2; cat "$work/latencies-$name" >&2; exit 1; }
    done
    [ "$(wc -l < "$work/latencies-$name")" -eq 6 ] ||
      { echo "smoke: $name wrote a latency file that is not 6 lines" >&2; exit 1; }
  done
  for qid in q1 q2 q3; do
    grep -q "^$qid Q0 d[0-9] 1 .* smoke\$" "$work/run-$name" ||
      { echo "smoke: $name found nothing for $qid" >&2; cat "$work/run-$name" >&2; exit 1; }
  done
  "$engine" search --index "$work/index-$name" --queries "$work/queries.tsv" --threads 2 --warmup 0 >/dev/null
  if [ "$name" = kavosh ]; then  # the flags bench/run's k1/b grid and Persian ablation use
    "$engine" index --corpus "$work/corpus.jsonl" --index "$work/index-$name" --no-normalize >/dev/null
    case $("$engine" search --index "$work/index-$name" --queries "$work/queries.tsv" --k1 0.9 --b 0.4) in
      *'"b":"0.400000"'*'"k1":"0.900000"'*) ;;
      *) echo "smoke: kavosh ignored --k1/--b" >&2; exit 1 ;;
    esac
  fi
  if "$engine" search --index "$work/no-such-index" --queries "$work/queries.tsv" 2>/dev/null; then
    echo "smoke: $name accepted a missing index" >&2; exit 1
  fi
  set +e
  "$engine" search --queries "$work/queries.tsv" 2>/dev/null
  status=$?
  set -e
  [ "$status" -eq 2 ] || { echo "smoke: $name returned $status, not 2, for a usage error" >&2; exit 1; }
done
[ "$engines" -gt 0 ] || { echo "smoke: no engine built in $build_dir" >&2; exit 1; }
echo "smoke: $engines engine(s) ok"
