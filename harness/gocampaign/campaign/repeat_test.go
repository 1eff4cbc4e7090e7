package campaign

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	vectordcampaign "github.com/lhv1/harness/examples/vectord/campaign"
	"github.com/lhv1/harness/go/lhv1campaign"
	"github.com/lhv1/harness/go/lhv1test"
)

var writers = []lhv1campaign.Subject{goModel, vectordcampaign.Subject()}

// table is a run's table and its listed cases, everything but the time.
func table(t *testing.T, s lhv1campaign.Subject, o lhv1campaign.Options) string {
	t.Helper()
	res, err := lhv1campaign.Run(context.Background(), s, lhv1campaign.MemoryStores, o)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Passed {
		t.Fatalf("%s: checks failed: %v", s.Name, res.FailedChecks)
	}
	text := res.Markdown()
	for _, c := range res.Listed {
		text += fmt.Sprintf("%s | %s | %s | %s | %s | %s\n", c.Row, c.Fault, c.Where, c.Index, c.Outcome, c.Detail)
	}
	return text
}

// Two runs of the campaign over a persistor whose Save writes nodes and
// neighbours in Go map order (coder/hnsw's Export, through the Go model
// and examples/vectord) give one table, listed cases included: what Save
// wrote is stored in key order, and plans name places.
func TestRunsRepeat(t *testing.T) {
	o := small
	o.Sample = 4
	for _, s := range writers {
		t.Run(s.Name, func(t *testing.T) {
			if a, b := table(t, s, o), table(t, s, o); a != b {
				t.Fatalf("two runs, two tables:\n%s\n%s", a, b)
			}
		})
	}
}

// A SILENT-WRONG case of a Go-written object, kept as a replay file,
// replays to its outcome 10 times in a row: through the Go helper
// (lhv1test.Replay, the persistor's own Load), and, with LHV1_BIN, through
// `lhv1 campaign --replay` (liblhv1), which must print the same every time.
// LHV1_REPLAY_DIR keeps the files.
func TestSilentWrongReplays(t *testing.T) {
	for _, s := range writers {
		t.Run(s.Name, func(t *testing.T) {
			o := small
			o.Replays = t.TempDir()
			if dir := os.Getenv("LHV1_REPLAY_DIR"); dir != "" {
				o.Replays = filepath.Join(dir, slugName(s.Name))
			}
			res, err := lhv1campaign.Run(context.Background(), s, lhv1campaign.MemoryStores, o)
			if err != nil {
				t.Fatal(err)
			}
			var file string
			kinds := map[string]bool{}
			for _, c := range res.Listed {
				f, err := lhv1test.ReadReplay(filepath.Join(o.Replays, c.Replay))
				if err != nil {
					t.Fatal(err)
				}
				if c.Outcome != "SILENT-WRONG" || f.Resolved == "" {
					continue
				}
				fault, _ := lhv1test.ParseFault(f.Plan)
				if kinds[fault.Kind.String()] {
					continue // one of each kind
				}
				kinds[fault.Kind.String()] = true
				for i := 0; i < 10; i++ {
					r, err := lhv1test.Replay(context.Background(), f, s.New)
					if err != nil || !r.Reproduced || !r.Matches(f) || r.Detail != f.Detail {
						t.Fatalf("%s, replay %d: %+v %v; recorded %s %s", c.Replay, i, r, err, f.Outcome, f.Detail)
					}
				}
				t.Logf("%s (%s, %s): %s, 10 times", c.Replay, f.Plan, f.Where, f.Outcome)
				if file == "" && fault.Kind == lhv1test.GetBitFlip {
					file = filepath.Join(o.Replays, c.Replay)
				}
			}
			if !kinds["get-bit-flip"] || !kinds["put-torn-over-old"] {
				t.Fatalf("want a reproducible SILENT-WRONG bit flip and torn overwrite, have %v", kinds)
			}
			bin := os.Getenv("LHV1_BIN")
			if bin == "" {
				t.Log("LHV1_BIN not set: lhv1 campaign --replay not run")
				return
			}
			var first string
			for i := 0; i < 10; i++ {
				out, err := exec.Command(bin, "campaign", "--replay", file).CombinedOutput()
				if err != nil || (first != "" && string(out) != first) {
					t.Fatalf("lhv1 campaign --replay %s, run %d: %v\n%s\nfirst run:\n%s", file, i, err, out, first)
				}
				first = string(out)
			}
			t.Logf("lhv1 campaign --replay, 10 times:\n%s", first)
		})
	}
}

func slugName(s string) string {
	out := []byte(s)
	for i, c := range out {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			out[i] = '-'
		}
	}
	return string(out)
}
