#!/usr/bin/env bash
# Every shell script of the repository parses (bash -n; sh -n for the /bin/sh
# ones) and passes shellcheck with every check on. A shell script is a file
# whose first line runs sh, bash or dash, or a *.sh file (one that is only
# sourced names its shell in a `# shellcheck shell=bash` line). The files are
# git's (tracked, and untracked ones not ignored), or every file outside the
# build and output trees when the source is no git checkout
# (harness/source_files.sh).
# Also proves it can fail: a parse error and a shellcheck finding planted in
# a scratch directory are both reported.
# usage: shell_lint.sh SOURCE_ROOT
set -uo pipefail
root=$(cd "$1" && pwd) || exit 2
here=$(cd "$(dirname "$0")" && pwd) || exit 2
command -v shellcheck >/dev/null || { echo "shell_lint: shellcheck not installed: run ci/setup" >&2; exit 1; }

shell_of() { # file: bash, sh or nothing
  local first
  IFS= read -r first < "$1" 2>/dev/null || true
  case $first in
    '#!'*[/\ ]bash|'#!'*[/\ ]bash\ *) echo bash; return ;;
    '#!'*[/\ ]sh|'#!'*[/\ ]sh\ *|'#!'*[/\ ]dash|'#!'*[/\ ]dash\ *) echo sh; return ;;
  esac
  case $1 in *.sh) echo bash ;; esac
}
lint() { # dir: lints its shell scripts, prints each finding; exit 1 on any
  local f sh bad=0 scripts=()
  while IFS= read -r -d '' f; do
    [ -f "$1/$f" ] || continue
    sh=$(shell_of "$1/$f")
    [ -n "$sh" ] || continue
    scripts+=("$f")
    "$sh" -n "$1/$f" 2>&1 || bad=1
  done < <("$here/../source_files.sh" "$1")
  echo "shell_lint: ${#scripts[@]} scripts in $1"
  [ ${#scripts[@]} -gt 0 ] || return 1
  # All at once: a script's `. other.sh` is then checked with other.sh.
  (cd "$1" && shellcheck -f gcc "${scripts[@]}") || bad=1
  return $bad
}

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
# The checks must be able to fail.
printf '%s\n' '#!/usr/bin/env bash' 'if true; then' '  echo unclosed' > "$scratch/parse.sh"
cat > "$scratch/unquoted" <<'EOF'
#!/bin/sh
echo $1
EOF
planted=$(lint "$scratch" 2>&1)
if ! grep -q "parse.sh: line .*syntax error" <<<"$planted" || ! grep -q "unquoted:2:.*SC2086" <<<"$planted"; then
  echo "shell_lint: FAIL the lint missed a planted error:"; echo "$planted"; exit 1
fi

if lint "$root"; then
  echo "shell_lint: ok (bash -n / sh -n and shellcheck $(shellcheck --version | sed -n 's/^version: //p'))"
else
  echo "shell_lint: FAIL (findings above)"; exit 1
fi
