package campaign

import (
	"context"
	"os"
	"testing"

	"github.com/lhv1/harness/go/lhv1serve"
	s3stores "github.com/lhv1/harness/go/s3stores"
)

// startServe runs `lhv1 serve` (with args) on a free loopback port for
// the test. The binary comes from LHV1_BIN (the ctests go_campaign_serve
// and go_campaign_proxy set it; go test ./... without it skips these).
func startServe(t *testing.T, args ...string) *lhv1serve.Server {
	t.Helper()
	if os.Getenv("LHV1_BIN") == "" {
		t.Skip("LHV1_BIN not set (ctest go_campaign_serve sets it)")
	}
	return lhv1serve.Start(t, lhv1serve.Options{Args: args})
}

// The campaign through each client against lhv1 serve, faults armed on
// the server: faults the client cannot see as failures (200 replies, lost
// writes, stale reads and lists, a lying 404) give the Go model's table;
// an ambiguous 500 is retried by the client and the retry lands, so every
// put-fail-after case ends latest (in-flight in the model).
func TestCampaignThroughServe(t *testing.T) {
	campaignThroughServe(t, startServe(t), "lhv1 serve")
}

// campaignThroughServe is the check of TestCampaignThroughServe against
// srv (label names it in the reports).
func campaignThroughServe(t *testing.T, srv *lhv1serve.Server, label string) {
	quiet := []string{"put-torn-prefix reply=200", "put-lost", "get-not-found", "get-stale", "list-stale", "del-lost"}
	o := Options{Seed: 1, Thin: 12, Rows: append(quiet, "put-fail-after")}
	ctx := context.Background()
	o.Client = "memory"
	mem, err := Run(ctx, MemoryStores, o)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		open func(s3stores.Options) (s3stores.Store, error)
	}{
		{"aws-sdk-go-v2", func(so s3stores.Options) (s3stores.Store, error) { return s3stores.NewAWS(so) }},
		{"minio-go", func(so s3stores.Options) (s3stores.Store, error) { return s3stores.NewMinio(so) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			o.Client = c.name + " via " + label
			res, err := RunWith(ctx, Serve(srv, c.open), o)
			if err != nil {
				t.Fatal(err)
			}
			t.Log("\n" + res.Markdown())
			if len(res.Rows) != len(o.Rows) {
				t.Fatalf("%d rows, want %d", len(res.Rows), len(o.Rows))
			}
			for i, row := range res.Rows {
				if row.Fired != row.Cases {
					t.Errorf("%s: fired in %d of %d cases", row.Fault, row.Fired, row.Cases)
				}
				if row.Fault == "put-fail-after" {
					if row.counts[Latest] != row.Cases {
						t.Errorf("put-fail-after: %v, want every case latest (the client's retry lands)", row.counts)
					}
					continue
				}
				if row.counts != mem.Rows[i].counts {
					t.Errorf("%s: %v, Go model %v", row.Fault, row.counts, mem.Rows[i].counts)
				}
			}
		})
	}
}
