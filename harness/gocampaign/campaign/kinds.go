package campaign

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

// kindFacts are the campaign columns of LHV1_FAULT_KINDS
// (src/testing/include/lhv1testing/fault_kinds.h): the rows a kind gets, the
// outcomes the format cannot prevent for it, and its row's self-check
// (some case in `any`, each of `each` seen, every case in `only`).
// kinds_test.go parses the C table and fails on any difference.
type kindFacts struct {
	rows                      int
	expected, any, each, only uint
	check                     string
}

var facts = map[lhv1test.Kind]kindFacts{
	lhv1test.PutFailBefore: {rowsPersistent, 0, 0, 0, 0, ""},
	lhv1test.PutFailAfter:  {rowsOnce, 0, o(InFlight), 0, 0, "some in-flight outcome"},
	lhv1test.PutTornPrefix: {rowsReply, oDetected, 0, o(BadFormat, DecodeError),
		oAll &^ o(Latest, InFlight, Stale, SilentWrong),
		"every torn prefix detected (bad-format and decode-error, nothing loads)"},
	lhv1test.PutTornOverOld: {rowsReply, oDetected | o(Stale, SilentWrong), oAll &^ o(Latest), 0, 0,
		"some outcome other than latest"},
	lhv1test.PutLost:             {rowsPersistent, o(Missing, Stale), o(Stale), 0, 0, "some stale outcome"},
	lhv1test.GetFail:             {rowsPersistent, o(StoreError), 0, 0, o(StoreError), "store-error in every case (a 5xx is never missing)"},
	lhv1test.GetFailNotFoundBody: {rowsOnce, o(StoreError), 0, 0, o(StoreError), "store-error in every case (a 5xx is never missing)"},
	lhv1test.GetNotFound:         {rowsOnce, o(Missing), o(Missing), 0, 0, "some missing outcome"},
	lhv1test.GetBitFlip: {rowsOnce, oDetected | o(Stale, SilentWrong), oAll &^ o(Latest), 0, 0,
		"some outcome other than latest"},
	lhv1test.GetStale:      {rowsOnce, o(Missing, Stale), o(Stale), 0, 0, "some stale outcome"},
	lhv1test.ListFail:      {rowsOnce, o(StoreError), 0, 0, o(StoreError), "store-error in every case (a 5xx is never missing)"},
	lhv1test.ListStale:     {rowsOnce, o(Stale), o(Stale), 0, 0, "some stale outcome"},
	lhv1test.DelFailBefore: {rowsPersistent, 0, 0, 0, 0, ""},
	lhv1test.DelFailAfter:  {rowsOnce, 0, o(InFlight), 0, 0, "some in-flight outcome"},
	lhv1test.DelLost:       {rowsOnce, o(Stale), o(Stale), 0, 0, "some stale outcome"},
}

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
