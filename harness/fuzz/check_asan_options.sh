#!/usr/bin/env bash
# The ASAN_OPTIONS ci/fuzz fuzzes with (harness/fuzz/asan_options) still
# find what they must: a planted leak, a planted heap overflow and a planted
# use-after-free in a libFuzzer target built with ASan, caught while
# fuzzing. Also shows the check can fail: with malloc_context_size=0,
# LeakSanitizer marks every chunk reachable and reports no leak.
# usage: check_asan_options.sh SOURCE_ROOT SCRATCH_DIR
set -euo pipefail
root=$1 scratch=$2
rm -rf "$scratch"
mkdir -p "$scratch/corpus"
opts=$(cat "$root/harness/fuzz/asan_options")
cat > "$scratch/planted.c" <<'C'
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    if (n < 3 || d[0] != 'B')
        return 0;
    char *p = malloc(16);
    memcpy(p, d, 3);
    if (d[1] == 'L') /* leak */
        return p[0];
    if (d[1] == 'O') /* heap overflow */
        p[16 + (d[2] & 1)] = 1;
    free(p);
    if (d[1] == 'U') /* use after free */
        return p[1];
    return 0;
}
C
clang -g -O1 -fsanitize=fuzzer,address "$scratch/planted.c" -o "$scratch/planted"
fail=0
expect() { # bug input want-in-report asan-options
  local bug=$1 input=$2 want=$3 o=$4
  rm -rf "$scratch/corpus"/*
  printf '%s' "$input" > "$scratch/corpus/seed"
  ASAN_OPTIONS=$o timeout 60 "$scratch/planted" -runs=1000 -seed=1 "$scratch/corpus" \
    > "$scratch/$bug.log" 2>&1 || true
  if grep -q "$want" "$scratch/$bug.log"; then
    echo "ok: $bug found with ASAN_OPTIONS=$o"
    return 0
  fi
  echo "NOT FOUND: $bug with ASAN_OPTIONS=$o (tail of $scratch/$bug.log):"
  tail -n 5 "$scratch/$bug.log"
  return 1
}
expect leak BLx "LeakSanitizer: detected memory leaks" "$opts" || fail=1
expect overflow BOx "heap-buffer-overflow" "$opts" || fail=1
expect use-after-free BUx "heap-use-after-free" "$opts" || fail=1
# The control: too short a context loses leaks silently.
if expect leak BLx "LeakSanitizer: detected memory leaks" malloc_context_size=0 >/dev/null; then
  echo "control: malloc_context_size=0 found the leak; this check no longer tells"
  fail=1
else
  echo "ok: control, malloc_context_size=0 misses the leak"
fi
exit $fail
