package hnswdump

import (
	"bytes"
	"encoding/json"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coder/hnsw"
)

const expectedDir = "../../golden/expected"

func testGraph(t *testing.T) *hnsw.Graph[string] {
	t.Helper()
	g := hnsw.NewGraph[string]()
	g.M, g.Ml, g.EfSearch = 4, 0.5, 12
	g.Rng = rand.New(rand.NewSource(1))
	r := rand.New(rand.NewSource(2))
	for i := 0; i < 60; i++ {
		g.Add(hnsw.MakeNode(string(rune('a'+i%26))+strings.Repeat("x", i/26), []float32{r.Float32(), r.Float32()}))
	}
	return g
}

// Every expected dump of the goldens parses, builds a coder/hnsw graph, and
// that graph dumps back to the same bytes: Parse, HNSW and Dump lose nothing.
func TestExpectedDumpsRoundTripThroughHNSW(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(expectedDir, "*.dump"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no expected dumps in %s (%v)", expectedDir, err)
	}
	for _, f := range files {
		want, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		ix, err := Parse(want)
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
			continue
		}
		g, err := ix.HNSW()
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
			continue
		}
		env, err := ix.EnvelopeJSON()
		if err != nil || !json.Valid(env) || !bytes.Contains(env, []byte(`"params":{"name":`)) {
			t.Errorf("%s: envelope %s (%v)", filepath.Base(f), env, err)
		}
		got, err := Dump(ix.Envelope, g)
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: dump of the built graph differs:\n%s", filepath.Base(f), got)
		}
	}
}

// Export writes map order, different from one call to the next; the dump
// is the same every time.
func TestDumpIsDeterministic(t *testing.T) {
	g := testGraph(t)
	env := Envelope{Version: 1, Name: "t", Dimension: 2, Distance: "cosine", M: 4, EfSearch: 12, Count: g.Len()}
	first, err := Dump(env, g)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		again, err := Dump(env, g)
		if err != nil || !bytes.Equal(again, first) {
			t.Fatalf("dump %d differs (%v)", i, err)
		}
	}
	if _, err := Parse(first); err != nil {
		t.Fatal(err)
	}
}

// Metadata in any shape encoding/json marshals to the same object dumps
// alike; nil maps dump as null, empty ones as {}.
func TestMetadataShapes(t *testing.T) {
	env := func(m any) string {
		d, err := EnvelopeDump(Envelope{Version: 1, Name: "n", Dimension: 1, Distance: "cosine", M: 1, EfSearch: 1, Metadata: m})
		if err != nil {
			t.Fatal(err)
		}
		s := string(d)
		return s[strings.Index(s, `"metadata":`)+len(`"metadata":`) : len(s)-1]
	}
	type tag struct {
		Label string  `json:"label"`
		Score float64 `json:"score"`
	}
	want := `{"a":{"label":"x","score":1.5},"b":null}`
	for _, m := range []any{
		map[string]map[string]any{"b": nil, "a": {"score": 1.5, "label": "x"}},
		map[string]json.RawMessage{"a": json.RawMessage(`{"score":1.50,"label":"x"}`), "b": json.RawMessage(`null`)},
		map[string]*tag{"a": {Label: "x", Score: 1.5}, "b": nil},
	} {
		if got := env(m); got != want {
			t.Errorf("%T: %s, want %s", m, got, want)
		}
	}
	var nilMap map[string]map[string]any
	for m, want := range map[string]any{"null": nil, "typed nil": nilMap, "empty": map[string]map[string]any{}} {
		w := "null"
		if m == "empty" {
			w = "{}"
		}
		if got := env(want); got != w {
			t.Errorf("%s: %s, want %s", m, got, w)
		}
	}
	if _, err := EnvelopeDump(Envelope{Metadata: []int{1}}); err == nil {
		t.Error("a JSON array was taken as metadata")
	}
}

// Parse refuses what is not a canonical dump: unsorted nodes, a wrong
// header, trailing members.
func TestParseRefusesNonCanonical(t *testing.T) {
	g := testGraph(t)
	d, err := Dump(Envelope{Version: 1, Name: "t", Dimension: 2, Distance: "cosine", M: 4, EfSearch: 12, Count: g.Len()}, g)
	if err != nil {
		t.Fatal(err)
	}
	s := string(d)
	for name, bad := range map[string]string{
		"spaces":       strings.Replace(s, `"dump_version":1`, `"dump_version": 1`, 1),
		"version 2":    strings.Replace(s, `"dump_version":1`, `"dump_version":2`, 1),
		"unknown":      strings.Replace(s, `"dump":"lhv1",`, `"dump":"lhv1","x":1,`, 1),
		"swapped keys": strings.Replace(strings.Replace(s, `{"key":"a"`, `{"key":"TMP"`, 1), `{"key":"b"`, `{"key":"a"`, 1),
		"odd vector":   strings.Replace(s, `"vector":"`, `"vector":"00`, 1),
	} {
		if _, err := Parse([]byte(bad)); err == nil {
			t.Errorf("%s: parsed", name)
		}
	}
}
