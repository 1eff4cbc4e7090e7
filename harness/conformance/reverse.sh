#!/usr/bin/env bash
# The reverse direction: liblhv1 writes, Go reads. Every ok golden is
# re-encoded by liblhv1 into a directory store; the Go reference lists and
# loads the store through its Persistor and dumps each index; every dump
# must equal golden/expected/ byte for byte. Divergences listed in
# golden/KNOWN_DIVERGENCES.txt as "<file>:reverse" are expected (and fail
# when they stop happening).
# Usage: reverse.sh REENCODE_BINARY GO_REFERENCE_BINARY GOLDEN_DIR
set -euo pipefail
reencode=$1 goref=$2 golden=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/store"
"$reencode" "$golden" "$work/store" >"$work/pairs.tsv"
# Go reports each index it cannot load and goes on; the comparison below
# decides.
"$goref" -dump-store "$work/store" -dump-out "$work/dumps" || true
known() { grep -qE "^$1:reverse([[:space:]]|$)" "$golden/KNOWN_DIVERGENCES.txt"; }
fail=0 n=0 listed=0
while IFS=$'\t' read -r name expected file; do
  n=$((n + 1))
  got="$work/dumps/$name.dump"
  if [ -f "$got" ] && cmp -s "$golden/$expected" "$got"; then
    if known "$file"; then
      echo "GONE $file:reverse: listed in KNOWN_DIVERGENCES.txt, but Go now loads C's object and dumps it the same" >&2
      fail=$((fail + 1))
    fi
    continue
  fi
  if known "$file"; then
    listed=$((listed + 1))
    continue
  fi
  fail=$((fail + 1))
  if [ ! -f "$got" ]; then
    echo "FAIL $file:reverse: Go could not load the object liblhv1 wrote (see its message above)" >&2
  else
    echo "FAIL $file:reverse: Go's dump of the C-written object differs from $expected" >&2
    diff <(cut -c1-200 "$golden/$expected") <(cut -c1-200 "$got") | head -n 5 >&2 || true
  fi
  echo "     line for KNOWN_DIVERGENCES.txt, after review:  $file:reverse  # Go must load C's re-encoding and dump it as $expected" >&2
done <"$work/pairs.tsv"
echo "reverse: $n C-written objects given to Go, $listed known divergences, $fail failures" >&2
[ "$fail" -eq 0 ]
