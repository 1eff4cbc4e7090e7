#!/usr/bin/env bash
# Every golden object has the sha256 golden/MANIFEST.tsv records for it.
# Usage: check_sha256.sh GOLDEN_DIR
set -euo pipefail
cd "$1"
awk -F'\t' '!/^#/ && NF { print $2 "  objects/" $1 }' MANIFEST.tsv | sha256sum --check --quiet --strict
echo "sha256: $(grep -vc '^#' MANIFEST.tsv) objects match MANIFEST.tsv"
