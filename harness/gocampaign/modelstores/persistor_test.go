package modelstores

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/lhv1/harness/golden/gen/model"
)

// A missing index through each client is the model's ErrKeyMissing: S3's
// NoSuchKey reaches the Persistor as the typed not-found it tests for.
func TestMissingIndexOverClient(t *testing.T) {
	eachClient(t, func(t *testing.T, mk maker) {
		if _, err := model.NewPersistor(bucketStore(t, mk)).Load(context.Background(), "never"); !errors.Is(err, model.ErrKeyMissing) {
			t.Fatalf("Load of a missing index: %v", err)
		}
	})
}

// The upstream-shaped Persistor over each client: save, list, load,
// delete of a real coder/hnsw index.
func TestPersistorOverClient(t *testing.T) {
	eachClient(t, func(t *testing.T, mk maker) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		p := model.NewPersistor(bucketStore(t, mk))
		idx := testIndex(t, "docs")
		if err := p.Save(ctx, idx); err != nil {
			t.Fatal(err)
		}
		names, err := p.List(ctx)
		if err != nil || !reflect.DeepEqual(names, []string{"docs"}) {
			t.Fatalf("List = %v, %v", names, err)
		}
		got, err := p.Load(ctx, "docs")
		if err != nil || got.Params != idx.Params || got.Graph.Len() != idx.Graph.Len() {
			t.Fatalf("Load = %+v, %v", got, err)
		}
		if err := p.Delete(ctx, "docs"); err != nil {
			t.Fatal(err)
		}
		if _, err := p.Load(ctx, "docs"); !errors.Is(err, model.ErrKeyMissing) {
			t.Fatalf("Load after Delete: %v", err)
		}
	})
}
