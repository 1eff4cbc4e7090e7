package campaign

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/lhv1/harness/go/lhv1campaign"
	"github.com/lhv1/harness/go/lhv1test"
)

// A place names the same byte in C as in Go, on objects as the Go model's
// Save writes them (coder/hnsw's map order, not key order): for places of
// every part of every workload object (each byte of the frame and graph
// header, the first byte of each key, vector, neighbour count and
// neighbour, every 29th byte), a bit flip and a torn write there are
// resolved by the Go FaultStore, written as replay files, and replayed by
// `lhv1 campaign --replay` (liblhv1's resolver), which must resolve them
// to the same numbers and bytes. Needs LHV1_BIN (ctest go_campaign_replay).
func TestPlacesResolveAlikeInC(t *testing.T) {
	bin := os.Getenv("LHV1_BIN")
	if bin == "" {
		t.Skip("LHV1_BIN not set (ctest go_campaign_replay sets it)")
	}
	ctx := context.Background()
	contents, err := lhv1campaign.Workload()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	files, shuffled := 0, 0
	for _, c := range contents {
		mem := lhv1test.NewMemStore(goModel.NotFound)
		if err := goModel.New(mem).Save(ctx, lhv1test.Index{Name: c.Index, Envelope: c.Envelope, Graph: c.Graph}); err != nil {
			t.Fatal(err)
		}
		body, _ := mem.Get(ctx, lhv1test.ObjectKey(c.Index))
		if !bytes.Equal(body, c.Object) {
			shuffled++
		}
		seen := map[string]bool{}
		for off := range c.Object {
			at := lhv1test.PlaceOf(c.Object, off)
			base := at
			base.Delta = 0
			if seen[base.String()] && off%29 != 0 {
				continue // each place once, and a stride of the bytes within
			}
			seen[base.String()] = true
			old := "old."
			if !at.Relative() {
				old = ""
			}
			for _, plan := range []string{
				fmt.Sprintf("get-bit-flip nth=0 bit=%s", bitPlace(at)),
				fmt.Sprintf("put-torn-over-old nth=1 cut=%s%s reply=200", old, at),
			} {
				if f := replayFileOf(t, plan, c, body); f != nil {
					if err := lhv1test.WriteReplay(filepath.Join(dir, fmt.Sprintf("%05d.json", files)), f); err != nil {
						t.Fatal(err)
					}
					files++
				}
			}
		}
	}
	if shuffled == 0 {
		t.Fatal("the Go model's Save wrote every object in key order: map order was not tested")
	}
	for i := 0; i < files; i += 500 {
		args := []string{"campaign", "--quiet"}
		for j := i; j < min(i+500, files); j++ {
			if j == i {
				args = append(args, "--replay")
			}
			args = append(args, filepath.Join(dir, fmt.Sprintf("%05d.json", j)))
		}
		if out, err := exec.Command(bin, args...).CombinedOutput(); err != nil || len(out) > 0 {
			t.Fatalf("lhv1 campaign --replay of files %d..: %v\n%.3000s", i, err, out)
		}
	}
	t.Logf("%d places in %d objects (%d in map order), resolved alike by Go and C", files, len(contents), shuffled)
}

// bitPlace is the place of a byte as a bit flip names it: its bits.
func bitPlace(at lhv1test.Offset) string {
	if !at.Relative() {
		return fmt.Sprint(at.Delta*8 + 5)
	}
	at.Delta = at.Delta*8 + 5
	return at.String()
}

// replayFileOf applies plan with a FaultStore to body (for a torn write:
// body written over itself) and keeps the effect as a replay file.
func replayFileOf(t *testing.T, plan string, c lhv1campaign.Content, body []byte) *lhv1test.ReplayFile {
	t.Helper()
	ctx := context.Background()
	f, err := lhv1test.ParseFault(plan)
	if err != nil {
		t.Fatal(err)
	}
	key := lhv1test.ObjectKey(c.Index)
	fs := lhv1test.NewFaultStore(lhv1test.NewMemStore(), lhv1test.Config{Plan: []lhv1test.Fault{f}, Record: true})
	if err := fs.Put(ctx, key, body); err != nil {
		t.Fatal(err)
	}
	if f.Kind == lhv1test.GetBitFlip {
		_, _ = fs.Get(ctx, key)
	} else {
		_ = fs.Put(ctx, key, body)
	}
	e := fs.Effects()
	if len(e) == 0 {
		return nil // a place the object lacks (an end-relative old cut past the body)
	}
	return &lhv1test.ReplayFile{Format: lhv1test.ReplayFormat, Persistor: "Go model", Index: c.Index, Plan: plan,
		Resolved: e[0].Fault.Absolute().String(), Before: e[0].Before, Written: e[0].Written, Ended: e[0].After,
		Outcome: "SILENT-WRONG", States: lhv1test.NewReplayStates([]lhv1test.KnownState{{Generation: c.Gen, Role: lhv1test.RoleAcked, Dump: c.Dump}})}
}
