package wire

import (
	"bytes"
	"math/rand"
	"testing"

	"github.com/coder/hnsw"
)

// Go writes shortest varints, so re-encoding what Parse read from Go's
// Export gives Go's bytes back exactly.
func TestParseEncodeIsIdentityOnGoExport(t *testing.T) {
	g := hnsw.NewGraph[string]()
	g.M, g.Ml = 4, 0.5
	g.Rng = rand.New(rand.NewSource(3))
	r := rand.New(rand.NewSource(4))
	for i := 0; i < 200; i++ {
		g.Add(hnsw.MakeNode(string(rune('a'+i%26))+string(rune('0'+i/26)), []float32{r.Float32(), r.Float32(), r.Float32()}))
	}
	var b bytes.Buffer
	if err := g.Export(&b); err != nil {
		t.Fatal(err)
	}
	p, err := Parse(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Layers) < 2 || len(p.Layers[0].Nodes) != 200 || p.M != 4 || string(p.Distance) != "cosine" {
		t.Fatalf("parsed %d layers, %d nodes, M %d, %q", len(p.Layers), len(p.Layers[0].Nodes), p.M, p.Distance)
	}
	if !bytes.Equal(Encode(p), b.Bytes()) {
		t.Fatal("Encode(Parse(export)) differs from the export")
	}
	if !bytes.Equal(Encode(p.Clone()), b.Bytes()) {
		t.Fatal("Clone changed the graph")
	}
}

func TestParseRejectsCountsBeyondInput(t *testing.T) {
	w := &Writer{}
	w.Header(&Graph{Version: 1, M: 4, EfSearch: 8, Distance: []byte("cosine")})
	w.Varint(1 << 40) // n_layers
	if _, err := Parse(w.B); err == nil {
		t.Fatal("2^40 layers in no bytes parsed")
	}
	if _, err := Parse(w.B[:5]); err == nil {
		t.Fatal("a cut header parsed")
	}
}
