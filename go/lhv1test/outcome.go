package lhv1test

import (
	"bytes"
	"fmt"
)

// Outcome is what a Load gave back for an index after a fault, judged
// against what the client was told: the columns of the fault campaign's
// table, mildest first (the C table LHV1_OUTCOMES; kinds_test.go keeps
// them equal).
type Outcome int

const (
	Latest       Outcome = iota // the state of the last acknowledged save or delete
	InFlight                    // the state of an operation that got an error reply but landed
	Stale                       // an older state after a newer one was acknowledged
	Missing                     // not found, though a save was acknowledged
	StoreError                  // the store's failure reached Load
	BadFormat                   // the framing was refused
	DecodeError                 // the envelope or the graph did not decode
	Inconsistent                // decoded, violates an invariant (liblhv1 only)
	SilentWrong                 // loaded, with content that was never saved
	NumOutcomes  = int(iota)
)

var outcomeNames = [NumOutcomes]string{"latest", "in-flight", "stale", "missing", "store-error",
	"bad-format", "decode-error", "inconsistent", "SILENT-WRONG"}

func (o Outcome) String() string {
	if o >= 0 && int(o) < NumOutcomes {
		return outcomeNames[o]
	}
	return "unknown"
}

// OutcomeByName is the outcome of a column name; ok is false when unknown.
func OutcomeByName(name string) (Outcome, bool) {
	for i, n := range outcomeNames {
		if n == name {
			return Outcome(i), true
		}
	}
	return 0, false
}

// severity orders outcomes to pick the one a case is filed under.
var severity = [NumOutcomes]int{Latest: 0, InFlight: 1, StoreError: 2, BadFormat: 3,
	DecodeError: 4, Inconsistent: 5, Missing: 6, Stale: 7, SilentWrong: 8}

// Worse reports whether o is filed before other (a case takes its worst).
func (o Outcome) Worse(other Outcome) bool { return severity[o] > severity[other] }

// Role is what the client was told about a state of an index.
type Role string

const (
	RoleAcked    Role = "acknowledged" // the last acknowledged save (or delete)
	RoleInFlight Role = "in-flight"    // an operation since, answered with an error
	RoleOlder    Role = "older"        // any earlier state
)

// KnownState is one state of an index: its generation and canonical dump,
// or, with a nil Dump, no object at all (generation 0).
type KnownState struct {
	Generation int    `json:"generation"`
	Role       Role   `json:"role"`
	Dump       []byte `json:"dump,omitempty"`
}

// LoadResult is what one Load gave: the dump of what it loaded, or its
// error, with how the error reads.
type LoadResult struct {
	Dump        []byte
	Err         error
	Missing     bool // the persistor says no such index
	BadFormat   bool // the persistor refused the framing
	StoreFailed bool // the store's Get failed (not a not-found)
	NotLoaded   bool // CountGuard kept the object from the loader
}

// JudgeLoad files one load of index name against its known states: what a
// fault campaign and a replay call the outcome, with a line of detail.
func JudgeLoad(name string, r LoadResult, states []KnownState) (Outcome, string) {
	if r.Err != nil {
		detail := r.Err.Error()
		if len(detail) > 200 {
			detail = detail[:200]
		}
		switch {
		case r.Missing:
			switch {
			case hasState(states, RoleAcked, nil):
				return Latest, detail
			case hasState(states, RoleInFlight, nil):
				return InFlight, detail
			}
			return Missing, detail
		case r.NotLoaded:
			return DecodeError, detail
		case r.StoreFailed:
			return StoreError, detail
		case r.BadFormat:
			return BadFormat, detail
		}
		return DecodeError, detail
	}
	var acked *KnownState
	for i := range states {
		if states[i].Role == RoleAcked {
			acked = &states[i]
		}
	}
	for _, s := range states {
		if s.Dump == nil || !bytes.Equal(s.Dump, r.Dump) {
			continue
		}
		switch s.Role {
		case RoleAcked:
			return Latest, ""
		case RoleInFlight:
			return InFlight, ""
		}
		what := "its deletion"
		if acked != nil && acked.Dump != nil {
			what = "a newer generation"
		}
		return Stale, fmt.Sprintf("loads %s generation %d; acknowledged: %s", name, s.Generation, what)
	}
	if acked != nil && acked.Dump != nil {
		return SilentWrong, FirstDiff(r.Dump, acked.Dump)
	}
	return SilentWrong, "loads ok; the last acknowledged op deleted it"
}

func hasState(states []KnownState, role Role, dump []byte) bool {
	for _, s := range states {
		if s.Role == role && (s.Dump == nil) == (dump == nil) && bytes.Equal(s.Dump, dump) {
			return true
		}
	}
	return false
}

// FirstDiff is the first line of dump a that differs from b, for a report.
func FirstDiff(a, b []byte) string {
	i, line, start := 0, 1, 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		if a[i] == '\n' {
			line++
			start = i + 1
		}
		i++
	}
	end := start
	for end < len(a) && a[end] != '\n' && end-start < 120 {
		end++
	}
	return fmt.Sprintf("dump line %d: %s", line, a[start:end])
}
