// Package lhv2 is the Go reference of LHV2, the checksummed successor of the
// LHV1 container (docs/LHV2.md): a 20-byte header (magic "LHV2",
// envelope_len u32 BE, graph_len u64 BE, CRC-32C of those 16 bytes), the two
// LHV1 sections unchanged, and a trailing CRC-32C of both sections. The
// reader checks the container before the sections reach DecodeIndex, and
// names each failure with liblhv1's reason code.
package lhv2

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"

	"github.com/lhv1/harness/golden/gen/model"
)

const (
	HeaderLen  = 20
	TrailerLen = 4
	Overhead   = HeaderLen + TrailerLen
)

var (
	magic      = []byte("LHV2")
	castagnoli = crc32.MakeTable(crc32.Castagnoli)
)

// Error is a container failure, with liblhv1's reason code.
type Error struct {
	Reason string
	Detail string
}

func (e *Error) Error() string { return "lhv2: " + e.Reason + ": " + e.Detail }

// ErrBadFormat is what every container failure wraps (upstream's sentinel).
var ErrBadFormat = model.ErrBadFormat

func (e *Error) Unwrap() error { return ErrBadFormat }

// Frame lays out one LHV2 object.
func Frame(env, graph []byte) ([]byte, error) {
	if uint64(len(env)) > 0xFFFFFFFF {
		return nil, fmt.Errorf("envelope of %d bytes does not fit the uint32 length", len(env))
	}
	out := make([]byte, 0, Overhead+len(env)+len(graph))
	out = append(out, magic...)
	out = binary.BigEndian.AppendUint32(out, uint32(len(env)))
	out = binary.BigEndian.AppendUint64(out, uint64(len(graph)))
	out = binary.BigEndian.AppendUint32(out, crc32.Checksum(out, castagnoli))
	out = append(out, env...)
	out = append(out, graph...)
	return binary.BigEndian.AppendUint32(out, crc32.Checksum(out[HeaderLen:], castagnoli)), nil
}

// Unframe checks the container in liblhv1's order (size, magic, header CRC,
// lengths, body CRC) and returns the two sections.
func Unframe(body []byte) (env, graph []byte, err error) {
	if len(body) < Overhead {
		return nil, nil, &Error{"lhv2-too-short", fmt.Sprintf("%d bytes", len(body))}
	}
	if !bytes.Equal(body[:4], magic) {
		return nil, nil, &Error{"frame-bad-magic", fmt.Sprintf("magic %q", body[:4])}
	}
	if got, want := crc32.Checksum(body[:16], castagnoli), binary.BigEndian.Uint32(body[16:20]); got != want {
		return nil, nil, &Error{"lhv2-header-checksum", fmt.Sprintf("crc %08x, stored %08x", got, want)}
	}
	envLen := uint64(binary.BigEndian.Uint32(body[4:8]))
	graphLen := binary.BigEndian.Uint64(body[8:16])
	if graphLen > uint64(len(body)) || envLen+graphLen+Overhead != uint64(len(body)) {
		return nil, nil, &Error{"lhv2-length-mismatch",
			fmt.Sprintf("%d + %d section bytes, object has %d", envLen, graphLen, len(body)-Overhead)}
	}
	sections := body[HeaderLen : uint64(len(body))-TrailerLen]
	if got, want := crc32.Checksum(sections, castagnoli), binary.BigEndian.Uint32(body[len(body)-TrailerLen:]); got != want {
		return nil, nil, &Error{"lhv2-body-checksum", fmt.Sprintf("crc %08x, stored %08x", got, want)}
	}
	return sections[:envLen], sections[envLen:], nil
}

// Load reads an LHV2 object as a successor of upstream's Load would: the
// container, then the model's DecodeIndex on the sections.
func Load(body []byte) (*model.Index, error) {
	env, graph, err := Unframe(body)
	if err != nil {
		return nil, err
	}
	return model.DecodeIndex(bytes.NewReader(env), bytes.NewReader(graph))
}

// Reason is the reason code of a Load error when it is a container failure.
func Reason(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Reason
	}
	return ""
}
