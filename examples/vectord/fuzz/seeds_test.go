package fuzz

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/lhv1/harness/go/lhv1test"
)

// TestGoldenSeeds: the fuzz target is seeded with every golden of
// MANIFEST.tsv, so that `go test` replays them rather than nothing.
func TestGoldenSeeds(t *testing.T) {
	dir := os.Getenv("LHV1_GOLDEN_DIR")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "golden")
	}
	entries, err := lhv1test.ReadManifest(dir)
	if err != nil {
		t.Fatalf("the goldens (set LHV1_GOLDEN_DIR to the harness's golden/): %v", err)
	}
	if n := len(goldenObjects()); n != len(entries) {
		t.Fatalf("%d golden objects read as seeds, MANIFEST.tsv lists %d", n, len(entries))
	}
}
