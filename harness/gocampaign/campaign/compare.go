// Package campaign is the harness's side of the Go campaign
// (go/lhv1campaign): the backend for lhv1 serve, and the comparison
// report of the C campaign's table with every Go column (a persistor over
// a client).
package campaign

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/lhv1/harness/go/lhv1campaign"
	"github.com/lhv1/harness/go/lhv1test"
)

type Outcome = lhv1campaign.Outcome

const outcomeCount = Outcome(lhv1test.NumOutcomes)

// CRow is one row of the C campaign's JSON (lhv1 campaign --json).
type CRow struct {
	Fault    string         `json:"fault"`
	Cases    int            `json:"cases"`
	Fired    int            `json:"fired"`
	Outcomes map[string]int `json:"outcomes"`
	BadSaves int            `json:"bad_saves,omitempty"`
}

// ParseC reads the rows of the C campaign's JSON report.
func ParseC(b []byte) ([]CRow, error) {
	var r struct {
		Rows []CRow `json:"rows"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, err
	}
	if len(r.Rows) == 0 {
		return nil, fmt.Errorf("C campaign report has no rows")
	}
	return r.Rows, nil
}

// column is one side of the comparison: a persistor over a client.
type column struct {
	name, persistor, client string
	rows                    map[string]CRow
}

// ColumnName is the heading of a Go result: the persistor, with its
// client unless it ran over the in-process memory store.
func ColumnName(r *lhv1campaign.Result) string {
	if r.Client == "memory" {
		return r.Persistor
	}
	return r.Persistor + " + " + r.Client
}

func goColumn(r *lhv1campaign.Result) column {
	c := column{name: ColumnName(r), persistor: r.Persistor, client: r.Client, rows: map[string]CRow{}}
	for _, row := range r.Rows {
		c.rows[row.Fault] = CRow{row.Fault, row.Cases, row.Fired, row.Outcomes, row.BadSaves}
	}
	return c
}

func cell(r CRow, ok bool) string {
	if !ok {
		return "-"
	}
	var parts []string
	for o := Outcome(0); o < outcomeCount; o++ {
		if n := r.Outcomes[o.String()]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", o, n))
		}
	}
	s := fmt.Sprintf("%d/%d: %s", r.Fired, r.Cases, strings.Join(parts, ", "))
	if r.BadSaves > 0 {
		s += fmt.Sprintf("; **bad Saves %d**", r.BadSaves)
	}
	return s
}

// reference is the column a Go column is compared with: a persistor over
// the memory store with the C model (the first) or with the first Go
// persistor; a persistor over a client with itself over memory.
func reference(cols []column, i int) int {
	c := cols[i]
	if c.client != "memory" {
		for j := 1; j < len(cols); j++ {
			if cols[j].persistor == c.persistor && cols[j].client == "memory" {
				return j
			}
		}
		return 1
	}
	if i == 1 {
		return 0
	}
	return 1
}

// Compare renders the comparison report: one row per fault, one column per
// side (C model, then each Go result: a persistor over a client), then
// every differing cell with its cause: the first Go persistor against the
// C model (what Go's loader does differently), each other persistor
// against the first (what that persistor does differently), and each
// client against its persistor over the memory store (what the client
// does differently).
func Compare(c []CRow, goResults []*lhv1campaign.Result) string {
	cols := []column{{name: "C model", persistor: "C model", client: "memory", rows: map[string]CRow{}}}
	var order []string
	for _, r := range c {
		cols[0].rows[r.Fault] = r
		order = append(order, r.Fault)
	}
	for _, r := range goResults {
		cols = append(cols, goColumn(r))
	}
	var b strings.Builder
	b.WriteString("| fault |")
	for _, col := range cols {
		fmt.Fprintf(&b, " %s |", col.name)
	}
	b.WriteString("\n| --- |")
	for range cols {
		b.WriteString(" --- |")
	}
	b.WriteString("\n")
	var diffs []string
	for _, f := range order {
		fmt.Fprintf(&b, "| %s |", f)
		for i, col := range cols {
			r, ok := col.rows[f]
			fmt.Fprintf(&b, " %s |", cell(r, ok))
			if i == 0 || !ok {
				continue
			}
			j := reference(cols, i)
			ref, refOK := cols[j].rows[f]
			if refOK && cell(r, true) != cell(ref, true) {
				diffs = append(diffs, fmt.Sprintf("- **%s, %s** vs %s: %s (%s: %s). %s", f, col.name, cols[j].name,
					cell(r, true), cols[j].name, cell(ref, true), cause(ref, r, col, cols[j])))
			}
		}
		b.WriteString("\n")
	}
	b.WriteString("\nCells: `fired/cases: outcome count, ...`. Differing cells (the Go model against the C model, another persistor against the Go model, each client against its persistor in memory), each with its cause:\n\n")
	if len(diffs) == 0 {
		b.WriteString("(none)\n")
	}
	b.WriteString(strings.Join(diffs, "\n") + "\n")
	return b.String()
}

func delta(ref, g CRow) string {
	var parts []string
	for o := Outcome(0); o < outcomeCount; o++ {
		if d := g.Outcomes[o.String()] - ref.Outcomes[o.String()]; d != 0 {
			parts = append(parts, fmt.Sprintf("%s %+d", o, d))
		}
	}
	return strings.Join(parts, ", ")
}

// cause explains a differing cell from the outcome shifts it shows.
func cause(ref, g CRow, side, against column) string {
	if g.Cases != ref.Cases {
		return fmt.Sprintf("Not the same run size (%d cases against %d): compare runs with the same --sample and --mix.", g.Cases, ref.Cases)
	}
	shift := "Shift: " + delta(ref, g) + "."
	if g.BadSaves > 0 {
		return fmt.Sprintf("%s's Save broke its contract in %d cases (it returned nil while its Put failed, or wrote more than once): read its listed cases. %s", side.persistor, g.BadSaves, shift)
	}
	if side.client != "memory" {
		return clientCause(ref, g, side.name, shift)
	}
	if against.persistor != "C model" {
		return fmt.Sprintf("%s and %s load some objects differently (a loader's own checks, or its error mapping): read both reports' listed cases. %s", side.persistor, against.persistor, shift)
	}
	var why []string
	if n := ref.Outcomes["inconsistent"]; n > 0 && g.Outcomes["inconsistent"] == 0 {
		why = append(why, fmt.Sprintf("Go's DecodeIndex checks no graph invariant (FORMAT.md 5a): the %d objects liblhv1 rejects as inconsistent (and any decode-error that is an invariant liblhv1 checks while decoding) load in Go, as the acknowledged state when a shorter new body left the old tail behind, or as content never saved (SILENT-WRONG)", n))
	}
	if d := g.Outcomes["SILENT-WRONG"] - ref.Outcomes["SILENT-WRONG"]; d > ref.Outcomes["inconsistent"]+ref.Outcomes["decode-error"]-g.Outcomes["decode-error"] {
		why = append(why, "a case is filed under its worst outcome over all its loads, so one load Go accepts moves the whole case (here stale and missing cases) to SILENT-WRONG")
	}
	if g.Outcomes["bad-format"] != ref.Outcomes["bad-format"] {
		why = append(why, "liblhv1 judges the frame more strictly than Go's Unframe (magic and envelope length only)")
	}
	if len(why) == 0 {
		why = append(why, "Go's loader and liblhv1 classify these objects differently: read the listed cases of both reports")
	}
	return strings.Join(why, "; ") + ". " + shift
}

func clientCause(ref, g CRow, side, shift string) string {
	if g.Fired < ref.Fired && strings.Contains(side, "minio") && !strings.Contains(side, "serve") {
		return fmt.Sprintf("%d faulted Puts whose stored body would be empty never reached the store: minio-go sends an empty PUT chunked, without Content-Length, and gofakes3 refuses it (MissingContentLength), so the previous object stays. %s", ref.Fired-g.Fired, shift)
	}
	if g.Fired < ref.Fired {
		return fmt.Sprintf("%d faulted operations failed in the client before the fault could land. %s", ref.Fired-g.Fired, shift)
	}
	if strings.Contains(side, "serve") && g.Outcomes["latest"] > ref.Outcomes["latest"] {
		retries := "the client"
		switch {
		case strings.Contains(side, "aws"):
			retries = "aws-sdk-go-v2 (standard retryer, 3 attempts)"
		case strings.Contains(side, "minio"):
			retries = "minio-go (up to 10 retries)"
		}
		return fmt.Sprintf("Retries: %s repeats a request that got a 5xx. The fault fires once (transient), the repeat succeeds, so the Persistor sees success and the store holds what the repeat wrote: an ambiguous 500 after a whole write becomes a plain success, a 503 after a torn write is overwritten by the whole body, a transient Get, List or Delete failure passes. Only faults that persist across attempts or answer 200 reach the Persistor. %s", retries, shift)
	}
	return "The client changed what the Persistor saw (retries, body or error handling): read the side's listed cases. " + shift
}
