// Command gen writes the realistic benchmark inputs: indexes built with the
// real coder/hnsw (Graph.Add, seeded) and saved through the Go reference
// (model.Index.Encode + model.Frame), with metadata on a fraction of the
// nodes. Outputs are made at bench time and never committed.
//
// usage: gen -n 20000 -dim 128 -m 16 -meta 0.1 -seed 1 -out FILE
package main

import (
	"bytes"
	"flag"
	"fmt"
	"math/rand"
	"os"

	"github.com/coder/hnsw"

	"github.com/lhv1/harness/golden/gen/model"
)

func main() {
	n := flag.Int("n", 20000, "number of vectors")
	dim := flag.Int("dim", 128, "dimension")
	m := flag.Int("m", 16, "M (neighbours per node)")
	meta := flag.Float64("meta", 0.1, "fraction of nodes with metadata")
	seed := flag.Int64("seed", 1, "RNG seed (vectors, levels, metadata)")
	out := flag.String("out", "", "output file")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "gen: -out is required")
		os.Exit(2)
	}
	name := fmt.Sprintf("bench_%dx%d", *n, *dim)
	idx, err := model.NewIndex(model.Params{Name: name, Dimension: *dim, Distance: "cosine", M: *m, EfSearch: 20})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	// coder/hnsw's default Ml (0.25) gives its realistic layer counts.
	idx.Graph.Rng = rand.New(rand.NewSource(*seed))
	r := rand.New(rand.NewSource(*seed + 1))
	idx.Metadata = model.Metadata{}
	for i := 0; i < *n; i++ {
		key := fmt.Sprintf("doc-%07d", i)
		v := make([]float32, *dim)
		for j := range v {
			v[j] = float32(r.NormFloat64())
		}
		idx.Graph.Add(hnsw.MakeNode(key, v))
		if r.Float64() < *meta {
			idx.Metadata[key] = map[string]any{
				"title":  fmt.Sprintf("Document %d", i),
				"source": []string{"web", "pdf", "mail"}[i%3],
				"score":  r.Float64(),
				"tags":   []any{"t" + fmt.Sprint(i%17), "t" + fmt.Sprint(i%5)},
			}
		}
	}
	var env, graph bytes.Buffer
	if err := idx.Encode(&env, &graph); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, model.Frame(env.Bytes(), graph.Bytes()), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
