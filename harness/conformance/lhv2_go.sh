#!/usr/bin/env bash
# LHV2 with the Go reference (docs/LHV2.md):
#  1. freshness: regenerating golden/lhv2/ with Go gives the committed bytes;
#  2. reverse: liblhv1's writer (lhv1 frame --format lhv2) re-contains every
#     Go-written LHV1 golden the LHV2 goldens come from, Go's LHV2 reader
#     loads each, and its dump is the committed expected dump;
#  3. -check survives coder/hnsw: a sound container around a graph that makes
#     Import panic is reported as `panic` and the next file is still read.
# usage: lhv2_go.sh LHV1_CLI GOLDEN_DIR
set -euo pipefail
lhv1=$1 golden=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$golden/gen" && GOFLAGS=-mod=readonly GOWORK=off go build -o "$work/lhv2golden" ./cmd/lhv2golden)
"$work/lhv2golden" -from "$golden/objects" -out "$work/regen"
if ! diff -r "$golden/lhv2" "$work/regen" > "$work/diff"; then
  echo "lhv2_go: FAIL golden/lhv2 differs from a regeneration with Go:" >&2
  head -n 20 "$work/diff" >&2
  exit 1
fi
fail=0 n=0
while IFS=$'\t' read -r file _ verdict _ _ _ dump about; do
  case $file in \#*|n_*) continue ;; esac
  from=$(sed -n 's/.*(from \(.*\)\.lhv1)$/\1/p' <<<"$about")
  "$lhv1" unframe "$golden/objects/$from.lhv1" --envelope "$work/env" --graph "$work/graph"
  "$lhv1" frame --format lhv2 --envelope "$work/env" --graph "$work/graph" -o "$work/c.lhv2"
  want=$(sha256sum < "$golden/lhv2/$dump" | cut -d' ' -f1)
  got=$("$work/lhv2golden" -check "$work/c.lhv2")
  if [[ $got != *$'\t'"$verdict"$'\t'*"dump-sha256=$want" ]]; then
    echo "lhv2_go: FAIL Go's LHV2 reader on C's $file: $got" >&2
    fail=1
  fi
  n=$((n + 1))
done < "$golden/lhv2/MANIFEST.tsv"
[ "$n" -ge 4 ] || { echo "lhv2_go: FAIL only $n valid goldens" >&2; exit 1; }
"$lhv1" unframe "$golden/objects/n_graph_negative_distance_len.lhv1" --envelope "$work/env" --graph "$work/graph"
"$lhv1" frame --format lhv2 --envelope "$work/env" --graph "$work/graph" -o "$work/panic.lhv2"
got=$("$work/lhv2golden" -check "$work/panic.lhv2" "$work/c.lhv2" | cut -f2 | tr '\n' ' ') || true
if [ "$got" != "panic ok " ]; then
  echo "lhv2_go: FAIL -check on a panicking graph then a valid object: '$got', want 'panic ok '" >&2
  fail=1
fi
[ $fail -eq 0 ] && echo "lhv2_go: ok: goldens fresh; Go loads what C writes ($n objects); -check reports a panic"
exit $fail
