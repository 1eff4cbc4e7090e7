package vectord_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/lhv1/harness/go/lhv1test"

	"github.com/lhv1/harness/examples/vectord"
	"github.com/lhv1/harness/examples/vectord/internal/storeclient"
)

// notFound is vectord's typed not-found, built for every harness store.
var notFound = lhv1test.NotFoundWrapping(storeclient.ErrKeyNotFound)

// docsIndex is index "docs" holding the first n of five vectors: two
// saves of different sizes tell the versions apart by Len.
func docsIndex(t *testing.T, n int) *vectord.Index {
	t.Helper()
	idx, err := vectord.NewIndex(vectord.Params{Name: "docs", Dimension: 2, Distance: "euclidean", M: 4, EfSearch: 8})
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range [][]float32{{0, 0}, {1, 0}, {0, 1}, {5, 5}, {9, 1}}[:n] {
		if err := idx.Add(string(rune('a'+i)), v, map[string]any{"i": float64(i)}); err != nil {
			t.Fatal(err)
		}
	}
	return idx
}

// What vectord's Persistor must do when the store misbehaves, one fault at
// a time, through lhv1test.FaultStore over an in-memory store (the
// documented setup: the store's not-found is vectord's own). Each case
// saves version 1 (3 vectors), then version 2 (4 vectors), then loads.
func TestPersistorUnderStoreFaults(t *testing.T) {
	for _, c := range []struct {
		name, plan string
		save2      func(error) bool // what the second Save must return
		load       func(*vectord.Index, error) bool
		must       string
	}{
		{"acknowledged torn write", "put-torn-prefix nth=1 cut=20 reply=200", isNil, badFormat,
			"the second Save succeeds and Load refuses the torn object as ErrBadFormat"},
		{"refused torn write", "put-torn-prefix nth=1 cut=20", isErr, badFormat,
			"the second Save fails, and Load still refuses what the store kept (no old version is left)"},
		{"ambiguous acknowledgement", "put-fail-after nth=1", isErr, version(4),
			"the second Save fails although it landed: Load gives version 2"},
		{"lost write", "put-lost nth=1", isNil, version(3),
			"the second Save succeeds and Load gives version 1: a lost write is invisible"},
		{"stale read", "get-stale nth=0 lag=1", isNil, version(3),
			"Load gives the whole previous version, never a mixture"},
		{"stale read from before the first save", "get-stale nth=0 lag=2", isNil, missing,
			"Load reports the index missing"},
		{"404 for an object that exists", "get-not-found nth=0", isNil, missing,
			"Load reports the index missing (the store said so)"},
		{"500 whose body says key not found", "get-fail-key-not-found-body nth=0", isNil, storeError,
			"Load fails with a store error, not ErrKeyMissing"},
		{"bit flip in the magic", "get-bit-flip nth=0 bit=3", isNil, badFormat,
			"Load refuses the object as ErrBadFormat"},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			plan, err := lhv1test.ParsePlan(c.plan)
			if err != nil {
				t.Fatal(err)
			}
			fs := lhv1test.NewFaultStore(lhv1test.NewMemStore(), lhv1test.Config{Plan: plan, NotFound: notFound})
			p := vectord.NewPersistor(fs)
			if err := p.Save(ctx, docsIndex(t, 3)); err != nil {
				t.Fatal(err)
			}
			err2 := p.Save(ctx, docsIndex(t, 4))
			idx, err := p.Load(ctx, "docs")
			if !c.save2(err2) || !c.load(idx, err) {
				t.Errorf("want: %s\ngot: second Save %v; Load %s\nfault store log:\n%s", c.must, err2, describe(idx, err), fs.Log())
			}
		})
	}
}

// A never-saved index is missing, with the documented setup (the inner
// MemStore answers with the harness's not-found; the FaultStore hands
// vectord its own).
func TestNeverSavedIndexIsMissing(t *testing.T) {
	fs := lhv1test.NewFaultStore(lhv1test.NewMemStore(), lhv1test.Config{NotFound: notFound})
	if _, err := vectord.NewPersistor(fs).Load(context.Background(), "never"); !errors.Is(err, vectord.ErrKeyMissing) {
		t.Fatalf("Load of a never-saved index: %v, want ErrKeyMissing", err)
	}
}

func isNil(err error) bool { return err == nil }
func isErr(err error) bool { return err != nil }

func badFormat(_ *vectord.Index, err error) bool { return errors.Is(err, vectord.ErrBadFormat) }
func missing(_ *vectord.Index, err error) bool   { return errors.Is(err, vectord.ErrKeyMissing) }

func storeError(_ *vectord.Index, err error) bool {
	return err != nil && !errors.Is(err, vectord.ErrKeyMissing) && !errors.Is(err, vectord.ErrBadFormat)
}

func version(n int) func(*vectord.Index, error) bool {
	return func(idx *vectord.Index, err error) bool { return err == nil && idx.Len() == n }
}

func describe(idx *vectord.Index, err error) string {
	if err != nil {
		return "error: " + err.Error()
	}
	return fmt.Sprintf("an index of %d vectors", idx.Len())
}
