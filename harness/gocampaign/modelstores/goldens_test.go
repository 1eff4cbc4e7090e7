package modelstores

import (
	"context"
	"testing"

	"github.com/lhv1/harness/go/lhv1test"
	"github.com/lhv1/harness/golden/gen/model"
	"github.com/lhv1/harness/golden/gen/reftestee"
)

// The Go model's Persistor.Load, through each real client against gofakes3,
// must pass the goldens' checks as the Go reference does over a memory
// store, with its failure list: the conformance helper as a team would use
// it.
func TestGoldensThroughEachClient(t *testing.T) {
	eachClient(t, func(t *testing.T, mk maker) {
		ctx := context.Background()
		endpoint := fakeS3(t)
		// Objects go in through aws-sdk-go-v2: minio-go sends an empty PUT
		// chunked, without Content-Length, and gofakes3 refuses it
		// (MissingContentLength); n_frame_empty is empty.
		writer := open(t, clients["aws"], endpoint, testBucket)
		if err := writer.CreateBucket(ctx); err != nil {
			t.Fatal(err)
		}
		p := model.NewPersistor(open(t, mk, endpoint, testBucket))
		tt := reftestee.Testee()
		tt.Load = func(name string, body []byte) (any, error) {
			if err := writer.Put(ctx, model.FileKey(name), body); err != nil {
				t.Fatalf("put %s: %v", name, err)
			}
			return p.Load(ctx, name)
		}
		lhv1test.TestTestee(t, "../../../golden", tt,
			lhv1test.WithFailureList("../../../golden/gen/reftestee/testdata/failures.txt"))
	})
}
