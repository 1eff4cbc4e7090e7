// Command testee serves vectord's loader and writer to `lhv1 conform`
// (the testee protocol on stdin and stdout):
//
//	lhv1 conform --failure-list conformance/testdata/failures.txt -- go run ./cmd/testee
package main

import (
	"fmt"
	"os"

	"github.com/lhv1/harness/go/lhv1test"

	"github.com/lhv1/harness/examples/vectord/conformance"
)

func main() {
	if err := lhv1test.ServeTestee(conformance.Testee()); err != nil {
		fmt.Fprintln(os.Stderr, "testee:", err)
		os.Exit(2)
	}
}
