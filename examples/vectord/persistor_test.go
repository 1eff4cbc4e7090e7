package vectord

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/lhv1/harness/examples/vectord/internal/storeclient"
)

func testIndex(t *testing.T, name string) *Index {
	t.Helper()
	idx, err := NewIndex(Params{Name: name, Dimension: 2, Distance: "euclidean", M: 4, EfSearch: 8})
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range [][]float32{{0, 0}, {1, 0}, {0, 1}, {5, 5}} {
		if err := idx.Add(string(rune('a'+i)), v, map[string]any{"i": float64(i)}); err != nil {
			t.Fatal(err)
		}
	}
	return idx
}

func TestSaveLoadRoundTrip(t *testing.T) {
	ctx := context.Background()
	p := NewPersistor(storeclient.NewMem())
	if err := p.Save(ctx, testIndex(t, "docs")); err != nil {
		t.Fatal(err)
	}
	idx, err := p.Load(ctx, "docs")
	if err != nil {
		t.Fatal(err)
	}
	keys, err := idx.Search([]float32{5, 5}, 1)
	if err != nil || len(keys) != 1 || keys[0] != "d" {
		t.Fatalf("search: %v %v", keys, err)
	}
	if idx.Len() != 4 || idx.Params().Name != "docs" || idx.Metadata()["c"]["i"] != 2.0 {
		t.Fatalf("loaded %d nodes, params %+v, metadata %v", idx.Len(), idx.Params(), idx.Metadata())
	}
}

// Only the store's typed not-found is a missing index; a store error whose
// text says "key not found" is a store error.
func TestLoadErrorMapping(t *testing.T) {
	ctx := context.Background()
	if _, err := NewPersistor(storeclient.NewMem()).Load(ctx, "absent"); !errors.Is(err, ErrKeyMissing) {
		t.Fatalf("missing object: %v", err)
	}
	_, err := NewPersistor(failingStore{errors.New("503: key not found")}).Load(ctx, "x")
	if err == nil || errors.Is(err, ErrKeyMissing) {
		t.Fatalf("5xx saying key not found: %v", err)
	}
}

type failingStore struct{ err error }

func (f failingStore) Put(context.Context, string, []byte) error      { return f.err }
func (f failingStore) Get(context.Context, string) ([]byte, error)    { return nil, f.err }
func (f failingStore) Delete(context.Context, string) error           { return f.err }
func (f failingStore) List(context.Context, string) ([]string, error) { return nil, f.err }

func TestUnframeRefusesBadFraming(t *testing.T) {
	ctx := context.Background()
	for name, body := range map[string]string{
		"short":   "LHV1\x00\x00",
		"magic":   "LHV2\x00\x00\x00\x00",
		"overrun": "LHV1\x00\x00\x00\x09{}",
		"max len": "LHV1\xff\xff\xff\xff{}",
	} {
		s := storeclient.NewMem()
		_ = s.Put(ctx, ObjectKey(name), []byte(body))
		if _, err := NewPersistor(s).Load(ctx, name); !errors.Is(err, ErrBadFormat) {
			t.Errorf("%s: %v", name, err)
		}
	}
	env, graph, err := unframe([]byte("LHV1\x00\x00\x00\x00"))
	if err != nil || len(env) != 0 || len(graph) != 0 {
		t.Errorf("empty sections are for DecodeIndex to refuse: %v", err)
	}
}

func TestListAndDelete(t *testing.T) {
	ctx := context.Background()
	s := storeclient.NewMem()
	for _, k := range []string{"_vectors/b.lhv1", "_vectors/a.lhv1", "_vectors/.lhv1", "_vectors/c.json", "other/d.lhv1", "_vectors/sub/e.lhv1"} {
		_ = s.Put(ctx, k, []byte("x"))
	}
	p := NewPersistor(s)
	names, err := p.List(ctx)
	if err != nil || !reflect.DeepEqual(names, []string{"a", "b", "sub/e"}) {
		t.Fatalf("list: %v %v", names, err)
	}
	if err := p.Delete(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if err := p.Delete(ctx, "a"); err != nil {
		t.Fatalf("deleting a missing index: %v", err)
	}
	if names, _ := p.List(ctx); !reflect.DeepEqual(names, []string{"b", "sub/e"}) {
		t.Fatalf("after delete: %v", names)
	}
}
