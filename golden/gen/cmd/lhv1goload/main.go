//go:build libfuzzer

// Command lhv1goload is the Go reference's load path (package loadpath)
// exported to C, for harness/fuzz/fuzz_differential.c. It is built only as
// a c-archive with Go's libFuzzer instrumentation, so that Go's coverage
// counters feed libFuzzer:
//
//	CC=clang go build -buildmode=c-archive -tags=libfuzzer \
//	    -gcflags=github.com/coder/hnsw=-d=libfuzzer \
//	    -gcflags=github.com/lhv1/harness/golden/gen/model=-d=libfuzzer \
//	    -o lhv1goload.a ./cmd/lhv1goload
//
// (the code under test only: harness/fuzz/Differential.cmake).
//
// The libfuzzer tag keeps it out of the module's ordinary (cgo-free) build.
// No C file lives here: cgo would compile it into the archive.
package main

/*
#include <stdlib.h>
#include <string.h>
*/
import "C"

import (
	"runtime/debug"
	"unsafe"

	"github.com/lhv1/harness/golden/gen/loadpath"
)

func init() {
	// The fuzzer skips objects whose single largest read costs more than
	// its bound; this keeps the garbage of earlier runs from adding up.
	debug.SetMemoryLimit(1 << 30)
	// A load's garbage is small and dies at once: collecting at 4 times
	// the live heap instead of twice costs fewer GC cycles per input (about
	// 5 % more inputs per CPU second, docs/FUZZING.md).
	debug.SetGCPercent(400)
}

// LHV1GoLoad loads the n bytes at data. It returns the outcome (0 ok,
// 1 error, 2 panic, 3 dump failed), writes Go's message (terminated,
// truncated to msgCap) to msg, and on ok sets *dump to a malloc'd copy of
// the canonical dump (the caller frees it) and *dumpLen to its length.
//
//export LHV1GoLoad
func LHV1GoLoad(data unsafe.Pointer, n C.size_t, msg *C.char, msgCap C.size_t,
	dump **C.char, dumpLen *C.size_t) C.int {
	body := C.GoBytes(data, C.int(n))
	r := loadpath.Load(body)
	if msgCap > 0 {
		m := r.Message
		if len(m) > int(msgCap)-1 {
			m = m[:int(msgCap)-1]
		}
		out := unsafe.Slice((*byte)(unsafe.Pointer(msg)), int(msgCap))
		copy(out, m)
		out[len(m)] = 0
	}
	*dump, *dumpLen = nil, 0
	if r.Outcome == loadpath.OK {
		*dump = (*C.char)(C.CBytes(r.Dump))
		*dumpLen = C.size_t(len(r.Dump))
	}
	return C.int(r.Outcome)
}

func main() {}
