//go:build lhv1cgo

package loadpath

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/lhv1/harness/golden/gen/clhv1"
)

// TestReplay loads every file under the directories in LHV1_REPLAY_DIRS
// (colon-separated; skipped when unset), skipping what Go cannot survive as
// the fuzz tests do, and logs Go's crash classes: each distinct panic, and
// each kind of read liblhv1 predicts fatal (numbers replaced by N), with how
// many files. harness/fuzz/tools/go_encode_coverage.sh runs it with
// -coverpkg to measure what a corpus reaches of coder/hnsw's encode.go.
func TestReplay(t *testing.T) {
	dirs := os.Getenv("LHV1_REPLAY_DIRS")
	if dirs == "" {
		t.Skip("LHV1_REPLAY_DIRS not set")
	}
	n, skipped := 0, 0
	classes := map[string]int{}
	digits := regexp.MustCompile(`-?[0-9]+`)
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
			c := clhv1.Read(body)
			if c.Go == clhv1.GoFatal {
				classes["fatal (predicted, not run): "+digits.ReplaceAllString(c.Why, "N")]++
			}
			if c.Go == clhv1.GoFatal || c.Peak > peakBound {
				skipped++
				continue
			}
			if r := Load(body); r.Outcome == Panic {
				classes["panic: "+digits.ReplaceAllString(r.Message, "N")]++
			}
			n++
		}
	}
	t.Logf("replayed %d files, skipped %d", n, skipped)
	keys := make([]string, 0, len(classes))
	for k := range classes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Logf("%6d  %s", classes[k], k)
	}
}
