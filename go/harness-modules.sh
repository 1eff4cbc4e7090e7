# shellcheck shell=bash
# Sourced by go/use-checkout and go/release: what a go.mod requires of the
# harness's own modules.
prefix=github.com/lhv1/harness/

# harness_requires GO_MOD: the github.com/lhv1/harness/... modules it
# requires, one a line.
harness_requires() {
  awk '/^require \(/ {inreq = 1; next}
       inreq && /^\)/ {inreq = 0; next}
       inreq {print $1; next}
       /^require / {print $2}' "$1" | grep "^$prefix" || true
}
