package modelstores

import (
	"context"
	"testing"

	"github.com/lhv1/harness/go/lhv1test"
	"github.com/lhv1/harness/golden/gen/model"
)

// The Go model's Persistor.Load, through each real client against gofakes3,
// must still do with every golden what Go recorded when the goldens were
// made: the conformance helper as a team would use it.
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
		lhv1test.TestGoldens(t, "../../../golden", func(name string, body []byte) (any, error) {
			if err := writer.Put(ctx, model.FileKey(name), body); err != nil {
				t.Fatalf("put %s: %v", name, err)
			}
			return p.Load(ctx, name)
		})
	})
}
