package campaign

import (
	"encoding/json"
	"fmt"
	"strings"
)

// CRow is one row of the C campaign's JSON (lhv1 campaign --json).
type CRow struct {
	Fault    string         `json:"fault"`
	Cases    int            `json:"cases"`
	Fired    int            `json:"fired"`
	Outcomes map[string]int `json:"outcomes"`
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

// column is one side of the comparison: a name and its rows by fault.
type column struct {
	name string
	rows map[string]CRow
}

func goColumn(r *Result) column {
	c := column{name: "Go+" + r.Client, rows: map[string]CRow{}}
	if r.Client == "memory" {
		c.name = "Go model"
	}
	for _, row := range r.Rows {
		c.rows[row.Fault] = CRow{row.Fault, row.Cases, row.Fired, row.Outcomes}
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
	return s
}

// Compare renders the comparison report: one row per fault, one column per
// side (C model, Go model, then each client), then every differing cell
// with its cause: the Go model against the C model (what Go's loader does
// differently), and each client against the Go model (what the client
// does differently).
func Compare(c []CRow, goResults []*Result) string {
	cols := []column{{name: "C model", rows: map[string]CRow{}}}
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
			// The Go model is compared with C; a client with the Go model.
			ref, refName := cols[0].rows[f], cols[0].name
			if i > 1 {
				ref, refName = cols[1].rows[f], cols[1].name
			}
			if cell(r, true) != cell(ref, true) {
				diffs = append(diffs, fmt.Sprintf("- **%s, %s** vs %s: %s (%s: %s). %s", f, col.name, refName,
					cell(r, true), refName, cell(ref, true), cause(ref, r, col.name, i > 1)))
			}
		}
		b.WriteString("\n")
	}
	b.WriteString("\nCells: `fired/cases: outcome count, ...`. Differing cells (the Go model against the C model, each client against the Go model), each with its cause:\n\n")
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
func cause(ref, g CRow, side string, client bool) string {
	if g.Cases != ref.Cases {
		return fmt.Sprintf("Not the same run size (%d cases against %d): compare runs with the same --sample and --mix.", g.Cases, ref.Cases)
	}
	shift := "Shift: " + delta(ref, g) + "."
	if client {
		if g.Fired < ref.Fired && strings.Contains(side, "minio") {
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
