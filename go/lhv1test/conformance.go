package lhv1test

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Behaviour is what a loader did with a golden, in the manifest's words.
type Behaviour string

const (
	Ok    Behaviour = "ok"
	Error Behaviour = "error"
	Panic Behaviour = "panic"
	// Fatal: Go's runtime died (out of memory) on the object. Such goldens
	// are not run in-process; they are reported as skipped.
	Fatal Behaviour = "fatal"
)

// Loader loads one object as index `name` (the golden's file name without
// its y_/n_/i_ prefix and .lhv1): for example your DecodeIndex over the
// unframed body, or Persistor.Load over a store holding it. Only the error
// (and a panic) is compared; the value is ignored.
type Loader func(name string, body []byte) (any, error)

// GoldenResult is one golden: what Go recorded against what the loader did.
type GoldenResult struct {
	File        string    // e.g. "n_frame_bad_magic.lhv1"
	Name        string    // the index name the loader was given
	Verdict     string    // the spec's verdict (ok, bad-format, ...)
	Reason      string    // the spec's reason code
	Want        Behaviour // what Go recorded
	WantMessage string    // Go's error or panic value ("-" if none)
	Got         Behaviour // what the loader did ("" when skipped)
	GotMessage  string
	Skipped     bool // Want is fatal: not run in-process
}

// Changed reports a run golden whose behaviour differs from Go's record.
func (r GoldenResult) Changed() bool { return !r.Skipped && r.Got != r.Want }

func (r GoldenResult) String() string {
	if r.Skipped {
		return fmt.Sprintf("%s: skipped (Go recorded %s: %s)", r.File, r.Want, r.WantMessage)
	}
	s := fmt.Sprintf("%s: got %s, Go recorded %s", r.File, r.Got, r.Want)
	if r.Got != Ok {
		s += fmt.Sprintf(" (got: %s)", r.GotMessage)
	}
	if r.Want != Ok {
		s += fmt.Sprintf(" (Go: %s)", r.WantMessage)
	}
	return s
}

// ManifestEntry is one row of golden/MANIFEST.tsv.
type ManifestEntry struct {
	File, SHA256, Verdict, Reason string
	Go                            Behaviour
	GoMessage, Dump, About        string
}

// ReadManifest reads dir/MANIFEST.tsv (dir is the golden directory, the
// one holding objects/).
func ReadManifest(dir string) ([]ManifestEntry, error) {
	f, err := os.Open(filepath.Join(dir, "MANIFEST.tsv"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []ManifestEntry
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		c := strings.Split(text, "\t")
		if len(c) != 8 {
			return nil, fmt.Errorf("MANIFEST.tsv line %d: %d columns, want 8", line, len(c))
		}
		b := Behaviour(c[4])
		if b != Ok && b != Error && b != Panic && b != Fatal {
			return nil, fmt.Errorf("MANIFEST.tsv line %d: unknown Go behaviour %q", line, c[4])
		}
		out = append(out, ManifestEntry{c[0], c[1], c[2], c[3], b, c[5], c[6], c[7]})
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, errors.New("MANIFEST.tsv lists no golden")
	}
	return out, nil
}

// GoldenName is the index name a golden is loaded under.
func GoldenName(file string) string {
	name := strings.TrimSuffix(file, ".lhv1")
	if len(name) > 2 && name[1] == '_' {
		name = name[2:]
	}
	return name
}

// RunGoldens runs load over every golden of dir and returns one result per
// manifest row. The error is for a golden that cannot be read or whose
// bytes are not the manifest's (sha256), not for a changed behaviour.
func RunGoldens(dir string, load Loader) ([]GoldenResult, error) {
	entries, err := ReadManifest(dir)
	if err != nil {
		return nil, err
	}
	out := make([]GoldenResult, 0, len(entries))
	for _, e := range entries {
		r := GoldenResult{File: e.File, Name: GoldenName(e.File), Verdict: e.Verdict,
			Reason: e.Reason, Want: e.Go, WantMessage: e.GoMessage}
		if e.Go == Fatal {
			r.Skipped = true
			out = append(out, r)
			continue
		}
		body, err := os.ReadFile(filepath.Join(dir, "objects", e.File))
		if err != nil {
			return nil, err
		}
		if sum := sha256.Sum256(body); hex.EncodeToString(sum[:]) != e.SHA256 {
			return nil, fmt.Errorf("%s: sha256 differs from MANIFEST.tsv", e.File)
		}
		r.Got, r.GotMessage = runOne(load, r.Name, body)
		out = append(out, r)
	}
	return out, nil
}

func runOne(load Loader, name string, body []byte) (b Behaviour, msg string) {
	defer func() {
		if v := recover(); v != nil {
			b, msg = Panic, fmt.Sprint(v)
		}
	}()
	if _, err := load(name, body); err != nil {
		return Error, err.Error()
	}
	return Ok, ""
}

// TestGoldens is the conformance test: one subtest per golden, failing when
// the loader does something other than what Go recorded (ok / error /
// panic). Goldens Go died on (fatal) are skipped with the recorded reason.
// dir is the golden directory (MANIFEST.tsv and objects/).
func TestGoldens(t *testing.T, dir string, load Loader) {
	t.Helper()
	results, err := RunGoldens(dir, load)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		t.Run(strings.TrimSuffix(r.File, ".lhv1"), func(t *testing.T) {
			switch {
			case r.Skipped:
				t.Skip(r.String())
			case r.Changed():
				t.Error(r.String())
			}
		})
	}
}
