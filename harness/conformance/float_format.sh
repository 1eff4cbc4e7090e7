#!/usr/bin/env bash
# liblhv1's float64 formatting against Go's: the Go helper prints its text
# for every finite power of two, subnormals, rule boundaries and a seeded
# random sample; the C checker formats the same bits and compares.
# Usage: float_format.sh CHECKER_BINARY FLOATFMT_BINARY [N] [SEED]
set -euo pipefail
checker=$1 floatfmt=$2 n=${3:-200000} seed=${4:-1}
"$floatfmt" -n "$n" -seed "$seed" | "$checker"
