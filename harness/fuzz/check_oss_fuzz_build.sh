#!/usr/bin/env bash
# Runs .clusterfuzzlite/build.sh as OSS-Fuzz does (its variables set, a
# fresh $OUT), then checks what it emitted and runs every target briefly on
# its unzipped seed corpus, as OSS-Fuzz's check_build does.
# usage: check_oss_fuzz_build.sh SOURCE_ROOT SCRATCH_DIR
set -euo pipefail
root=$1 scratch=$2
rm -rf "$scratch"
mkdir -p "$scratch/out" "$scratch/work"
export CC=clang
export CFLAGS="-O1 -fno-omit-frame-pointer -gline-tables-only -fsanitize=address -fsanitize-address-use-after-scope -fsanitize=fuzzer-no-link"
export LIB_FUZZING_ENGINE=-fsanitize=fuzzer
export FUZZING_ENGINE=libfuzzer SANITIZER=address
SRC=$(dirname "$root")
export OUT=$scratch/out WORK=$scratch/work SRC
(cd "$root" && bash .clusterfuzzlite/build.sh) > "$scratch/build.log" 2>&1 ||
  { tail -n 40 "$scratch/build.log"; echo "build.sh failed"; exit 1; }

fail=0
targets=$("$root/harness/fuzz/tools/targets" libfuzzer | cut -d' ' -f1)
[ -n "$targets" ] || { echo "no targets in harness/fuzz/targets.tsv"; exit 1; }
# build.sh builds differential when Go is there (as it is wherever ci/setup ran).
command -v go >/dev/null || targets=$(echo "$targets" | grep -vx differential)
for target in $targets; do
  for f in "$target" "$target.dict" "$target.options" "${target}_seed_corpus.zip"; do
    [ -s "$OUT/$f" ] || { echo "missing or empty: \$OUT/$f"; fail=1; }
  done
  [ -x "$OUT/$target" ] || { echo "not executable: \$OUT/$target"; fail=1; continue; }
  grep -qx "dict = $target.dict" "$OUT/$target.options" || { echo "$target.options names no dict"; fail=1; }
  seeds=$scratch/seeds/$target
  mkdir -p "$seeds"
  python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' \
    "$OUT/${target}_seed_corpus.zip" "$seeds"
  n=$(find "$seeds" -mindepth 1 -maxdepth 1 | wc -l)
  # Every seed once, then a short fuzz: the target links, runs, finds no crash.
  if ! (cd "$scratch" && "$OUT/$target" -dict="$OUT/$target.dict" -runs=2000 -print_final_stats=1 "$seeds" \
        > "$scratch/$target.log" 2>&1); then
    tail -n 30 "$scratch/$target.log"; echo "$target failed on its seeds"; fail=1; continue
  fi
  echo "$target: ok ($n seeds, $(grep -a -o 'stat::number_of_executed_units: [0-9]*' "$scratch/$target.log" || echo "runs done"))"
done
exit $fail
