package lhv1test

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"unicode/utf8"
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

// reply is what a testee did with one request, in the protocol's terms
// (docs/CONFORMANCE.md, "Requests"): ServeTestee sends it to lhv1 conform,
// TestGoldens judges it in-process, so both see the same behaviour.
type reply struct {
	outcome Behaviour // Ok, Error or Panic
	message string
	stack   []byte // of a recovered panic
	dump    []byte // load: the canonical dump (nil: none)
	object  []byte // save
	results [][]string
	added   bool
	count   int
}

func failed(o Behaviour, msg string) reply { return reply{outcome: o, message: msg} }

// load runs Load and dumps what it returned: a dump that fails or
// panics makes the load an error or a panic.
func (t Testee) load(name string, object []byte) (reply, any) {
	var v any
	var err error
	if p, msg, stack := recoveredStack(func() { v, err = t.Load(name, object) }); p {
		return reply{outcome: Panic, message: msg, stack: stack}, nil
	}
	if err != nil {
		return failed(Error, err.Error()), nil
	}
	var d []byte
	var ok bool
	if p, msg, stack := recoveredStack(func() { d, ok, err = t.dump(v) }); p {
		return reply{outcome: Panic, message: "dump: " + msg, stack: stack}, nil
	}
	switch {
	case err != nil:
		return failed(Error, "loaded, but the dump failed: "+err.Error()), nil
	case !ok:
		return reply{outcome: Ok}, v
	case !utf8.Valid(d):
		return failed(Error, "loaded, but the dump is not valid UTF-8"), nil
	}
	return reply{outcome: Ok, dump: d}, v
}

// save runs Save on a dump.
func (t Testee) save(name string, dump []byte) reply {
	var obj []byte
	var err error
	if p, msg, stack := recoveredStack(func() { obj, err = t.Save(name, dump) }); p {
		return reply{outcome: Panic, message: msg, stack: stack}
	}
	if err != nil {
		return failed(Error, err.Error())
	}
	if obj == nil {
		obj = []byte{}
	}
	return reply{outcome: Ok, object: obj}
}

// use runs Use on a loaded value.
func (t Testee) use(loaded any, u UseRequest) reply {
	var res UseResult
	var err error
	if p, msg, stack := recoveredStack(func() { res, err = t.Use(loaded, u) }); p {
		return reply{outcome: Panic, message: msg, stack: stack}
	}
	if err != nil {
		return failed(Error, err.Error())
	}
	return reply{outcome: Ok, results: res.Results, added: u.Add != nil, count: res.Count}
}

// recoveredStack is recovered with the stack of the panic.
func recoveredStack(f func()) (panicked bool, msg string, stack []byte) {
	defer func() {
		if v := recover(); v != nil {
			panicked, msg, stack = true, fmt.Sprint(v), debug.Stack()
		}
	}()
	f()
	return false, "", nil
}
