package lhv1test

import (
	"strings"
	"testing"
)

func TestPlanLinesRoundTrip(t *testing.T) {
	text := `# a plan
put-torn-prefix nth=3 cut=57 reply=503
put-torn-over-old nth=0 persistent cut=9 reply=200
get-bit-flip nth=2 bit=77
get-stale nth=1 lag=2
list-stale nth=0 lag=1
del-lost nth=4 persistent
`
	plan, err := ParsePlan(text)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, f := range plan {
		lines = append(lines, f.String())
	}
	want := strings.Split(strings.TrimSpace(text), "\n")[1:]
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Fatalf("round trip:\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	if !plan[1].Persistent || !plan[1].Ack || plan[0].Ack || plan[2].Bit != 77 || plan[3].Lag != 2 {
		t.Fatalf("fields: %+v", plan)
	}
}

func TestPlanRejectsWhatWouldDoNothing(t *testing.T) {
	for _, line := range []string{
		"put-torn nth=1",                    // unknown kind
		"none nth=0",                        // not a fault
		"put-lost",                          // nth missing
		"put-lost nth=1 cut=3",              // field the kind does not use
		"get-stale nth=1 bit=3",             // idem
		"put-torn-prefix nth=1 reply=404",   // only 200 or 503
		"put-torn-prefix nth=1 cut=-1",      // not unsigned
		"put-torn-prefix nth=1 cut=1 cut=2", // twice
		"put-lost nth",                      // not name=value
	} {
		if _, err := ParseFault(line); err == nil {
			t.Errorf("%q accepted", line)
		}
	}
}
