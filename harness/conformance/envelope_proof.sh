#!/usr/bin/env bash
# The promise of `ok` (FORMAT.md 5), proved against Go: the Go reference
# writes N seeded edits of the y_ goldens' envelopes (key case and Unicode
# folds, \u0000 in keys, number spellings, duplicates, nesting; graphs
# untouched), reads every golden and every edit with its DecodeEnvelope
# in-process, and lhv1_differential --envelopes fails on any object liblhv1
# calls ok or inconsistent that Go does not load with the same values, and
# on any Go prediction that differs from Go.
# Usage: envelope_proof.sh DIFFERENTIAL_BINARY GO_REFERENCE_BINARY GOLDEN_DIR [N] [SEED]
set -euo pipefail
abs() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
diffbin=$(abs "$1") goref=$(abs "$2") golden=$(abs "$3") n=${4:-6000} seed=${5:-1}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$goref" -envelope-edits "$work/e" -from "$golden/objects" -n "$n" -seed "$seed"
"$goref" -envelope-values "$golden"/objects/*.lhv1 "$work"/e/* >"$work/env.tsv"
"$diffbin" --envelopes "$work/env.tsv" "$golden"
