#!/usr/bin/env bash
# lhv1_predict_go against Go on objects no one wrote by hand: the Go
# reference derives N objects from the goldens by random edits (seeded),
# records what Go's loader does with each (one child process each), and
# lhv1_differential compares the prediction.
# Usage: differential.sh DIFFERENTIAL_BINARY GO_REFERENCE_BINARY GOLDEN_DIR [N] [SEED]
set -euo pipefail
abs() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
diffbin=$(abs "$1") goref=$(abs "$2") golden=$(abs "$3") n=${4:-1500} seed=${5:-1}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$goref" -mutants "$work/m" -from "$golden/objects" -n "$n" -seed "$seed"
echo "differential: Go loads $n edited goldens (seed $seed)" >&2
(cd "$work/m" && "$goref" -behaviour m*) | sed "s|^|$work/m/|" >"$work/go.tsv"
"$diffbin" "$work/go.tsv"
