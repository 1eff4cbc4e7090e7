#!/usr/bin/env bash
# ci/mutation on three mutants, so its machinery cannot rot: one of
# examples/vectord (a Save that swallows the Put error), one of coder/hnsw
# through the go.work (M and EfSearch swapped on import), and one that
# changes only a comment. The two must be killed, the comment-only one
# must be reported as a survivor, and ci/mutation must then fail.
# usage: selftest.sh LHV1 OUT_DIR
set -uo pipefail
lhv1=$1 out=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
m=$root/harness/mutation
"$root/ci/mutation" --lhv1 "$lhv1" --out "$out" --fuzz-seconds 2 \
  "$m/mutants/save-ignores-put-error.patch" "$m/mutants/import-swaps-m-efsearch.patch" \
  "$m/selftest/comment-only.patch"
status=$?
fail() { echo "mutation selftest: FAIL $*" >&2; exit 1; }
[ "$status" -eq 1 ] || fail "ci/mutation exited $status, not 1 (the comment-only mutant survives)"
python3 - "$out/mutation.json" <<'PY' || exit 1
import json, sys
r = json.load(open(sys.argv[1]))
hand = {m["mutant"]: m for m in r["hand"]}
bad = []
for name in ("save-ignores-put-error", "import-swaps-m-efsearch"):
    if not hand.get(name, {}).get("killed_by"):
        bad.append(f"{name} was not killed")
if hand.get("comment-only", {}).get("killed_by"):
    bad.append("the comment-only mutant was killed by " + ", ".join(hand["comment-only"]["killed_by"]))
if r["problems"] != ["comment-only: survived every check", f"score {r['score']:.1f} % is below the goal of 95 %"]:
    bad.append(f"problems: {r['problems']}")
for b in bad:
    print("mutation selftest: FAIL " + b, file=sys.stderr)
sys.exit(1 if bad else 0)
PY
echo "mutation selftest: ok ($out/mutation.md)"
