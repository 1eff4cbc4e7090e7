// Package common is the version-independent half of the coder/hnsw
// compatibility matrix (docs/FORMAT-EVOLUTION.md): the fixed set of indexes
// every writer builds, the LHV1 frame and envelope around each graph, and the
// command line every per-version module shares. It must not import
// coder/hnsw: each version module pins its own, and Go's minimal version
// selection would otherwise lift every module to the newest one.
package common

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"runtime/debug"
)

// Spec is one index of the fixed set.
type Spec struct {
	Name     string // object and params name
	Nodes    int
	Dim      int
	Distance string // "cosine" | "euclidean"
	M        int
	EfSearch int
	Deletes  int   // nodes deleted after building (coder/hnsw issue #13 territory)
	Seed     int64 // vectors and layer draws
}

// Specs is the fixed set every writer builds. Small enough that the whole
// matrix runs in seconds; varied enough to reach several layers, both
// distances, deletions and the empty graph.
var Specs = []Spec{
	{Name: "empty", Nodes: 0, Dim: 4, Distance: "cosine", M: 16, EfSearch: 20, Seed: 1},
	{Name: "one", Nodes: 1, Dim: 3, Distance: "euclidean", M: 16, EfSearch: 20, Seed: 2},
	{Name: "small_cosine", Nodes: 64, Dim: 8, Distance: "cosine", M: 8, EfSearch: 20, Seed: 3},
	{Name: "layers_euclidean", Nodes: 600, Dim: 16, Distance: "euclidean", M: 16, EfSearch: 40, Seed: 4},
	{Name: "after_deletes", Nodes: 200, Dim: 8, Distance: "cosine", M: 6, EfSearch: 20, Deletes: 40, Seed: 5},
}

// Key is the key of node i: fixed width so sorted order is numeric order.
func Key(i int) string { return fmt.Sprintf("k%05d", i) }

// Vectors returns the spec's vectors, the same for every version.
func Vectors(s Spec) [][]float32 {
	r := rand.New(rand.NewSource(s.Seed))
	out := make([][]float32, s.Nodes)
	for i := range out {
		v := make([]float32, s.Dim)
		for j := range v {
			v[j] = float32(r.NormFloat64())
		}
		out[i] = v
	}
	return out
}

// Deleted returns the keys to delete after building, in order.
func Deleted(s Spec) []string {
	r := rand.New(rand.NewSource(s.Seed + 1000))
	var keys []string
	for _, i := range r.Perm(s.Nodes)[:s.Deletes] {
		keys = append(keys, Key(i))
	}
	return keys
}

// Graph is what a version module exposes of its coder/hnsw Graph.
type Graph interface {
	Export(w *bytes.Buffer) error
	Len() int
}

// Adapter is the version-specific half: how this coder/hnsw version builds
// a graph from a spec and imports one.
type Adapter interface {
	Version() string
	// Build makes a graph of spec s with layer draws seeded by s.Seed.
	Build(s Spec) (Graph, error)
	// Import reads graph bytes into a fresh graph of this version.
	Import(graph []byte) (Graph, error)
	// Node reads one node in the layout this version's Export writes.
	Node() NodeReader
}

type envelope struct {
	Version int `json:"version"`
	Params  struct {
		Name      string `json:"name"`
		Dimension int    `json:"dimension"`
		Distance  string `json:"distance"`
		M         int    `json:"m"`
		EfSearch  int    `json:"ef_search"`
	} `json:"params"`
	Count int `json:"count"`
}

// Frame wraps a graph section in the LHV1 frame with a version-1 envelope.
func Frame(s Spec, count int, graph []byte) []byte {
	var e envelope
	e.Version = 1
	e.Params.Name, e.Params.Dimension, e.Params.Distance = s.Name, s.Dim, s.Distance
	e.Params.M, e.Params.EfSearch = s.M, s.EfSearch
	e.Count = count
	env, _ := json.Marshal(e)
	var b bytes.Buffer
	b.WriteString("LHV1")
	_ = binary.Write(&b, binary.BigEndian, uint32(len(env)))
	b.Write(env)
	b.Write(graph)
	return b.Bytes()
}

// Unframe splits an LHV1 object as upstream's unframe does.
func Unframe(body []byte) (env, graph []byte, err error) {
	if len(body) < 8 || string(body[:4]) != "LHV1" {
		return nil, nil, errors.New("bad frame")
	}
	n := uint64(binary.BigEndian.Uint32(body[4:8]))
	if n+8 > uint64(len(body)) {
		return nil, nil, errors.New("bad frame: envelope overruns")
	}
	return body[8 : 8+n], body[8+n:], nil
}

// HnswVersion is the coder/hnsw version linked into this binary.
func HnswVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == "github.com/coder/hnsw" {
				if d.Replace != nil {
					return d.Replace.Version
				}
				return d.Version
			}
		}
	}
	return "unknown"
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: compat write DIR | compat read IN OUT | compat dump IN")
	os.Exit(2)
}

// Main is the command every version module runs:
//
//	write DIR      writes every spec as DIR/<name>.lhv1
//	read IN OUT    imports IN's graph, writes the canonical dump (Dump) of
//	               its re-export to OUT; prints "ok", "error: ..." or
//	               "panic: ..." on stdout. An unrecoverable Go fatal error
//	               kills the process: the caller records "fatal".
//	dump IN        prints the canonical dump of IN's graph as this
//	               version's Export wrote it (the writer's reference)
func Main(a Adapter) {
	if len(os.Args) < 2 {
		usage()
	}
	switch os.Args[1] {
	case "write":
		if len(os.Args) != 3 {
			usage()
		}
		for _, s := range Specs {
			g, err := a.Build(s)
			if err != nil {
				fmt.Fprintf(os.Stderr, "%s: build %s: %v\n", a.Version(), s.Name, err)
				os.Exit(1)
			}
			var b bytes.Buffer
			if err := g.Export(&b); err != nil {
				fmt.Fprintf(os.Stderr, "%s: export %s: %v\n", a.Version(), s.Name, err)
				os.Exit(1)
			}
			path := filepath.Join(os.Args[2], s.Name+".lhv1")
			if err := os.WriteFile(path, Frame(s, g.Len(), b.Bytes()), 0o644); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
		}
	case "dump":
		if len(os.Args) != 3 {
			usage()
		}
		body, err := os.ReadFile(os.Args[2])
		if err == nil {
			var graph []byte
			if _, graph, err = Unframe(body); err == nil {
				var d string
				if d, err = Dump(graph, a.Node()); err == nil {
					fmt.Print(d)
					return
				}
			}
		}
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	case "read":
		if len(os.Args) != 4 {
			usage()
		}
		fmt.Println(read(a, os.Args[2], os.Args[3]))
	default:
		usage()
	}
}

func read(a Adapter, in, out string) (outcome string) {
	body, err := os.ReadFile(in)
	if err != nil {
		return "error: " + err.Error()
	}
	_, graph, err := Unframe(body)
	if err != nil {
		return "error: " + err.Error()
	}
	defer func() {
		if r := recover(); r != nil {
			outcome = fmt.Sprintf("panic: %v", r)
		}
	}()
	g, err := a.Import(graph)
	if err != nil {
		return "error: " + err.Error()
	}
	var b bytes.Buffer
	if err := g.Export(&b); err != nil {
		return "error: re-export: " + err.Error()
	}
	d, err := Dump(b.Bytes(), a.Node())
	if err != nil {
		return "error: dump of the re-export: " + err.Error()
	}
	if err := os.WriteFile(out, []byte(d), 0o644); err != nil {
		return "error: " + err.Error()
	}
	return "ok"
}
