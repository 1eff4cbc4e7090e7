//go:build lhv1cgo

package loadpath

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"lhv1golden/clhv1"
)

// TestReplay loads every file under the directories in LHV1_REPLAY_DIRS
// (colon-separated; skipped when unset), skipping what Go cannot survive as
// the fuzz tests do. harness/fuzz/tools/go_encode_coverage.sh runs it with
// -coverpkg to measure what a corpus reaches of coder/hnsw's encode.go.
func TestReplay(t *testing.T) {
	dirs := os.Getenv("LHV1_REPLAY_DIRS")
	if dirs == "" {
		t.Skip("LHV1_REPLAY_DIRS not set")
	}
	n, skipped := 0, 0
	for _, dir := range strings.Split(dirs, ":") {
		files, err := filepath.Glob(filepath.Join(dir, "*"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			body, err := os.ReadFile(f)
			if err != nil {
				continue // a directory
			}
			if c := clhv1.Read(body); c.Go == clhv1.GoFatal || c.Peak > peakBound {
				skipped++
				continue
			}
			Load(body)
			n++
		}
	}
	t.Logf("replayed %d files, skipped %d", n, skipped)
}
