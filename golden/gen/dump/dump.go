// Package dump prints a loaded index in the canonical dump of
// docs/FORMAT.md section 6, byte for byte as liblhv1's lhv1_index_dump.
// coder/hnsw keeps its layers unexported, so the graph is Exported into a
// buffer and walked with the wire package; sorting follows section 6.
package dump

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"unicode/utf8"

	"github.com/lhv1/harness/golden/gen/model"
	"github.com/lhv1/harness/golden/gen/wire"
)

// Index returns the dump of idx (as DecodeIndex left it).
func Index(idx *model.Index) ([]byte, error) {
	var graph bytes.Buffer
	if err := idx.Graph.Export(&graph); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	g, err := wire.Parse(graph.Bytes())
	if err != nil {
		return nil, fmt.Errorf("walk exported graph: %w", err)
	}
	var b bytes.Buffer
	b.WriteString("{\"dump\":\"lhv1\",\"dump_version\":1,\n\"envelope\":")
	if err := envelope(&b, idx); err != nil {
		return nil, err
	}
	fmt.Fprintf(&b, ",\n\"graph\":{\"version\":%d,\"m\":%d,\"ml\":\"%s\",\"ef_search\":%d,\"distance\":",
		g.Version, g.M, hex.EncodeToString(g.MlRaw[:]), g.EfSearch)
	key(&b, g.Distance)
	b.WriteString(",\"layers\":[")
	for i, l := range g.Layers {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("\n{\"nodes\":[")
		nodes := append([]wire.Node(nil), l.Nodes...)
		sort.SliceStable(nodes, func(a, c int) bool { return bytes.Compare(nodes[a].Key, nodes[c].Key) < 0 })
		for j, n := range nodes {
			if j > 0 {
				b.WriteString(",")
			}
			b.WriteString("\n{\"key\":")
			key(&b, n.Key)
			fmt.Fprintf(&b, ",\"vector\":\"%s\",\"neighbors\":[", hex.EncodeToString(n.Vec))
			nb := append([][]byte(nil), n.Neighbors...)
			sort.SliceStable(nb, func(a, c int) bool { return bytes.Compare(nb[a], nb[c]) < 0 })
			for k, s := range nb {
				if k > 0 {
					b.WriteString(",")
				}
				key(&b, s)
			}
			b.WriteString("]}")
		}
		b.WriteString("]}")
	}
	b.WriteString("]}}\n")
	return b.Bytes(), nil
}

// Envelope returns ENVELOPE of FORMAT.md section 6: what the loader read
// from the envelope (version, params, count, metadata); no graph needed.
func Envelope(idx *model.Index) ([]byte, error) {
	var b bytes.Buffer
	if err := envelope(&b, idx); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func envelope(b *bytes.Buffer, idx *model.Index) error {
	p := idx.Params
	fmt.Fprintf(b, "{\"version\":%d,\"params\":{\"name\":", idx.Version)
	str(b, []byte(p.Name))
	fmt.Fprintf(b, ",\"dimension\":%d,\"distance\":", p.Dimension)
	str(b, []byte(p.Distance))
	fmt.Fprintf(b, ",\"m\":%d,\"ef_search\":%d},\"count\":%d,\"metadata\":", p.M, p.EfSearch, idx.Count)
	if idx.Metadata == nil {
		b.WriteString("null")
	} else {
		m := make(map[string]any, len(idx.Metadata))
		for k, v := range idx.Metadata {
			if v == nil {
				m[k] = nil
			} else {
				m[k] = v
			}
		}
		if err := canon(b, m); err != nil {
			return err
		}
	}
	b.WriteString("}")
	return nil
}

// str is STR: '"' and '\\' escaped; bytes below 0x20, DEL and the
// characters terminals act on rather than show (invisible) as \uXXXX; all
// else as is.
func str(b *bytes.Buffer, s []byte) {
	b.WriteByte('"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x80 {
			r, n := utf8.DecodeRune(s[i:])
			if n > 1 && invisible(r) {
				fmt.Fprintf(b, "\\u%04x", r)
			} else {
				b.Write(s[i : i+n])
			}
			i += n
			continue
		}
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20 || c == 0x7f:
			fmt.Fprintf(b, "\\u%04x", c)
		default:
			b.WriteByte(c)
		}
		i++
	}
	b.WriteByte('"')
}

// invisible: C1 controls, U+061C, U+200E, U+200F, U+2028-U+202E,
// U+2066-U+2069 (FORMAT.md section 6, STR).
func invisible(r rune) bool {
	return (r >= 0x80 && r <= 0x9f) || r == 0x061c || r == 0x200e || r == 0x200f ||
		(r >= 0x2028 && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}

// key is KEY: STR for valid UTF-8, else {"hex":"..."}.
func key(b *bytes.Buffer, s []byte) {
	if utf8.Valid(s) {
		str(b, s)
		return
	}
	fmt.Fprintf(b, "{\"hex\":\"%s\"}", hex.EncodeToString(s))
}

// Number writes a metadata number as the dump does: integral with magnitude
// below 2^53 as an integer, any other as encoding/json writes a float64.
// cmd/floatfmt prints it for liblhv1's float-format conformance test.
func Number(b *bytes.Buffer, x float64) error {
	if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
		b.WriteString(strconv.FormatInt(int64(x), 10))
		return nil
	}
	enc, err := json.Marshal(x)
	if err != nil {
		return err
	}
	b.Write(enc)
	return nil
}

// canon writes canonical JSON: sorted members, no whitespace, integral
// numbers below 2^53 as integers, other numbers as encoding/json does.
func canon(b *bytes.Buffer, v any) error {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case string:
		str(b, []byte(x))
	case float64:
		return Number(b, x)
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := canon(b, e); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			str(b, []byte(k))
			b.WriteByte(':')
			if err := canon(b, x[k]); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	default:
		return fmt.Errorf("canonical JSON: unexpected %T", v)
	}
	return nil
}
