package main

import (
	"encoding/binary"
	"fmt"
	"math"
	"strings"

	"github.com/lhv1/harness/go/hnswdump/wire"
	"github.com/lhv1/harness/golden/gen/model"
)

// golden is one object with the verdict docs/FORMAT.md gives it. Its name
// follows JSONTestSuite: y_ must load, n_ must be rejected, i_ is where JSON
// parsers legitimately differ (the spec still decides its verdict). The
// object is loaded under the name between the prefix and ".lhv1".
type golden struct {
	File    string
	Verdict string
	Reason  string
	About   string
	Body    []byte
}

func objectName(file string) string {
	return strings.TrimSuffix(file[2:], ".lhv1")
}

func yes(name, about string, body []byte) golden {
	return golden{"y_" + name + ".lhv1", "ok", "none", about, body}
}

func no(name, reason, about string, body []byte) golden {
	return golden{"n_" + name + ".lhv1", verdictOf(reason), reason, about, body}
}

func impl(name, reason, about string, body []byte) golden {
	return golden{"i_" + name + ".lhv1", verdictOf(reason), reason, about, body}
}

// verdictOf is the class of a reason code (docs/FORMAT.md sections 2-5).
func verdictOf(reason string) string {
	switch {
	case reason == "none":
		return "ok"
	case strings.HasPrefix(reason, "frame-"):
		return "bad-format"
	case strings.HasPrefix(reason, "envelope-"),
		reason == "graph-truncated", reason == "graph-varint-overflow", reason == "graph-negative-count",
		reason == "graph-count-exceeds-input", reason == "graph-unknown-distance", reason == "graph-bad-version":
		return "decode-error"
	default:
		return "inconsistent"
	}
}

// envFor is b's envelope as the Go model writes it, under another name.
func envFor(b *base, name string) string {
	p := b.Params
	p.Name = name
	e, err := model.EncodeEnvelope(p, b.Count, b.Meta)
	if err != nil {
		panic(err)
	}
	return string(e)
}

// swap replaces the one occurrence of old; a miss is a generator bug.
func swap(s, old, new string) string {
	if strings.Count(s, old) != 1 {
		panic(fmt.Sprintf("edit %q: %d occurrences in %q", old, strings.Count(s, old), s))
	}
	return strings.Replace(s, old, new, 1)
}

// addField inserts raw members at the end of the top-level object.
func addField(env, raw string) string {
	return env[:len(env)-1] + "," + raw + "}"
}

func obj(env string, graph []byte) []byte { return model.Frame([]byte(env), graph) }

func graphOf(g *wire.Graph) []byte { return wire.Encode(g) }

func le32(f float32) []byte { return binary.LittleEndian.AppendUint32(nil, math.Float32bits(f)) }
