// Command testee serves the Go reference to `lhv1 conform` (the testee
// protocol on stdin and stdout), under the address-space bound Go's
// behaviour is recorded with: a load beyond it dies with Go's fatal
// out-of-memory, as the goldens record `fatal`.
package main

import (
	"fmt"
	"os"

	"github.com/lhv1/harness/go/lhv1test"

	"github.com/lhv1/harness/golden/gen/addrspace"
	"github.com/lhv1/harness/golden/gen/reftestee"
)

func main() {
	if err := addrspace.Limit(addrspace.Headroom); err != nil {
		fmt.Fprintln(os.Stderr, "testee:", err)
		os.Exit(2)
	}
	if err := lhv1test.ServeTestee(reftestee.Testee()); err != nil {
		fmt.Fprintln(os.Stderr, "testee:", err)
		os.Exit(2)
	}
}
