package model

import (
	"bytes"
	"context"
	"errors"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/coder/hnsw"
)

func testIndex(t *testing.T, name string) *Index {
	t.Helper()
	idx, err := NewIndex(Params{Name: name, Dimension: 2, Distance: "cosine", M: 4, EfSearch: 8})
	if err != nil {
		t.Fatal(err)
	}
	idx.Graph.Rng = rand.New(rand.NewSource(1))
	for i, k := range []string{"a", "b", "c"} {
		idx.Graph.Add(hnsw.MakeNode(k, []float32{float32(i) + 1, 1}))
	}
	idx.Metadata = Metadata{"a": {"n": 1.0}}
	return idx
}

func TestSaveLoadRoundTrip(t *testing.T) {
	ctx := context.Background()
	p := NewPersistor(DirStore{Root: t.TempDir()})
	idx := testIndex(t, "docs")
	if err := p.Save(ctx, idx); err != nil {
		t.Fatal(err)
	}
	got, err := p.Load(ctx, "docs")
	if err != nil {
		t.Fatal(err)
	}
	if got.Params != idx.Params || got.Count != 3 || got.Graph.Len() != 3 || !reflect.DeepEqual(got.Metadata, idx.Metadata) {
		t.Fatalf("loaded %+v, saved %+v", got, idx)
	}
	names, err := p.List(ctx)
	if err != nil || !reflect.DeepEqual(names, []string{"docs"}) {
		t.Fatalf("List = %v, %v", names, err)
	}
}

func TestLoadMissingIsErrKeyMissing(t *testing.T) {
	_, err := NewPersistor(DirStore{Root: t.TempDir()}).Load(context.Background(), "nope")
	if !errors.Is(err, ErrKeyMissing) {
		t.Fatalf("err = %v, want ErrKeyMissing", err)
	}
}

// failingStore's Get fails with a 5xx whose text says "key not found".
type failingStore struct{ DirStore }

func (failingStore) Get(context.Context, string) ([]byte, error) {
	return nil, errors.New("storaged 503: upstream said: key not found")
}

func TestStoreFailureIsNotKeyMissing(t *testing.T) {
	_, err := NewPersistor(failingStore{}).Load(context.Background(), "docs")
	if err == nil || errors.Is(err, ErrKeyMissing) {
		t.Fatalf("err = %v: a failed Get must not read as a missing key", err)
	}
}

func TestUnframeRejectsBadFraming(t *testing.T) {
	good := Frame([]byte("{}"), []byte{1, 2})
	over := append([]byte(nil), good...)
	over[7] = 5
	for name, body := range map[string][]byte{
		"short": good[:7], "magic": append([]byte("LHV2"), good[4:]...), "overrun": over,
	} {
		if _, _, err := Unframe(body); !errors.Is(err, ErrBadFormat) {
			t.Errorf("%s: err = %v, want ErrBadFormat", name, err)
		}
	}
	env, graph, err := Unframe(good)
	if err != nil || string(env) != "{}" || !bytes.Equal(graph, []byte{1, 2}) {
		t.Fatalf("Unframe(good) = %q, %v, %v", env, graph, err)
	}
	if _, _, err := Unframe(Frame(nil, nil)); err != nil {
		t.Fatalf("an empty envelope and graph pass unframe (they fail in decode): %v", err)
	}
}

func TestListFiltersAndDeleteIsIdempotent(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := DirStore{Root: dir}
	for _, k := range []string{"_vectors/b.lhv1", "_vectors/a.lhv1", "_vectors/.lhv1", "_vectors/c.json", "other/d.lhv1"} {
		if err := s.Put(ctx, k, []byte("x")); err != nil {
			t.Fatal(err)
		}
	}
	p := NewPersistor(s)
	names, err := p.List(ctx)
	if err != nil || !reflect.DeepEqual(names, []string{"a", "b"}) {
		t.Fatalf("List = %v, %v", names, err)
	}
	for i := 0; i < 2; i++ {
		if err := p.Delete(ctx, "a"); err != nil {
			t.Fatalf("delete #%d: %v", i+1, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "_vectors", "a.lhv1")); !os.IsNotExist(err) {
		t.Fatalf("a.lhv1 still there: %v", err)
	}
}

func TestDirStoreRefusesEscapingKeys(t *testing.T) {
	s := DirStore{Root: t.TempDir()}
	for _, k := range []string{"../x", "/etc/passwd", "", "a/../../x"} {
		if err := s.Put(context.Background(), k, nil); err == nil {
			t.Errorf("Put(%q) succeeded", k)
		}
	}
}

func TestDecodeIndexChecksOnlyWhatGoChecks(t *testing.T) {
	var g bytes.Buffer
	if err := testIndex(t, "x").Graph.Export(&g); err != nil {
		t.Fatal(err)
	}
	for env, wantErr := range map[string]bool{
		`{"version":1}`:                              false, // missing fields load
		`{"VERSION":1,"count":-5}`:                   false, // case-folded, out of range
		`{"version":1,"version":2}`:                  true,  // last wins
		`{"version":1.0}`:                            true,  // not an int literal
		`{"version":1,"metadata":{"k":1}}`:           true,  // type mismatch
		`{"version":1} x`:                            true,  // trailing bytes
		`{"version":1,"unknown":1e999}`:              false, // skipped unread
		`{"version":1,"metadata":{"k":{"n":1e999}}}`: true,
	} {
		_, err := DecodeIndex(bytes.NewReader([]byte(env)), bytes.NewReader(g.Bytes()))
		if (err != nil) != wantErr {
			t.Errorf("%s: err = %v, want error %v", env, err, wantErr)
		}
	}
}
