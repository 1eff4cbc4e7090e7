package model

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Behaviour of upstream vectord's persistor.go, written anew: one framed
// object per index, "LHV1" | envelope_len (u32 BE) | envelope | graph.

const (
	VectorPrefix = "_vectors/"
	FileSuffix   = ".lhv1"
)

var magic = [4]byte{'L', 'H', 'V', '1'}

// ErrKeyMissing: Load found no object for the name.
var ErrKeyMissing = errors.New("persistor: index file missing")

// ErrBadFormat: the object's framing is wrong.
var ErrBadFormat = errors.New("persistor: bad file format")

// Persistor saves and loads indexes through a Store.
type Persistor struct{ store Store }

func NewPersistor(s Store) *Persistor { return &Persistor{store: s} }

// FileKey is the object key of an index name.
func FileKey(name string) string { return VectorPrefix + name + FileSuffix }

func (p *Persistor) Save(ctx context.Context, idx *Index) error {
	var env, graph bytes.Buffer
	if err := idx.Encode(&env, &graph); err != nil {
		return fmt.Errorf("encode %q: %w", idx.Params.Name, err)
	}
	if err := p.store.Put(ctx, FileKey(idx.Params.Name), Frame(env.Bytes(), graph.Bytes())); err != nil {
		return fmt.Errorf("put: %w", err)
	}
	return nil
}

// Load: ErrKeyMissing only for the store's typed ErrKeyNotFound (errors.Is,
// never by matching an error's text); ErrBadFormat on framing.
func (p *Persistor) Load(ctx context.Context, name string) (*Index, error) {
	body, err := p.store.Get(ctx, FileKey(name))
	if err != nil {
		if errors.Is(err, ErrKeyNotFound) {
			return nil, fmt.Errorf("%w: %q", ErrKeyMissing, name)
		}
		return nil, fmt.Errorf("get %q: %w", name, err)
	}
	env, graph, err := Unframe(body)
	if err != nil {
		return nil, fmt.Errorf("unframe %q: %w", name, err)
	}
	idx, err := DecodeIndex(bytes.NewReader(env), bytes.NewReader(graph))
	if err != nil {
		return nil, fmt.Errorf("decode %q: %w", name, err)
	}
	return idx, nil
}

// Delete is idempotent on a missing object.
func (p *Persistor) Delete(ctx context.Context, name string) error {
	if err := p.store.Delete(ctx, FileKey(name)); err != nil {
		return fmt.Errorf("delete %q: %w", name, err)
	}
	return nil
}

// List returns the names of stored indexes, sorted bytewise.
func (p *Persistor) List(ctx context.Context) ([]string, error) {
	keys, err := p.store.List(ctx, VectorPrefix)
	if err != nil {
		return nil, fmt.Errorf("list: %w", err)
	}
	var names []string
	for _, k := range keys {
		if !strings.HasPrefix(k, VectorPrefix) || !strings.HasSuffix(k, FileSuffix) {
			continue
		}
		if n := strings.TrimSuffix(strings.TrimPrefix(k, VectorPrefix), FileSuffix); n != "" {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names, nil
}

// Frame lays out one object. Like upstream, it truncates an envelope length
// of 2^32 or more (the C encoder refuses instead).
func Frame(env, graph []byte) []byte {
	out := make([]byte, 0, 8+len(env)+len(graph))
	out = append(out, magic[:]...)
	out = binary.BigEndian.AppendUint32(out, uint32(len(env)))
	out = append(out, env...)
	return append(out, graph...)
}

// Unframe splits an object; every mismatch is ErrBadFormat.
func Unframe(body []byte) (env, graph []byte, err error) {
	if len(body) < 8 {
		return nil, nil, fmt.Errorf("%w: body too short (%d bytes)", ErrBadFormat, len(body))
	}
	if !bytes.Equal(body[:4], magic[:]) {
		return nil, nil, fmt.Errorf("%w: bad magic %q", ErrBadFormat, body[:4])
	}
	n := binary.BigEndian.Uint32(body[4:8])
	if int(n)+8 > len(body) {
		return nil, nil, fmt.Errorf("%w: envelope_len=%d exceeds body=%d", ErrBadFormat, n, len(body))
	}
	return body[8 : 8+n], body[8+n:], nil
}
