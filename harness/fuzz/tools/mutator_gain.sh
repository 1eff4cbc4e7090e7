#!/usr/bin/env bash
# Measures the structure-aware mutator: fuzzes `load` (byte mutation) and
# `load_structured` (the custom mutator) side by side for the same time from
# the same seeds, REPS times with different -seed values, then replays each
# resulting corpus alone through a coverage build and counts the lines and
# branches of src/ it covers. Two starting points: the full seed corpus, and
# one small valid object (how far each gets from little).
# usage: mutator_gain.sh SECONDS REPS OUT_DIR   (run from the repository root;
#        needs build-fuzzers/libfuzzer and build-fuzzers/coverage, which
#        ci/fuzz and ci/coverage build)
set -uo pipefail
seconds=$1 reps=$2 out=$3
lf=build-fuzzers/libfuzzer/harness/fuzz
replay=build-fuzzers/coverage/harness/fuzz/fuzz_replay_load_plain
cov=$(command -v llvm-cov || command -v llvm-cov-14)
profdata=$(command -v llvm-profdata || command -v llvm-profdata-14)
mkdir -p "$out"
out=$(cd "$out" && pwd)
gen_none=(corpus/load/gen-none-*)
one=${gen_none[2]}

src_coverage() { # corpus dir -> "lines_covered lines branches_covered branches"
  local d=$1 prof; prof=$(mktemp -d)
  LLVM_PROFILE_FILE="$prof/%p.profraw" "$replay" "$d" >/dev/null 2>&1
  "$profdata" merge -sparse "$prof"/*.profraw -o "$prof/p.profdata"
  "$cov" export "$replay" -instr-profile="$prof/p.profdata" -summary-only \
    -ignore-filename-regex='^(.*/)?(harness|include)/|^/usr/' |
    python3 -c 'import json,sys; t=json.load(sys.stdin)["data"][0]["totals"]; print(t["lines"]["covered"], t["lines"]["count"], t["branches"]["covered"], t["branches"]["count"])'
  rm -rf "$prof"
}

echo "start,mutator,rep,execs,ft,cov,lines,lines_total,branches,branches_total" > "$out/gain.csv"
for start in corpus one; do
  for rep in $(seq 1 "$reps"); do
    pids=()
    for t in load load_structured; do
      w=$out/$start-$t-$rep
      rm -rf "$w"; mkdir -p "$w/corpus" "$w/seeds"
      if [ $start = corpus ]; then cp corpus/load/* "$w/seeds/"; else cp "$one" "$w/seeds/"; fi
      "$lf/$t" -seed="$rep" -max_total_time="$seconds" -print_final_stats=1 -dict=corpus/lhv1.dict \
        -timeout=10 "$w/corpus" "$w/seeds" > "$w/log.txt" 2>&1 &
      pids+=($!)
    done
    echo "mutator_gain: $start rep $rep: load and load_structured, ${seconds}s each, side by side" >&2
    wait "${pids[@]}"
    for t in load load_structured; do
      w=$out/$start-$t-$rep
      cp "$w"/seeds/* "$w/corpus/" 2>/dev/null
      execs=$(grep -a -o 'stat::number_of_executed_units: [0-9]*' "$w/log.txt" | grep -o '[0-9]*$')
      last=$(grep -a '^#[0-9].*cov:' "$w/log.txt" | tail -n 1)
      ft=$(echo "$last" | grep -o 'ft: [0-9]*' | grep -o '[0-9]*')
      cv=$(echo "$last" | grep -o 'cov: [0-9]*' | grep -o '[0-9]*')
      read -r l lt b bt < <(src_coverage "$w/corpus")
      echo "$start,$t,$rep,$execs,$ft,$cv,$l,$lt,$b,$bt" >> "$out/gain.csv"
      echo "mutator_gain: $start $t rep $rep: execs $execs, ft $ft, src lines $l/$lt, branches $b/$bt" >&2
    done
  done
done
python3 - "$out/gain.csv" <<'PY' | tee "$out/gain.md"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
print("| start | mutator | runs | execs (mean) | libFuzzer ft (mean) | src lines (mean) | src branches (mean) |")
print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
for start in ("corpus", "one"):
    for m in ("load", "load_structured"):
        rs = [r for r in rows if r["start"] == start and r["mutator"] == m]
        if not rs:
            continue
        mean = lambda k: sum(float(r[k] or 0) for r in rs) / len(rs)
        print(f"| {start} | {m} | {len(rs)} | {mean('execs'):.0f} | {mean('ft'):.0f} | "
              f"{mean('lines'):.0f}/{rs[0]['lines_total']} | {mean('branches'):.0f}/{rs[0]['branches_total']} |")
PY
