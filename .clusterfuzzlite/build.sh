#!/bin/bash -eu
# OSS-Fuzz / ClusterFuzzLite build. Honours the variables the builder sets:
#   $CC $CFLAGS       compiler and sanitizer/coverage flags (never hard-coded here)
#   $LIB_FUZZING_ENGINE  the engine to link (-fsanitize=fuzzer, libAFLDriver.a, ...)
#   $OUT              where targets, .dict, .options and seed corpora go
#   $SRC              the source tree's parent ($SRC/lhv1), or run from the tree
#   $WORK             scratch space for the build tree (optional)
#   $FUZZING_ENGINE $SANITIZER  (optional) decide whether `differential` is built
# Emits per target: <target>, <target>.dict, <target>.options and
# <target>_seed_corpus.zip (corpus/<target>/ plus corpus/regressions/<target>/).
root=$PWD
[ -f "$root/include/lhv1/index.h" ] || root=${SRC:-}/lhv1
[ -f "$root/include/lhv1/index.h" ] || root=$(cd "$(dirname "$0")/.." && pwd)
work=${WORK:-$(mktemp -d)}/lhv1-build

# The library is compiled with $CC $CFLAGS like the targets, so it carries
# the same instrumentation; only the link of each target adds the engine.
# `differential` links the Go load path, whose instrumentation
# (-d=libfuzzer on the code under test) calls libFuzzer's hooks: built with libFuzzer,
# when Go is there (the base-builder-go image), and not under MSan (Go's
# code is not MSan-instrumented).
differential=OFF
if command -v go >/dev/null && [ "${FUZZING_ENGINE:-libfuzzer}" = libfuzzer ] &&
   [ "${SANITIZER:-address}" != memory ]; then
  differential=ON
fi
cmake -S "$root" -B "$work" -G Ninja \
  -DCMAKE_C_COMPILER="$CC" -DCMAKE_C_FLAGS="$CFLAGS" -DCMAKE_BUILD_TYPE=Release \
  -DLHV1_SANITIZE=OFF -DLHV1_FUZZ_ENGINE=external \
  -DLHV1_FUZZ_LINK_FLAGS="$LIB_FUZZING_ENGINE" -DLHV1_FUZZ_DIFFERENTIAL=$differential
cmake --build "$work" --target fuzzers

zip_dir() { # zip file, then directories
  local zip=$1; shift
  local files=()
  for d in "$@"; do
    [ -d "$d" ] || continue
    while IFS= read -r -d '' f; do files+=("$f"); done \
      < <(find "$d" -maxdepth 1 -type f ! -name '.*' ! -name 'README*' -print0)
  done
  rm -f "$zip"
  [ ${#files[@]} -gt 0 ] || return 0
  if command -v zip >/dev/null; then
    zip -q -j "$zip" "${files[@]}"
  else
    python3 - "$zip" "${files[@]}" <<'PY'
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
    for f in sys.argv[2:]:
        z.write(f, os.path.basename(f))
PY
  fi
}

# Every target of harness/fuzz/targets.tsv that libFuzzer-style engines run
# (differential only when built, above).
"$root/harness/fuzz/tools/targets" libfuzzer > "$work/targets.txt"
# Longest generated input (harness/fuzz/max_len, the one place): small
# inputs run fast and reach the same code; seeds above it are truncated.
max_len=$(cat "$root/harness/fuzz/max_len")
while read -r target seed; do
  [ "$target" = differential ] && [ $differential = OFF ] && continue
  cp "$work/harness/fuzz/$target" "$OUT/$target"
  dict=$root/corpus/$seed.dict # the corpus's own, else the LHV1 one
  [ -f "$dict" ] || dict=$root/corpus/lhv1.dict
  cp "$dict" "$OUT/$target.dict"
  printf '[libfuzzer]\ndict = %s.dict\nmax_len = %s\ntimeout = 10\n' "$target" "$max_len" \
    > "$OUT/$target.options"
  zip_dir "$OUT/${target}_seed_corpus.zip" "$root/corpus/$seed" "$root/corpus/regressions/$seed"
done < "$work/targets.txt"
