package campaign

import (
	"context"
	"strings"
	"testing"

	"github.com/lhv1/harness/go/lhv1campaign"
)

// The comparison lists a cell that differs and its cause, and nothing for
// cells that agree.
func TestCompareListsDifferencesWithCauses(t *testing.T) {
	res, err := lhv1campaign.Run(context.Background(), goModel, lhv1campaign.MemoryStores, small)
	if err != nil {
		t.Fatal(err)
	}
	var c []CRow
	for _, r := range res.Rows {
		row := CRow{r.Fault, r.Cases, r.Fired, map[string]int{}, 0}
		for k, v := range r.Outcomes {
			row.Outcomes[k] = v
		}
		c = append(c, row)
	}
	if got := Compare(c, []*lhv1campaign.Result{res}); !strings.Contains(got, "(none)") {
		t.Fatalf("identical sides reported as different:\n%s", got)
	}
	// C rejects as inconsistent what Go loads as SILENT-WRONG.
	for i := range c {
		if c[i].Fault == "get-bit-flip" {
			c[i].Outcomes["SILENT-WRONG"]--
			c[i].Outcomes["inconsistent"]++
		}
	}
	got := Compare(c, []*lhv1campaign.Result{res})
	if !strings.Contains(got, "**get-bit-flip, Go model** vs C model") || !strings.Contains(got, "checks no graph invariant") ||
		!strings.Contains(got, "SILENT-WRONG +1") || strings.Count(got, "\n- **") != 1 {
		t.Fatalf("difference or cause missing:\n%s", got)
	}
	// Another persistor is compared with the Go model, a client with its
	// persistor in memory, and a broken Save is named in the cell.
	other := *res
	other.Persistor = "team"
	other.Rows = append([]*lhv1campaign.Row(nil), res.Rows...)
	bad := *other.Rows[0]
	bad.BadSaves = 3
	other.Rows[0] = &bad
	got = Compare(c, []*lhv1campaign.Result{res, &other})
	if !strings.Contains(got, "| team |") || !strings.Contains(got, "bad Saves 3") || !strings.Contains(got, "vs Go model") ||
		!strings.Contains(got, "Save broke its contract in 3 cases") {
		t.Fatalf("the team's column:\n%s", got)
	}
}
