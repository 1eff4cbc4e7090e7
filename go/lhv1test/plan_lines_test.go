package lhv1test

import (
	"errors"
	"flag"
	"os"
	"strings"
	"testing"
)

var (
	planLines   = flag.String("plan-lines", "", "plan lines, one a line, for ParseFault (harness/faults/compare_refusals.py)")
	planAnswers = flag.String("plan-answers", "", "where to write ParseFault's answer to each of -plan-lines")
)

// ParseFault's answer to every line of -plan-lines, one a line, as the C
// reader gives its own: "ok <Fault.String()>" or "refused <reason>". The
// ctest fault_refusals compares them with the C reader's and lhv1
// serve's.
func TestPlanLinesFromFile(t *testing.T) {
	if *planLines == "" || *planAnswers == "" {
		t.Skip("run by the ctest fault_refusals, with -plan-lines and -plan-answers")
	}
	text, err := os.ReadFile(*planLines)
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	for _, line := range strings.Split(strings.TrimSuffix(string(text), "\n"), "\n") {
		f, err := ParseFault(line)
		var pe *PlanError
		switch {
		case err == nil:
			out.WriteString("ok " + f.String() + "\n")
		case errors.As(err, &pe):
			out.WriteString("refused " + pe.Reason + "\n")
		default:
			t.Fatalf("%q: %v is no PlanError", line, err)
		}
	}
	if err := os.WriteFile(*planAnswers, []byte(out.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}
