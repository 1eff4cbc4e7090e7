//go:build lhv1cgo

// Package clhv1 calls liblhv1 through cgo, for the Go fuzz tests that hold
// Go's loader against it (loadpath's FuzzLoad). The lhv1cgo tag keeps cgo
// and liblhv1 out of the module's ordinary build. The caller provides
// where liblhv1 is:
//
//	CGO_CFLAGS=-I<repo>/include CGO_LDFLAGS="<build>/src/liblhv1.a -lcjson -lm" \
//	    go test -tags lhv1cgo ./loadpath
//
// (harness/fuzz/tools/go_fuzz.sh sets both.)
package clhv1

/*
#include <stdlib.h>
#include "lhv1/index.h"
*/
import "C"

import "unsafe"

// Go outcomes as lhv1_go names them.
const (
	GoOK    = int(C.LHV1_GO_OK)
	GoError = int(C.LHV1_GO_ERROR)
	GoPanic = int(C.LHV1_GO_PANIC)
	GoFatal = int(C.LHV1_GO_FATAL)
)

// Result is liblhv1's reading of one object.
type Result struct {
	Verdict string // lhv1_verdict_name
	Reason  string // lhv1_reason_code
	Message string
	Go      int    // lhv1_predict_go
	GoName  string // lhv1_go_name
	Why     string // the prediction's message
	Peak    uint64 // lhv1_predict_go_peak: Go's largest single allocation
	Dump    []byte // the canonical dump, when the verdict is ok
}

// Read gives liblhv1's verdict (loaded without a name), its prediction of
// Go and, for an ok object, its dump.
func Read(body []byte) Result {
	p := C.CBytes(body)
	defer C.free(p)
	data, n := (*C.uint8_t)(p), C.size_t(len(body))

	var r Result
	var why [256]C.char
	var peak C.uint64_t
	g := C.lhv1_predict_go_peak(data, n, &why[0], C.size_t(len(why)), &peak)
	r.Go, r.GoName, r.Why, r.Peak = int(g), C.GoString(C.lhv1_go_name(g)), C.GoString(&why[0]), uint64(peak)

	var idx C.lhv1_index
	var st C.lhv1_status
	v := C.lhv1_index_load(data, n, nil, &idx, &st)
	r.Verdict = C.GoString(C.lhv1_verdict_name(v))
	r.Reason = C.GoString(C.lhv1_reason_code(st.reason))
	r.Message = C.GoString(&st.message[0])
	if v == C.LHV1_OK {
		var d C.lhv1_buf
		C.lhv1_buf_init(&d)
		if C.lhv1_index_dump(&idx, &d) == 0 && d.failed == 0 {
			r.Dump = C.GoBytes(unsafe.Pointer(d.data), C.int(d.len))
		}
		C.lhv1_buf_free(&d)
	}
	if idx.decoded != 0 {
		C.lhv1_index_free(&idx)
	}
	return r
}
