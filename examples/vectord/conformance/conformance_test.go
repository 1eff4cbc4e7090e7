package conformance_test

import (
	"os"
	"testing"

	"github.com/lhv1/harness/go/lhv1test"

	"github.com/lhv1/harness/examples/vectord/conformance"
)

// goldenDir is the harness's golden directory: this checkout's, or
// LHV1_GOLDEN_DIR.
func goldenDir() string {
	if d := os.Getenv("LHV1_GOLDEN_DIR"); d != "" {
		return d
	}
	return "../../../golden"
}

// TestGoldens runs vectord's loader over every golden: behaviour against
// Go's record, content against golden/expected, a search and an add on
// every ok load, and the writer on every expected dump. The divergences
// vectord really has are in testdata/failures.txt.
func TestGoldens(t *testing.T) {
	lhv1test.TestTestee(t, goldenDir(), conformance.Testee(),
		lhv1test.WithFailureList("testdata/failures.txt"))
}
