package lhv1test

import (
	"errors"
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
put-torn-over-old nth=1 cut=old.layer0.node2+3 reply=200
get-bit-flip nth=0 bit=graph+40
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
	if !plan[1].Persistent || !plan[1].Ack || plan[0].Ack || plan[2].Bit != 77 || plan[3].Lag != 2 ||
		!plan[5].At.Old || plan[5].Cut != 0 || !plan[6].At.Relative() {
		t.Fatalf("fields: %+v", plan)
	}
}

func TestPlanRejectsWhatWouldDoNothing(t *testing.T) {
	for line, reason := range map[string]string{
		"put-torn nth=1":                    `unknown fault kind "put-torn"`,
		"none nth=0":                        `unknown fault kind "none"`,
		"http-delay delay_ms=5":             `http-delay is an HTTP fault: lhv1 serve rules only, not plan lines`,
		"put-lost nth=1 cut=3":              `put-lost does not take "cut"`,
		"get-stale nth=1 bit=3":             `get-stale does not take "bit"`,
		"get-stale key=a":                   `"key" is a field of lhv1 serve rules, not of plan lines`,
		"put-torn-prefix nth=1 reply=404":   `"reply" must be 200 or 503`,
		"put-torn-prefix nth=1 cut=-1":      `"cut" must be an unsigned integer or a place (graph+40, layer0.node3)`,
		"put-torn-prefix cut=layer0.nodes":  `"cut" must be an unsigned integer or a place (graph+40, layer0.node3)`,
		"get-bit-flip bit=old.graph":        `an old. place is for the cut of put-torn-over-old`,
		"put-torn-prefix cut=old.graph":     `an old. place is for the cut of put-torn-over-old`,
		"put-torn-prefix nth=1 cut=1 cut=2": `field "cut" given twice`,
		"put-lost nht=1":                    `unknown field "nht"`,
		"put-lost nth":                      `"nth" is not name=value`,
		"put-lost persistent=1":             `"persistent" must be true or false`,
		"":                                  `a plan line needs a fault kind`,
	} {
		_, err := ParseFault(line)
		var pe *PlanError
		if !errors.As(err, &pe) || pe.Reason != reason {
			t.Errorf("%q: %v, want the reason %q", line, err, reason)
		}
	}
	// nth defaults to 0, reply to 503, as in a rule.
	if f, err := ParseFault("put-torn-prefix persistent=true cut=3"); err != nil || f.Nth != 0 || f.Ack || !f.Persistent {
		t.Errorf("defaults: %+v, %v", f, err)
	}
}
