#!/usr/bin/env bash
# The files of the source tree, NUL-separated, relative to ROOT: git's
# (tracked, and untracked ones not ignored; none deleted from the work tree),
# or, outside a git checkout, every file but the build and output trees.
# usage: source_files.sh ROOT
set -uo pipefail
cd "$1" || exit 2
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  git ls-files -z --cached --others --exclude-standard |
    while IFS= read -r -d '' f; do [ -f "$f" ] && printf '%s\0' "$f"; done
else
  find . -type d \( -name .git -o -name 'build*' -o -name out -o -name .tools \) -prune \
    -o -type f -printf '%P\0'
fi
