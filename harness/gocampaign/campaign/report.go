package campaign

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/lhv1/harness/go/lhv1test"
	"github.com/lhv1/harness/golden/gen/model"
)

// JSON is the report in the C campaign's JSON shape (plus "client" and
// "go_panics").
func (r *Result) JSON() ([]byte, error) { return json.MarshalIndent(r, "", "  ") }

// Markdown is the table in the C campaign's Markdown shape.
func (r *Result) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "## Go campaign over %s (seed %d)\n\n| fault | cases | fired |", r.Client, r.Seed)
	for o := Outcome(0); o < outcomeCount; o++ {
		fmt.Fprintf(&b, " %s |", o)
	}
	b.WriteString(" Go panics | not loaded (count beyond input) |\n| --- | ---: | ---: |")
	for o := Outcome(0); o <= outcomeCount+1; o++ {
		b.WriteString(" ---: |")
	}
	b.WriteString("\n")
	for _, row := range r.Rows {
		fmt.Fprintf(&b, "| %s | %d | %d |", row.Fault, row.Cases, row.Fired)
		for o := Outcome(0); o < outcomeCount; o++ {
			fmt.Fprintf(&b, " %d |", row.counts[o])
		}
		fmt.Fprintf(&b, " %d | %d |\n", row.Panics, row.Guarded)
	}
	b.WriteString("\n### Checks\n\n")
	if r.Passed {
		b.WriteString("All checks hold: every fault fired in every case and had its effect.\n")
	} else {
		b.WriteString("```\n" + strings.Join(r.FailedChecks, "\n") + "\n```\n")
	}
	return b.String()
}

// MemoryStores gives each case a fresh in-memory store whose not-found is
// the model's typed one: the Go model without any client.
func MemoryStores(context.Context) (model.Store, func(), error) {
	return lhv1test.NewMemStore(ModelNotFound), func() {}, nil
}

// ModelNotFound is the Go model's typed not-found (it wraps
// model.ErrKeyNotFound, which its Persistor turns into ErrKeyMissing): the
// not-found of every store the campaign runs over.
func ModelNotFound(key string) error { return &model.NotFoundError{Key: key} }
