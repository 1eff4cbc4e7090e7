package campaign

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/lhv1/harness/go/lhv1campaign"
	"github.com/lhv1/harness/go/lhv1test"
	s3stores "github.com/lhv1/harness/go/s3stores"
	"github.com/lhv1/harness/harness/gocampaign/subjects"
)

// small is the ctest size: every row, structural offsets only, few mixes.
var small = lhv1campaign.Options{Seed: 1, Sample: 0, Mix: 8, Thin: 12, Client: "memory"}

var goModel = subjects.Model()

func TestCampaignOverTheGoModel(t *testing.T) {
	res, err := lhv1campaign.Run(context.Background(), goModel, lhv1campaign.MemoryStores, small)
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + res.Markdown())
	if !res.Passed {
		t.Fatalf("checks failed: %v", res.FailedChecks)
	}
}

var openers = map[string]func(s3stores.Options) (s3stores.Store, error){
	"aws-sdk-go-v2": func(o s3stores.Options) (s3stores.Store, error) { return s3stores.NewAWS(o) },
	"minio-go":      func(o s3stores.Options) (s3stores.Store, error) { return s3stores.NewMinio(o) },
}

// The same campaign through each real client against gofakes3 must give
// the same table as the Go model: faults injected above the client change
// nothing in what the client does (HTTP-level faults need lhv1 serve).
func TestCampaignOverEachClient(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	mem, err := lhv1campaign.Run(context.Background(), goModel, lhv1campaign.MemoryStores, small)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
	t.Cleanup(srv.Close)
	for _, client := range []string{"aws-sdk-go-v2", "minio-go"} {
		t.Run(client, func(t *testing.T) {
			o := small
			o.Client = client
			res, err := lhv1campaign.Run(context.Background(), goModel, S3Stores(srv.URL, openers[client]), o)
			if err != nil {
				t.Fatal(err)
			}
			for i, row := range res.Rows {
				want := mem.Rows[i]
				// minio-go sends an empty PUT chunked, without
				// Content-Length, and gofakes3 refuses it: a torn write
				// that leaves an empty object cannot land (cut=0 with no
				// old object or over a missing one).
				if client == "minio-go" && (row.Kind == lhv1test.PutTornPrefix.String() || row.Kind == lhv1test.PutTornOverOld.String()) {
					if row.Cases != want.Cases || row.Fired >= row.Cases || row.Fired < row.Cases-12 {
						t.Errorf("%s: fired %d of %d, want all but the empty torn bodies (at most 12)", row.Fault, row.Fired, row.Cases)
					}
					continue
				}
				if row.Counts() != want.Counts() || row.Fired != want.Fired {
					t.Errorf("%s: %v, Go model %v", row.Fault, row.Counts(), want.Counts())
				}
			}
			if client == "aws-sdk-go-v2" && !res.Passed {
				t.Fatalf("checks failed: %v", res.FailedChecks)
			}
			t.Log("\n" + res.Markdown())
		})
	}
}
