package reftestee

import (
	"testing"

	"github.com/lhv1/harness/go/lhv1test"
)

// The Go reference passes its own goldens: behaviour as recorded, dumps
// equal to golden/expected, a search and an add on every ok load, and its
// writer round trip, but for testdata/failures.txt. A check that the
// reference itself fails would fail every team.
func TestGoldens(t *testing.T) {
	lhv1test.TestTestee(t, "../..", Testee(), lhv1test.WithFailureList("testdata/failures.txt"))
}
