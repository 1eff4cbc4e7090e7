package lhv1test

import (
	"errors"
	"strings"
	"testing"
)

const goldenDir = "../../golden"

// failingGoldens are the golden/<file> cases that fail.
func failingGoldens(results []GoldenResult) map[string]string {
	out := map[string]string{}
	for _, r := range results {
		for _, c := range r.Cases() {
			if c.Failed && !strings.Contains(c.Name[len("golden/"):], "/") {
				out[strings.TrimPrefix(c.Name, "golden/")] = c.Message
			}
		}
	}
	return out
}

// A loader that accepts everything passes where the spec says ok, and
// where it rejects but Go loads too (inconsistent objects: as lenient as
// Go); it fails every other golden, saying what spec and Go did. Fatal
// goldens are skipped.
func TestRunGoldensCatchesAnAcceptingLoader(t *testing.T) {
	results, err := RunGoldens(goldenDir, func(string, []byte) (any, error) { return nil, nil })
	if err != nil {
		t.Fatal(err)
	}
	failing, skipped := failingGoldens(results), 0
	for _, r := range results {
		if r.Skipped {
			skipped++
			if r.Want != Fatal {
				t.Errorf("%s skipped but Go recorded %s", r.File, r.Want)
			}
			continue
		}
		msg, fails := failing[r.File]
		if want := r.Verdict != "ok" && r.Want != Ok; fails != want {
			t.Errorf("%s (spec %s, Go %s): fails %v, want %v", r.File, r.Verdict, r.Want, fails, want)
		}
		if fails && msg != "testee ok; spec "+r.Verdict+" "+r.Reason+", Go "+string(r.Want) {
			t.Errorf("%s: %q", r.File, msg)
		}
	}
	if len(failing) == 0 || skipped == 0 {
		t.Fatalf("%d failing, %d skipped", len(failing), skipped)
	}
}

// A panic in the loader is recovered and reported as a panic, and fails
// its golden even where Go panicked too; the names given are the golden's
// without prefix and suffix.
func TestRunGoldensRecoversPanics(t *testing.T) {
	var names []string
	results, err := RunGoldens(goldenDir, func(name string, _ []byte) (any, error) {
		names = append(names, name)
		panic("boom " + name)
	})
	if err != nil {
		t.Fatal(err)
	}
	failing := failingGoldens(results)
	for _, r := range results {
		if r.Skipped {
			continue
		}
		if r.Got != Panic || r.GotMessage != "boom "+r.Name {
			t.Fatalf("%s: %s %q", r.File, r.Got, r.GotMessage)
		}
		if _, fails := failing[r.File]; !fails {
			t.Errorf("%s: a panic passed", r.File)
		}
	}
	for _, n := range names {
		if strings.HasPrefix(n, "y_") || strings.HasSuffix(n, ".lhv1") {
			t.Fatalf("name %q", n)
		}
	}
}

// A loader that does what the spec says (loads what it calls ok, refuses
// the rest) passes every golden, whatever Go recorded; one that does what
// Go recorded passes all but the goldens Go panicked on.
func TestRunGoldensJudgesAgainstSpecAndGo(t *testing.T) {
	byName := goldensByName(t)
	spec := func(name string, _ []byte) (any, error) {
		if byName[name].Verdict != "ok" {
			return nil, errors.New("rejected")
		}
		return nil, nil
	}
	results, err := RunGoldens(goldenDir, spec)
	if err != nil {
		t.Fatal(err)
	}
	if f := failingGoldens(results); len(f) != 0 {
		t.Errorf("a loader doing what the spec says fails %v", f)
	}
	asGo := func(name string, _ []byte) (any, error) {
		switch byName[name].Go {
		case Error:
			return nil, errors.New("rejected")
		case Panic:
			panic("recorded panic")
		}
		return nil, nil
	}
	if results, err = RunGoldens(goldenDir, asGo); err != nil {
		t.Fatal(err)
	}
	failing := failingGoldens(results)
	for _, r := range results {
		if _, fails := failing[r.File]; fails != (r.Want == Panic) {
			t.Errorf("%s (Go %s): a loader doing what Go recorded fails %v", r.File, r.Want, fails)
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
