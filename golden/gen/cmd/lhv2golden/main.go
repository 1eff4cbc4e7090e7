// Command lhv2golden writes the LHV2 goldens (golden/lhv2/, docs/LHV2.md)
// with the Go reference's LHV2 writer and records what its reader does:
//
//	lhv2golden -from ../objects -out ../lhv2   # objects/, expected/, MANIFEST.tsv
//	lhv2golden -check FILE...                  # Go's LHV2 reader on each file
//
// The valid objects re-contain Go-written LHV1 goldens (coder/hnsw's bytes,
// unchanged); each n_ object is one storage fault applied to one of them.
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/lhv1/harness/golden/gen/dump"
	"github.com/lhv1/harness/golden/gen/lhv2"
	"github.com/lhv1/harness/golden/gen/model"
)

// The LHV1 goldens the valid LHV2 objects are made from.
var sources = []struct{ name, from, about string }{
	{"y_lhv2_dim_1", "y_dim_1", "one-dimensional vectors"},
	{"y_lhv2_empty", "y_empty", "an index with no nodes"},
	{"y_lhv2_euclidean", "y_euclidean", "euclidean distance"},
	{"y_lhv2_multi_layer", "y_multi_layer", "several layers"},
	{"y_lhv2_rich_metadata", "y_rich_metadata", "metadata of every JSON type"},
}

func flip(b []byte, at int, bit uint) []byte {
	c := append([]byte(nil), b...)
	c[at] ^= 1 << bit
	return c
}

// faults derives one n_ object per storage fault from a valid object v
// whose envelope is envLen bytes.
func faults(v []byte, envLen int) []struct {
	name, about, reason string
	body                []byte
} {
	graphAt := lhv2.HeaderLen + envLen
	bad := append([]byte("{\"version\":1,"), v[lhv2.HeaderLen+13:graphAt]...) // envelope cut
	badEnv, _ := lhv2.Frame(bad[:len(bad)-1], v[graphAt:len(v)-lhv2.TrailerLen])
	return []struct {
		name, about, reason string
		body                []byte
	}{
		{"n_lhv2_too_short", "23 bytes: shorter than header and trailer", "", v[:23]},
		{"n_lhv2_header_len_flip", "bit flip in graph_len", "", flip(v, 15, 0)},
		{"n_lhv2_header_crc_flip", "bit flip in the stored header CRC", "", flip(v, 17, 3)},
		{"n_lhv2_torn_prefix", "torn write: the first half of the object", "", v[:len(v)/2]},
		{"n_lhv2_trailing_byte", "one byte after the trailer", "", append(append([]byte(nil), v...), 0)},
		{"n_lhv2_envelope_flip", "bit flip inside the envelope", "", flip(v, lhv2.HeaderLen+envLen/2, 1)},
		{"n_lhv2_graph_flip", "bit flip inside the graph (a vector or a key)", "", flip(v, graphAt+(len(v)-graphAt)/2, 6)},
		{"n_lhv2_trailer_flip", "bit flip in the stored body CRC", "", flip(v, len(v)-2, 0)},
		{"n_lhv2_torn_over_old", "torn overwrite: the new object's first half over the old one's tail (same length, old tail from a bit-flipped older version)", "",
			append(append([]byte(nil), v[:len(v)/2]...), flip(v, len(v)/2+len(v)/4, 2)[len(v)/2:]...)},
		{"n_lhv2_valid_crc_bad_envelope", "a sound container around an envelope that is not JSON: the sections are still checked", "envelope-syntax", badEnv},
	}
}

// outcome is what Go's LHV2 reader does with body: "ok", "error" with
// the container reason ("-" when the sections failed to decode), or "panic".
// A panic in coder/hnsw's Import (a sound container around a damaged graph)
// is "panic", as lhv1golden -behaviour reports it, not the end of -check.
func outcome(body []byte) (goRes, reason, msg string, idx *model.Index) {
	defer func() {
		if r := recover(); r != nil {
			goRes, reason, msg, idx = "panic", "-", strings.ReplaceAll(fmt.Sprint(r), "\t", " "), nil
		}
	}()
	idx, err := lhv2.Load(body)
	if err == nil {
		return "ok", "-", "-", idx
	}
	r := lhv2.Reason(err)
	if r == "" {
		r = "-"
	}
	return "error", r, strings.ReplaceAll(err.Error(), "\t", " "), nil
}

func generate(from, out string) error {
	for _, d := range []string{"objects", "expected"} {
		if err := os.MkdirAll(filepath.Join(out, d), 0o755); err != nil {
			return err
		}
	}
	var man bytes.Buffer
	man.WriteString("# LHV2 goldens (docs/LHV2.md), written and read by the Go reference (lhv2golden).\n")
	man.WriteString("# file\tsha256\tverdict\treason\tgo\tgo_message\tdump\tabout\n")
	// verdict and reason: liblhv1's, from Go's reader: a container failure
	// is bad-format with the reader's reason; a section failure is declared
	// with its object (Go's DecodeIndex names no reason).
	write := func(name string, body []byte, about, sectionReason string) error {
		goRes, reason, msg, idx := outcome(body)
		verdict, dumpFile := "ok", "expected/"+name+".dump"
		switch {
		case goRes == "ok":
			reason = "none"
		case reason != "-":
			verdict, dumpFile = "bad-format", "-"
		default:
			verdict, reason, dumpFile = "decode-error", sectionReason, "-"
		}
		file := name + ".lhv2"
		if err := os.WriteFile(filepath.Join(out, "objects", file), body, 0o644); err != nil {
			return err
		}
		if idx != nil {
			d, err := dump.Index(idx)
			if err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(out, "expected", name+".dump"), d, 0o644); err != nil {
				return err
			}
		}
		sum := sha256.Sum256(body)
		fmt.Fprintf(&man, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", file, hex.EncodeToString(sum[:]),
			verdict, reason, goRes, msg, dumpFile, about)
		return nil
	}
	for _, s := range sources {
		old, err := os.ReadFile(filepath.Join(from, s.from+".lhv1"))
		if err != nil {
			return err
		}
		env, graph, err := model.Unframe(old)
		if err != nil {
			return fmt.Errorf("%s: %w", s.from, err)
		}
		v, err := lhv2.Frame(env, graph)
		if err != nil {
			return err
		}
		if err := write(s.name, v, s.about+" (from "+s.from+".lhv1)", ""); err != nil {
			return err
		}
		if s.name == "y_lhv2_multi_layer" {
			for _, f := range faults(v, len(env)) {
				if err := write(f.name, f.body, f.about, f.reason); err != nil {
					return err
				}
			}
		}
	}
	return os.WriteFile(filepath.Join(out, "MANIFEST.tsv"), man.Bytes(), 0o644)
}

func check(files []string) error {
	for _, f := range files {
		body, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		goRes, reason, msg, idx := outcome(body)
		d := []byte("-")
		if idx != nil {
			if d, err = dump.Index(idx); err != nil {
				return err
			}
		}
		sum := sha256.Sum256(d)
		fmt.Printf("%s\t%s\t%s\t%s\tdump-sha256=%s\n", f, goRes, reason, msg, hex.EncodeToString(sum[:]))
	}
	return nil
}

func main() {
	from := flag.String("from", "", "the LHV1 golden objects the valid LHV2 objects are made from")
	out := flag.String("out", "", "where to write objects/, expected/, MANIFEST.tsv")
	chk := flag.Bool("check", false, "print what Go's LHV2 reader does with each file argument")
	flag.Parse()
	var err error
	switch {
	case *chk:
		err = check(flag.Args())
	case *from != "" && *out != "":
		err = generate(*from, *out)
	default:
		flag.Usage()
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "lhv2golden:", err)
		os.Exit(1)
	}
}
