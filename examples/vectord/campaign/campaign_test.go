package campaign

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/lhv1/harness/go/lhv1campaign"
)

// The fault campaign over vectord's Persistor, in memory: every row, one
// offset class in 12, 8 seeded mixes. It fails when a check fails: an
// outcome the fault does not allow (a Save that lost an acknowledged
// write, a Load that calls a 5xx missing), a fault without its effect,
// or a Save that broke its contract (returned nil while its Put failed,
// or wrote more than once). LHV1_CAMPAIGN_REPLAYS=DIR keeps a replay file
// of every listed case.
func TestCampaign(t *testing.T) {
	o := lhv1campaign.Options{Seed: 1, Mix: 8, Thin: 12, Client: "memory", Replays: os.Getenv("LHV1_CAMPAIGN_REPLAYS")}
	res, err := lhv1campaign.Run(context.Background(), Subject(), lhv1campaign.MemoryStores, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + res.Markdown())
	if !res.Passed {
		t.Fatalf("checks failed:\n%s", strings.Join(res.FailedChecks, "\n"))
	}
}
