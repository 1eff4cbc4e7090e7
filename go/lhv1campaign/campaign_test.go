package lhv1campaign

import (
	"context"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lhv1/harness/go/lhv1test"
)

// small is a test's size: every row, one offset class in 12, few mixes.
var small = Options{Seed: 1, Sample: 0, Mix: 8, Thin: 12, Client: "memory"}

func TestCampaignOverAPersistor(t *testing.T) {
	res, err := Run(context.Background(), rawSubject("raw", nil, ""), MemoryStores, small)
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + res.Markdown())
	if !res.Passed {
		t.Fatalf("checks failed: %v", res.FailedChecks)
	}
}

// The self-check: with nothing injected the campaign must fail.
func TestCampaignFailsWhenNothingIsInjected(t *testing.T) {
	o := small
	o.NoInject = true
	res, err := Run(context.Background(), rawSubject("raw", nil, ""), MemoryStores, o)
	if err != nil {
		t.Fatal(err)
	}
	if res.Passed || len(res.FailedChecks) < 10 {
		t.Fatalf("passed without faults: %v", res.FailedChecks)
	}
}

// A Save that swallows its Put's error and one that writes the envelope
// first and the whole object second each fail the campaign, named.
func TestBrokenSavesFailTheCampaign(t *testing.T) {
	for bug, want := range map[string]string{
		"swallow":        "returned nil while its Put failed",
		"envelope-first": "Save wrote 2 times",
	} {
		t.Run(bug, func(t *testing.T) {
			res, err := Run(context.Background(), rawSubject("raw "+bug, nil, bug), MemoryStores, small)
			if err != nil {
				t.Fatal(err)
			}
			text := strings.Join(res.FailedChecks, "\n")
			for _, c := range res.Listed {
				text += "\n" + c.BadSave
			}
			if res.Passed || !strings.Contains(text, want) {
				t.Fatalf("passed or not named (%q): %s", want, text)
			}
		})
	}
}

// Two runs over a writer that lays nodes out in a different order every
// time give one table: what Save wrote is stored in key order, and plans
// name places. (With MapOrder, writers seeded differently give different
// tables: that is what the key order removes.)
func TestTablesRepeatWhateverTheWriterOrder(t *testing.T) {
	table := func(seed int64, mapOrder bool) string {
		o := small
		o.MapOrder = mapOrder
		res, err := Run(context.Background(), rawSubject("shuffling", rand.New(rand.NewSource(seed)), ""), MemoryStores, o)
		if err != nil {
			t.Fatal(err)
		}
		if !res.Passed {
			t.Fatalf("checks failed: %v", res.FailedChecks)
		}
		res.Seconds = 0
		return res.Markdown()
	}
	if a, b := table(1, false), table(2, false); a != b {
		t.Fatalf("two writer orders, two tables:\n%s\n%s", a, b)
	}
	if a, b := table(1, true), table(2, true); a == b {
		t.Fatal("in map order two writer orders gave one table: the shuffle did not reach the store, nothing was shown")
	}
}

// Every listed case becomes a replay file, and a SILENT-WRONG one from a
// shuffling writer replays to its outcome again and again.
func TestListedCasesReplay(t *testing.T) {
	o := small
	o.Replays = t.TempDir()
	s := rawSubject("shuffling", rand.New(rand.NewSource(3)), "")
	res, err := Run(context.Background(), s, MemoryStores, o)
	if err != nil {
		t.Fatal(err)
	}
	replayed := 0
	for _, c := range res.Listed {
		if c.Replay == "" {
			t.Fatalf("%s %s: no replay file", c.Row, c.Where)
		}
		f, err := lhv1test.ReadReplay(filepath.Join(o.Replays, c.Replay))
		if err != nil {
			t.Fatal(err)
		}
		if c.Outcome != "SILENT-WRONG" || f.Resolved == "" {
			continue
		}
		for i := 0; i < 10; i++ {
			r, err := lhv1test.Replay(context.Background(), f, s.New)
			if err != nil || !r.Reproduced || !r.Matches(f) {
				t.Fatalf("%s, replay %d: %+v %v", c.Replay, i, r, err)
			}
		}
		replayed++
	}
	if replayed == 0 {
		t.Fatalf("no reproducible SILENT-WRONG case among %d listed", len(res.Listed))
	}
	entries, _ := os.ReadDir(o.Replays)
	t.Logf("%d replay files, %d SILENT-WRONG cases replayed 10 times each", len(entries), replayed)
}
