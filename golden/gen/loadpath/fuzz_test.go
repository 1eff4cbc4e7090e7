//go:build lhv1cgo

// Go native fuzz tests of the Go reference's load path, on the shared
// corpus (testdata/fuzz/ is written from corpus/load/ and
// corpus/regressions/load/ by harness/fuzz/tools/go_seeds.py, and its
// findings go back to corpus/regressions/load/ the same way). Both use
// liblhv1 through cgo (package clhv1, tag lhv1cgo) to skip the objects Go
// cannot survive: those predicted `fatal`, or one read above peakBound.
// Run with harness/fuzz/tools/go_fuzz.sh, or ci/fuzz --engine go.
package loadpath

import (
	"bytes"
	"testing"

	"github.com/lhv1/harness/golden/gen/clhv1"
	"github.com/lhv1/harness/golden/gen/dump"
)

// peakBound: the largest single allocation Go may be asked for here (the
// default of the differential libFuzzer target, docs/FUZZING.md).
const peakBound = 64 << 20

func skipCostly(t *testing.T, c clhv1.Result) {
	if c.Go == clhv1.GoFatal || c.Peak > peakBound {
		t.Skipf("Go not run: predicted %s, largest read %d bytes", c.GoName, c.Peak)
	}
}

// FuzzLoad: Go's loader does exactly what liblhv1 predicts (ok, error or
// a recovered panic: no panic the prediction does not announce), fails on
// every bad-format object, and when liblhv1 says ok and Go loads, the two
// canonical dumps are the same bytes.
func FuzzLoad(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) {
		c := clhv1.Read(body)
		skipCostly(t, c)
		r := Load(body)
		if r.Outcome == DumpFailed {
			t.Fatalf("Go loaded it but its dumper failed: %s", r.Message)
		}
		if r.Outcome.String() != c.GoName {
			t.Fatalf("liblhv1 (verdict %s, %s) predicts Go %s (%s); Go: %s (%s)",
				c.Verdict, c.Reason, c.GoName, c.Why, r.Outcome, r.Message)
		}
		if c.Verdict == "bad-format" && r.Outcome != Error {
			t.Fatalf("liblhv1 bad-format (%s); Go: %s (%s)", c.Reason, r.Outcome, r.Message)
		}
		if c.Verdict == "ok" && r.Outcome == OK && !bytes.Equal(c.Dump, r.Dump) {
			t.Fatalf("both load it, dumps differ:\nliblhv1: %s\nGo:      %s", c.Dump, r.Dump)
		}
	})
}

// FuzzRoundTrip: an index Go loads, saved again by the Go reference
// (Encode, Frame) and loaded again, dumps as the first load did, except
// for what Encode defines: count is the graph's length, empty metadata is
// omitted (so it reads back as null), the envelope version is 1.
func FuzzRoundTrip(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) {
		skipCostly(t, clhv1.Read(body))
		r := Load(body)
		if r.Outcome != OK {
			return
		}
		saved, err, p := Save(r.Index)
		if p != nil || err != nil {
			t.Fatalf("re-saving a loaded index: panic %v, error %v", p, err)
		}
		again := Load(saved)
		if again.Outcome != OK {
			t.Fatalf("the re-saved index does not load: %s (%s)", again.Outcome, again.Message)
		}
		want := *r.Index
		want.Version, want.Count = 1, r.Index.Graph.Len()
		if len(want.Metadata) == 0 {
			want.Metadata = nil
		}
		wantDump, err := dump.Index(&want)
		if err != nil {
			t.Fatalf("dump: %v", err)
		}
		if !bytes.Equal(wantDump, again.Dump) {
			t.Fatalf("round trip changed the index:\nwant: %s\ngot:  %s", wantDump, again.Dump)
		}
	})
}
