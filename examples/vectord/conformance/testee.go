// Package conformance puts vectord's loader and writer under the LHV1
// harness: Testee is what TestGoldens runs in `go test` and what
// cmd/testee serves to `lhv1 conform`.
package conformance

import (
	"bytes"
	"context"
	"fmt"

	"github.com/lhv1/harness/go/hnswdump"
	"github.com/lhv1/harness/go/lhv1test"

	"github.com/lhv1/harness/examples/vectord"
	"github.com/lhv1/harness/examples/vectord/internal/storeclient"
)

// Testee is vectord as the conformance checks drive it.
func Testee() lhv1test.Testee {
	return lhv1test.Testee{Name: "examples/vectord", Load: Load, Dump: Dump, Use: Use, Save: Save}
}

// Load loads an object the way production does: Persistor.Load of a store
// whose _vectors/<name>.lhv1 holds it.
func Load(name string, object []byte) (any, error) {
	ctx := context.Background()
	store := storeclient.NewMem()
	if err := store.Put(ctx, vectord.ObjectKey(name), object); err != nil {
		return nil, err
	}
	return vectord.NewPersistor(store).Load(ctx, name)
}

// Dump is the canonical dump of what the index holds.
func Dump(loaded any) ([]byte, error) {
	idx := loaded.(*vectord.Index)
	p := idx.Params()
	return hnswdump.Dump(hnswdump.Envelope{Version: 1, Name: p.Name, Dimension: p.Dimension,
		Distance: p.Distance, M: p.M, EfSearch: p.EfSearch, Count: idx.Len(), Metadata: idx.Metadata()}, idx.Graph())
}

// Use runs the searches, then the add, on a loaded index.
func Use(loaded any, req lhv1test.UseRequest) (lhv1test.UseResult, error) {
	idx := loaded.(*vectord.Index)
	var res lhv1test.UseResult
	for _, q := range req.Queries {
		keys, err := idx.Search(q.Vector, q.K)
		if err != nil {
			return res, err
		}
		res.Results = append(res.Results, keys)
	}
	if req.Add != nil {
		if err := idx.Add(req.Add.Key, req.Add.Vector, nil); err != nil {
			return res, err
		}
	}
	res.Count = idx.Len()
	return res, nil
}

// Save builds the index a dump describes through vectord's own types
// (DecodeIndex of the dump's envelope and graph section) and returns what
// Persistor.Save puts.
func Save(name string, dump []byte) ([]byte, error) {
	ix, err := hnswdump.Parse(dump)
	if err != nil {
		return nil, err
	}
	env, err := ix.EnvelopeJSON()
	if err != nil {
		return nil, err
	}
	idx, err := vectord.DecodeIndex(bytes.NewReader(env), bytes.NewReader(ix.Section()))
	if err != nil {
		return nil, fmt.Errorf("build the dump's index: %w", err)
	}
	ctx := context.Background()
	store := storeclient.NewMem()
	if err := vectord.NewPersistor(store).Save(ctx, idx); err != nil {
		return nil, err
	}
	return store.Get(ctx, vectord.ObjectKey(idx.Params().Name))
}
