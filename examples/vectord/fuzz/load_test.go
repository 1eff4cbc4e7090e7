package fuzz

import (
	"bytes"
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"

	"github.com/lhv1/harness/go/hnswdump"
	"github.com/lhv1/harness/go/hnswdump/wire"
	"github.com/lhv1/harness/go/lhv1test"

	"github.com/lhv1/harness/examples/vectord"
	"github.com/lhv1/harness/examples/vectord/internal/storeclient"
)

// FuzzLoad: Persistor.Load of any object returns an index or an error,
// never a panic, and an index it loads is saved and loaded back with the
// same content (canonical dump; an empty metadata object comes back as
// none, as Encode writes it).
//
// Objects whose graph section is not well-formed are not loaded: coder/hnsw's
// Import allocates whatever a count claims before reading it (a few bytes
// ask for gigabytes: Go's fatal out-of-memory kills the fuzzing process)
// and panics on negative lengths. The goldens record both, and the
// conformance test checks vectord against them; go/hnswdump/wire, which
// checks every count against the bytes left, decides what is well-formed.
func FuzzLoad(f *testing.F) {
	for _, seed := range goldenObjects() {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, object []byte) {
		if !wellFormedGraph(object) {
			return
		}
		ctx := context.Background()
		store := storeclient.NewMem()
		store.Put(ctx, vectord.ObjectKey("fuzz"), object)
		p := vectord.NewPersistor(store)
		idx, err := p.Load(ctx, "fuzz")
		if err != nil {
			return
		}
		first, err := dump(idx)
		if err != nil {
			return // nothing canonical to compare (the dumper's limits)
		}
		if err := p.Save(ctx, idx); err != nil {
			t.Fatalf("Save of a loaded index: %v", err)
		}
		again, err := p.Load(ctx, idx.Params().Name)
		if err != nil {
			t.Fatalf("the saved index does not load: %v", err)
		}
		second, err := dump(again)
		if err != nil || !bytes.Equal(first, second) {
			t.Fatalf("saved and loaded back, the index differs (%v):\nloaded: %s\nagain:  %s", err, first, second)
		}
	})
}

// dump is the canonical dump of what an index holds (metadata {} as none).
func dump(idx *vectord.Index) ([]byte, error) {
	p, meta := idx.Params(), idx.Metadata()
	if len(meta) == 0 {
		meta = nil
	}
	return hnswdump.Dump(hnswdump.Envelope{Version: 1, Name: p.Name, Dimension: p.Dimension,
		Distance: p.Distance, M: p.M, EfSearch: p.EfSearch, Count: idx.Len(), Metadata: meta}, idx.Graph())
}

// wellFormedGraph: the object is not LHV1-framed (Load refuses it before
// the graph), or its graph section parses with every count within the
// input.
func wellFormedGraph(object []byte) bool {
	if len(object) < 8 || string(object[:4]) != "LHV1" {
		return true
	}
	n := uint64(binary.BigEndian.Uint32(object[4:8]))
	if n+8 > uint64(len(object)) {
		return true
	}
	_, err := wire.Parse(object[8+n:])
	return err == nil
}

// goldenObjects are the harness's golden objects (LHV1_GOLDEN_DIR, default
// this checkout's golden/), none if they cannot be read: the libFuzzer
// build (ClusterFuzzLite) gets them as its seed corpus instead, and
// TestGoldenSeeds fails a go test without them.
func goldenObjects() [][]byte {
	dir := os.Getenv("LHV1_GOLDEN_DIR")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "golden")
	}
	entries, err := lhv1test.ReadManifest(dir)
	if err != nil {
		return nil
	}
	var out [][]byte
	for _, e := range entries {
		if b, err := os.ReadFile(filepath.Join(dir, "objects", e.File)); err == nil {
			out = append(out, b)
		}
	}
	return out
}
