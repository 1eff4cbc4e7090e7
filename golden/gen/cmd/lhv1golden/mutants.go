package main

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
)

// mutants writes n objects derived from the goldens in `from` by a few
// random edits each (byte changes, deletions, insertions of JSON and varint
// fragments, flipped letter case), deterministic from seed. They feed the
// differential test of lhv1_predict_go against Go (harness/conformance).
func mutants(from, out string, n int, seed int64) error {
	paths, err := filepath.Glob(filepath.Join(from, "*.lhv1"))
	if err != nil {
		return err
	}
	sort.Strings(paths)
	var src [][]byte
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if len(b) <= 20000 {
			src = append(src, b)
		}
	}
	if len(src) == 0 {
		return fmt.Errorf("no objects in %s", from)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	inserts := [][]byte{[]byte(`"`), []byte(`\u`), []byte(`1e`), []byte(`.0`), []byte(`{`), []byte(`[`),
		{0x80}, []byte(`-`), []byte(`null`), []byte(`,"Version":2`), {0xff, 0xff, 0xff, 0xff, 0x0f}, {0x01}, []byte(`\u00`),
		// Go's key folding (FORMAT.md 4): U+017F and U+212A fold, U+0130 and U+0131 do not
		[]byte("ſ"), []byte(`\u017f`), []byte("\u212a"), []byte(`\u0130`), []byte("ı"), []byte(`\u0000`), []byte(`E0`)}
	r := rand.New(rand.NewSource(seed))
	for i := 0; i < n; i++ {
		b := append([]byte(nil), src[r.Intn(len(src))]...)
		for k := 1 + r.Intn(3); k > 0 && len(b) > 0; k-- {
			p := r.Intn(len(b))
			switch op := r.Float64(); {
			case op < 0.4:
				b[p] = byte(r.Intn(256))
			case op < 0.6:
				end := min(len(b), p+1+r.Intn(4))
				b = append(b[:p], b[end:]...)
			case op < 0.8:
				ins := inserts[r.Intn(len(inserts))]
				b = append(b[:p], append(append([]byte(nil), ins...), b[p:]...)...)
			default:
				if c := b[p] | 0x20; p > 8 && c >= 'a' && c <= 'z' {
					b[p] ^= 0x20
				}
			}
		}
		if err := os.WriteFile(filepath.Join(out, fmt.Sprintf("m%05d", i)), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}
