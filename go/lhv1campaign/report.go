package lhv1campaign

import (
	"encoding/json"
	"fmt"
	"strings"
)

// JSON is the report in the C campaign's JSON shape (plus "persistor",
// "client", "go_panics" and "bad_saves").
func (r *Result) JSON() ([]byte, error) { return json.MarshalIndent(r, "", "  ") }

// Markdown is the table in the C campaign's Markdown shape, with the Go
// columns (panics, objects not loaded, Saves that broke their contract).
func (r *Result) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "## Go campaign: %s over %s (seed %d)\n\n| fault | cases | fired |", r.Persistor, r.Client, r.Seed)
	for o := Outcome(0); o < outcomeCount; o++ {
		fmt.Fprintf(&b, " %s |", o)
	}
	b.WriteString(" Go panics | not loaded (count beyond input) | bad Saves |\n| --- | ---: | ---: |")
	for o := Outcome(0); o < outcomeCount+3; o++ {
		b.WriteString(" ---: |")
	}
	b.WriteString("\n")
	for _, row := range r.Rows {
		fmt.Fprintf(&b, "| %s | %d | %d |", row.Fault, row.Cases, row.Fired)
		for o := Outcome(0); o < outcomeCount; o++ {
			fmt.Fprintf(&b, " %d |", row.counts[o])
		}
		fmt.Fprintf(&b, " %d | %d | %d |\n", row.Panics, row.Guarded, row.BadSaves)
	}
	b.WriteString("\n### Checks\n\n")
	if r.Passed {
		b.WriteString("All checks hold: every fault fired in every case and had its effect, every Save kept its contract.\n")
	} else {
		b.WriteString("```\n" + strings.Join(r.FailedChecks, "\n") + "\n```\n")
	}
	bad := 0
	for _, c := range r.Listed {
		if c.BadSave != "" && bad < 5 {
			if bad == 0 {
				b.WriteString("\nSaves that broke their contract (the first five):\n\n")
			}
			fmt.Fprintf(&b, "- %s, %s: %s\n", c.Row, c.Where, c.BadSave)
			bad++
		}
	}
	return b.String()
}
