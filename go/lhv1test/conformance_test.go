package lhv1test

import (
	"errors"
	"strings"
	"testing"
)

const goldenDir = "../../golden"

// A loader that accepts everything must be caught on every golden Go
// rejected or panicked on, and only there; fatal goldens are skipped.
func TestRunGoldensCatchesAChangedLoader(t *testing.T) {
	results, err := RunGoldens(goldenDir, func(string, []byte) (any, error) { return nil, nil })
	if err != nil {
		t.Fatal(err)
	}
	var changed, skipped, wantChanged int
	for _, r := range results {
		if r.Skipped {
			skipped++
			if r.Want != Fatal {
				t.Errorf("%s skipped but Go recorded %s", r.File, r.Want)
			}
			continue
		}
		if r.Want != Ok {
			wantChanged++
		}
		if r.Changed() {
			changed++
			if r.Want == Ok {
				t.Errorf("%s: an accepting loader reported changed on an ok golden", r.File)
			}
		}
	}
	if changed == 0 || changed != wantChanged || skipped == 0 {
		t.Fatalf("changed %d of %d non-ok goldens, skipped %d", changed, wantChanged, skipped)
	}
}

// A panic in the loader is recovered and reported as a panic; the names
// given are the golden's without prefix and suffix.
func TestRunGoldensRecoversPanics(t *testing.T) {
	var names []string
	results, err := RunGoldens(goldenDir, func(name string, _ []byte) (any, error) {
		names = append(names, name)
		panic("boom " + name)
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		if !r.Skipped && (r.Got != Panic || r.GotMessage != "boom "+r.Name) {
			t.Fatalf("%s: %s %q", r.File, r.Got, r.GotMessage)
		}
	}
	for _, n := range names {
		if strings.HasPrefix(n, "y_") || strings.HasSuffix(n, ".lhv1") {
			t.Fatalf("name %q", n)
		}
	}
}

// A loader that does exactly what Go recorded (read back from the
// manifest) passes: the helper compares behaviours, not messages.
func TestRunGoldensPassesTheRecordedBehaviour(t *testing.T) {
	entries, err := ReadManifest(goldenDir)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Behaviour{}
	for _, e := range entries {
		want[GoldenName(e.File)] = e.Go
	}
	results, err := RunGoldens(goldenDir, func(name string, _ []byte) (any, error) {
		switch want[name] {
		case Error:
			return nil, errors.New("rejected")
		case Panic:
			panic("recorded panic")
		}
		return nil, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		if r.Changed() {
			t.Error(r)
		}
	}
}

func TestReadManifestRejectsUnknownBehaviour(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir+"/MANIFEST.tsv", "# header\nx.lhv1\t00\tok\t-\tmaybe\t-\t-\t-\n")
	if _, err := ReadManifest(dir); err == nil {
		t.Fatal("accepted go=maybe")
	}
}

func TestRunGoldensChecksTheBytes(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir+"/MANIFEST.tsv", "y_x.lhv1\t"+strings.Repeat("0", 64)+"\tok\t-\tok\t-\t-\t-\n")
	writeFile(t, dir+"/objects/y_x.lhv1", "LHV1")
	if _, err := RunGoldens(dir, func(string, []byte) (any, error) { return nil, nil }); err == nil || !strings.Contains(err.Error(), "sha256") {
		t.Fatalf("err = %v", err)
	}
}
