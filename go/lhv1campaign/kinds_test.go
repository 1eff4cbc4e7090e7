package lhv1campaign

import (
	"testing"

	"github.com/lhv1/harness/go/lhv1test"
)

// Every kind has its campaign columns, and the columns say something a
// row can be held to: a kind expected to give some outcome other than
// latest also demands one (so a row that stops injecting fails).
func TestFactsCoverEveryKind(t *testing.T) {
	if len(facts) != len(lhv1test.Kinds())+1 {
		t.Fatalf("%d rows of facts for %d kinds (+none)", len(facts), len(lhv1test.Kinds()))
	}
	for _, k := range lhv1test.Kinds() {
		f := facts[k]
		if f.any|f.each|f.only != 0 && f.check == "" {
			t.Errorf("%s: a self-check without words", k)
		}
		if f.any|f.each|f.only == 0 && f.check != "" {
			t.Errorf("%s: words %q without a self-check", k, f.check)
		}
	}
	if facts[lhv1test.PutTornPrefix].rows != rowsReply || facts[lhv1test.PutFailBefore].rows != rowsPersistent {
		t.Errorf("rows: torn prefix %d, put-fail-before %d", facts[lhv1test.PutTornPrefix].rows, facts[lhv1test.PutFailBefore].rows)
	}
}
