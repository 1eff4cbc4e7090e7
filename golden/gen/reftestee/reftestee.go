// Package reftestee is the Go reference as a conformance testee: the model
// the goldens record (model.Persistor over a store holding the object, the
// model's DecodeIndex, coder/hnsw v0.6.1), dumped by hnswdump, used through
// its coder/hnsw graph, and writing through the model's Encode and Frame.
// cmd/testee serves it to `lhv1 conform`.
package reftestee

import (
	"bytes"
	"context"
	"fmt"

	"github.com/coder/hnsw"

	"github.com/lhv1/harness/go/hnswdump"
	"github.com/lhv1/harness/go/lhv1test"

	"github.com/lhv1/harness/golden/gen/dump"
	"github.com/lhv1/harness/golden/gen/model"
)

// Testee is the Go reference's loader, dumper, user and writer.
func Testee() lhv1test.Testee {
	return lhv1test.Testee{Name: "go-reference", Load: Load, Dump: Dump, Use: Use, Save: Save}
}

// Load is Persistor.Load of a store whose _vectors/<name>.lhv1 holds object.
func Load(name string, object []byte) (any, error) {
	ctx := context.Background()
	store := lhv1test.NewMemStore()
	if err := store.Put(ctx, model.FileKey(name), object); err != nil {
		return nil, err
	}
	return model.NewPersistor(store).Load(ctx, name)
}

// Dump is the canonical dump of what DecodeIndex kept.
func Dump(loaded any) ([]byte, error) { return dump.Index(loaded.(*model.Index)) }

// Use searches the graph, then adds to it.
func Use(loaded any, req lhv1test.UseRequest) (lhv1test.UseResult, error) {
	g := loaded.(*model.Index).Graph
	var res lhv1test.UseResult
	for _, q := range req.Queries {
		nodes := g.Search(q.Vector, q.K)
		keys := make([]string, len(nodes))
		for i, n := range nodes {
			keys[i] = n.Key
		}
		res.Results = append(res.Results, keys)
	}
	if req.Add != nil {
		g.Add(hnsw.MakeNode(req.Add.Key, req.Add.Vector))
	}
	res.Count = g.Len()
	return res, nil
}

// Save builds the dump's index with the model's DecodeIndex and returns
// what Persistor.Save puts.
func Save(name string, d []byte) ([]byte, error) {
	ix, err := hnswdump.Parse(d)
	if err != nil {
		return nil, err
	}
	env, err := ix.EnvelopeJSON()
	if err != nil {
		return nil, err
	}
	idx, err := model.DecodeIndex(bytes.NewReader(env), bytes.NewReader(ix.Section()))
	if err != nil {
		return nil, fmt.Errorf("build the dump's index: %w", err)
	}
	ctx := context.Background()
	store := lhv1test.NewMemStore()
	if err := model.NewPersistor(store).Save(ctx, idx); err != nil {
		return nil, err
	}
	return store.Get(ctx, model.FileKey(idx.Params.Name))
}
