// Package loadpath runs the Go reference's load path on one object in this
// process: upstream Unframe, the model's DecodeIndex, then the canonical
// dump, with a panic recovered and reported as an outcome. The differential
// fuzzer (through cmd/lhv1goload) and the Go fuzz tests call it; Go's
// unrecoverable out-of-memory cannot be recovered here, so callers skip
// the objects liblhv1 predicts `fatal` or too costly (docs/FUZZING.md).
package loadpath

import (
	"bytes"
	"fmt"

	"github.com/lhv1/harness/golden/gen/dump"
	"github.com/lhv1/harness/golden/gen/model"
)

// Outcome is what the loader did, named as lhv1_go names it.
type Outcome int

const (
	OK    Outcome = iota // loaded (and dumped)
	Error                // Unframe or DecodeIndex returned an error
	Panic                // the load panicked (recovered)
	// DumpFailed: the index loaded but the dumper failed or panicked; the
	// dump's Export of what Import built is a Go behaviour too.
	DumpFailed
)

func (o Outcome) String() string {
	return [...]string{"ok", "error", "panic", "dump-failed"}[o]
}

// Result of one load. Index and Dump are set when Outcome is OK.
type Result struct {
	Outcome Outcome
	Message string // the error, the panic's value, or why the dump failed
	Index   *model.Index
	Dump    []byte
}

// Load loads body as upstream Load does after its Get, then dumps it.
func Load(body []byte) Result {
	idx, err, p := decode(body)
	switch {
	case p != nil:
		return Result{Outcome: Panic, Message: fmt.Sprint(p)}
	case err != nil:
		return Result{Outcome: Error, Message: err.Error()}
	}
	d, err, p := dumpOf(idx)
	switch {
	case p != nil:
		return Result{Outcome: DumpFailed, Message: fmt.Sprint("dump panicked: ", p)}
	case err != nil:
		return Result{Outcome: DumpFailed, Message: "dump: " + err.Error()}
	}
	return Result{Outcome: OK, Index: idx, Dump: d}
}

func decode(body []byte) (idx *model.Index, err error, p any) {
	defer func() { p = recover() }()
	env, graph, err := model.Unframe(body)
	if err != nil {
		return nil, err, nil
	}
	idx, err = model.DecodeIndex(bytes.NewReader(env), bytes.NewReader(graph))
	return idx, err, nil
}

func dumpOf(idx *model.Index) (d []byte, err error, p any) {
	defer func() { p = recover() }()
	d, err = dump.Index(idx)
	return d, err, nil
}

// Save frames idx as the Persistor's Save does (model Encode, then Frame).
func Save(idx *model.Index) (body []byte, err error, p any) {
	defer func() { p = recover() }()
	var env, graph bytes.Buffer
	if err := idx.Encode(&env, &graph); err != nil {
		return nil, err, nil
	}
	return model.Frame(env.Bytes(), graph.Bytes()), nil, nil
}
