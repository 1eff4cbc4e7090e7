#!/bin/sh
# The CLI on out-of-memory: verify, dump and inspect exit 2 and say so on
# stderr, whichever allocation fails; with none failing they judge the file.
# Usage: cli_oom.sh CLI_BUILT_WITH_FAILING_ALLOC GOLDEN_OK_FILE
set -u
cli=$1 file=$2
err=$(mktemp)
trap 'rm -f "$err"' EXIT
fail=0
for cmd in verify dump inspect; do
  for k in 0 1 7 30; do
    LHV1_TEST_FAIL_ALLOC_FROM=$k "$cli" "$cmd" "$file" >/dev/null 2>"$err"
    rc=$?
    if [ "$rc" -ne 2 ] || ! grep -q "out of memory: no verdict" "$err"; then
      echo "FAIL: $cmd with allocation $k failing: exit $rc, stderr: $(cat "$err")"
      fail=1
    fi
  done
  LHV1_TEST_FAIL_ALLOC_FROM=100000000 "$cli" "$cmd" "$file" >/dev/null 2>"$err"
  rc=$?
  if [ "$rc" -ne 0 ]; then
    echo "FAIL: $cmd with no allocation failing: exit $rc, stderr: $(cat "$err")"
    fail=1
  fi
done
[ "$fail" -eq 0 ] && echo "cli out-of-memory: verify, dump, inspect exit 2 with the message"
exit "$fail"
