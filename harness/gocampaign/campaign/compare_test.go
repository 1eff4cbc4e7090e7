package campaign

import (
	"context"
	"strings"
	"testing"
)

// The comparison lists a cell that differs and its cause, and nothing for
// cells that agree.
func TestCompareListsDifferencesWithCauses(t *testing.T) {
	o := small
	o.Client = "memory"
	res, err := Run(context.Background(), MemoryStores, o)
	if err != nil {
		t.Fatal(err)
	}
	var c []CRow
	for _, r := range res.Rows {
		row := CRow{r.Fault, r.Cases, r.Fired, map[string]int{}}
		for k, v := range r.Outcomes {
			row.Outcomes[k] = v
		}
		c = append(c, row)
	}
	if got := Compare(c, []*Result{res}); !strings.Contains(got, "(none)") {
		t.Fatalf("identical sides reported as different:\n%s", got)
	}
	// C rejects as inconsistent what Go loads as SILENT-WRONG.
	for i := range c {
		if c[i].Fault == "get-bit-flip" {
			c[i].Outcomes["SILENT-WRONG"]--
			c[i].Outcomes["inconsistent"]++
		}
	}
	got := Compare(c, []*Result{res})
	if !strings.Contains(got, "**get-bit-flip, Go model** vs C model") || !strings.Contains(got, "checks no graph invariant") ||
		!strings.Contains(got, "SILENT-WRONG +1") || strings.Count(got, "\n- **") != 1 {
		t.Fatalf("difference or cause missing:\n%s", got)
	}
}
