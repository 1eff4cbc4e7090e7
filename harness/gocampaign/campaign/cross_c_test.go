package campaign

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/lhv1/harness/go/lhv1test"
)

var cJSON = flag.String("c-json", "", "the C campaign's JSON report (lhv1 campaign --json)")

// Same plan, same seed, same operations: the Go FaultStore must make the
// C fault store's decisions and write its log line for line. Every case
// the C campaign lists (each SILENT-WRONG, with its log: planned faults
// and seeded mixes) is run again here and the logs compared. The ctest
// go_campaign_matches_c runs the C campaign first and passes -c-json.
func TestDecisionLogsMatchC(t *testing.T) {
	if *cJSON == "" {
		t.Skip("needs -c-json FILE (ctest go_campaign_matches_c)")
	}
	b, err := os.ReadFile(*cJSON)
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Cases []struct {
			Row, Fault, Where, Log string
		} `json:"cases_listed"`
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	w, err := buildWorkload()
	if err != nil {
		t.Fatal(err)
	}
	rn := &runner{w: w, backend: Above(MemoryStores), ctx: context.Background()}
	mixes, singles := 0, 0
	for _, c := range rep.Cases {
		var cfg lhv1test.Config
		var single *lhv1test.Fault
		if strings.HasPrefix(c.Row, "seeded mix") {
			seed, err := strconv.ParseUint(strings.TrimPrefix(c.Where, "seed 0x"), 16, 64)
			if err != nil {
				t.Fatalf("%q: %v", c.Where, err)
			}
			cfg.Seed, cfg.RatePPM = seed, mixRatePPM
			mixes++
		} else {
			f, err := lhv1test.ParseFault(c.Fault)
			if err != nil {
				t.Fatalf("C fault %q: %v", c.Fault, err)
			}
			cfg.Plan, single = []lhv1test.Fault{f}, &f
			singles++
		}
		r, err := rn.runCase(cfg, single, true)
		if err != nil {
			t.Fatal(err)
		}
		if r.log != c.Log {
			t.Errorf("%s %s %s: logs differ at %s", c.Row, c.Fault, c.Where, firstDiff([]byte(r.log), []byte(c.Log)))
		}
	}
	if mixes == 0 || singles == 0 {
		t.Fatalf("C report lists %d mixes and %d planned faults: nothing to compare", mixes, singles)
	}
	t.Logf("%d seeded mixes and %d planned faults: same decisions, same log", mixes, singles)
}
