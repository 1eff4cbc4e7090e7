package lhv1campaign

import "github.com/lhv1/harness/go/lhv1test"

// Row variants of a kind (LHV1_ROWS_*).
const (
	rowsOnce = iota
	rowsPersistent
	rowsReply
)

// o is a set of outcomes (LHV1_O).
func o(outs ...Outcome) uint {
	var s uint
	for _, x := range outs {
		s |= 1 << x
	}
	return s
}

var (
	oDetected = o(BadFormat, DecodeError, Inconsistent)
	oAll      = uint(1)<<outcomeCount - 1
)

// kindFacts are a kind's campaign columns (src/testing/fault_kinds.json,
// the C campaign's too): the rows a kind gets, the outcomes the format
// cannot prevent for it, and its row's self-check (some case in `any`,
// each of `each` seen, every case in `only`). facts_table.go holds them,
// generated.
type kindFacts struct {
	rows                      int
	expected, any, each, only uint
	check                     string
}

//go:generate python3 ../../src/testing/fault_kinds_gen.py go-campaign facts_table.go

// Expected is lhv1_campaign_expected: latest and in-flight always, else
// the kind's expected set.
func Expected(k lhv1test.Kind, out Outcome) bool {
	return out == Latest || out == InFlight || facts[k].expected&(1<<out) != 0
}

// rowDefs expands the kinds in table order by their rows, then the mix.
func rowDefs() []rowDef {
	var defs []rowDef
	for _, k := range lhv1test.Kinds() {
		switch facts[k].rows {
		case rowsReply:
			defs = append(defs, rowDef{k, false, false}, rowDef{k, true, false})
		case rowsPersistent:
			defs = append(defs, rowDef{k, false, false}, rowDef{k, false, true})
		default:
			defs = append(defs, rowDef{k, false, false})
		}
	}
	return append(defs, rowDef{lhv1test.None, false, false})
}
