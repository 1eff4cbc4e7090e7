package lhv1test

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// Testee is a team's own reader (and writer) as the conformance checks
// drive it: TestGoldens in `go test`, and ServeTestee behind
// `lhv1 conform` (docs/CONFORMANCE.md). Only Load is required.
type Testee struct {
	Name    string // e.g. "vectord"
	Version string // free text; default: the main module's version and Go's
	Load    Loader
	// Dump returns the canonical dump (docs/FORMAT.md section 6) of what
	// Load returned, or nil when it cannot dump it. When Dump is nil, a
	// loaded value that implements Dumper dumps itself; else the load is
	// compared by behaviour only. go/hnswdump writes the dump of a
	// coder/hnsw graph and its envelope.
	Dump DumpFunc
	// Use searches and adds on what Load returned (the `use` request).
	Use UseFunc
	// Save builds the index a dump describes through your own types and
	// returns the object your writer produces (what Save would Put).
	Save SaveFunc
}

// DumpFunc dumps a value a Loader returned; nil, nil means "cannot dump".
type DumpFunc func(loaded any) ([]byte, error)

// Dumper is a loaded value that writes its own canonical dump.
type Dumper interface {
	LHV1Dump() ([]byte, error)
}

// Query asks for the K nearest neighbours of Vector.
type Query struct {
	Vector []float32
	K      int
}

// Node is a key and its vector.
type Node struct {
	Key    string // the key's bytes (any bytes, not only UTF-8)
	Vector []float32
}

// UseRequest is one `use`: the searches run first, then the add (if any).
type UseRequest struct {
	Queries []Query
	Add     *Node
}

// UseResult is what a use did: the keys each search returned, nearest
// first, and the number of nodes the index holds afterwards.
type UseResult struct {
	Results [][]string
	Count   int
}

// UseFunc runs a UseRequest on a value a Loader returned.
type UseFunc func(loaded any, req UseRequest) (UseResult, error)

// SaveFunc writes the index a canonical dump describes, as object bytes.
type SaveFunc func(name string, dump []byte) ([]byte, error)

// dump returns loaded's dump through t.Dump or Dumper; ok is false when
// the value cannot be dumped.
func (t Testee) dump(loaded any) (d []byte, ok bool, err error) {
	switch {
	case t.Dump != nil:
		d, err = t.Dump(loaded)
	case loaded != nil:
		dm, is := loaded.(Dumper)
		if !is {
			return nil, false, nil
		}
		d, err = dm.LHV1Dump()
	default:
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return d, d != nil, nil
}

// version is t.Version, else the main module's version and Go's.
func (t Testee) version() string {
	if t.Version != "" {
		return t.Version
	}
	v := runtime.Version()
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Path != "" {
		v = fmt.Sprintf("%s %s, %s", bi.Main.Path, bi.Main.Version, v)
	}
	return v
}

// recovered runs f and turns a panic into its value's text.
func recovered(f func()) (panicked bool, msg string) {
	defer func() {
		if v := recover(); v != nil {
			panicked, msg = true, fmt.Sprint(v)
		}
	}()
	f()
	return false, ""
}
