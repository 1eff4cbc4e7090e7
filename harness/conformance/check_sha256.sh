#!/usr/bin/env bash
# Every golden object has the sha256 MANIFEST.tsv records for it. In a
# frozen archive (golden/archive/<id>/) also: every file but CHANGES.txt is
# in SHA256SUMS with its recorded sha256, and nothing SHA256SUMS lists is
# missing (an archive is never regenerated, docs/GOLDENS.md).
# Usage: check_sha256.sh GOLDEN_DIR
set -euo pipefail
cd "$1"
awk -F'\t' '!/^#/ && NF { print $2 "  objects/" $1 }' MANIFEST.tsv | sha256sum --check --quiet --strict
echo "sha256: $(grep -vc '^#' MANIFEST.tsv) objects match MANIFEST.tsv"
if [ -f SHA256SUMS ]; then
  sha256sum --check --quiet --strict SHA256SUMS
  unlisted=$(comm -23 <(find . -type f ! -name SHA256SUMS ! -name CHANGES.txt | sed 's|^\./||' | LC_ALL=C sort) \
                      <(sed 's/^[0-9a-f]*  //' SHA256SUMS | LC_ALL=C sort))
  if [ -n "$unlisted" ]; then
    echo "sha256: FAIL files of the archive not in SHA256SUMS:" >&2
    echo "$unlisted" >&2
    exit 1
  fi
  echo "sha256: archive $(basename "$PWD"): $(wc -l < SHA256SUMS) files match SHA256SUMS"
fi
