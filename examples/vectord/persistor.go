// Package vectord is an example service persisting HNSW indexes the way
// the vector service vectord does: one framed object per index,
//
//	_vectors/<name>.lhv1 = "LHV1" | envelope length (uint32 BE) | envelope | graph
//
// with the envelope written by Index.Encode and the graph by coder/hnsw's
// Graph.Export. The persistor has vectord's behaviour (framing, Save, Load,
// List, Delete, the error mapping); the Index is the minimum it needs. It
// is what a team owning such a service puts under the LHV1 harness:
// conformance/ runs the goldens over its loader, cmd/testee serves it to
// `lhv1 conform`.
package vectord

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/lhv1/harness/examples/vectord/internal/storeclient"
)

// VectorPrefix is where index objects live in the store.
const VectorPrefix = "_vectors/"

const objectSuffix = ".lhv1"

var magic = []byte("LHV1")

// Store is what the persistor needs from the object store.
type Store interface {
	Put(ctx context.Context, key string, body []byte) error
	Get(ctx context.Context, key string) ([]byte, error)
	Delete(ctx context.Context, key string) error
	List(ctx context.Context, prefix string) ([]string, error)
}

// ErrKeyMissing: Load found no object for the index (the store said
// storeclient.ErrKeyNotFound, and only then).
var ErrKeyMissing = errors.New("persistor: index file missing")

// ErrBadFormat: the object is not framed as LHV1.
var ErrBadFormat = errors.New("persistor: bad file format")

// Persistor saves and loads indexes through a Store.
type Persistor struct{ store Store }

func NewPersistor(s Store) *Persistor { return &Persistor{store: s} }

// ObjectKey is the key an index is stored under.
func ObjectKey(name string) string { return VectorPrefix + name + objectSuffix }

// Save writes idx as one object: one Put, so no torn pair of objects.
func (p *Persistor) Save(ctx context.Context, idx *Index) error {
	var env, graph bytes.Buffer
	if err := idx.Encode(&env, &graph); err != nil {
		return fmt.Errorf("encode %q: %w", idx.params.Name, err)
	}
	if err := p.store.Put(ctx, ObjectKey(idx.params.Name), frame(env.Bytes(), graph.Bytes())); err != nil {
		return fmt.Errorf("put: %w", err)
	}
	return nil
}

// Load reads the index `name`: ErrKeyMissing when the store has no such
// object (by errors.Is on the store's typed error, never by its text),
// ErrBadFormat when the framing is wrong, else what DecodeIndex says.
func (p *Persistor) Load(ctx context.Context, name string) (*Index, error) {
	body, err := p.store.Get(ctx, ObjectKey(name))
	switch {
	case errors.Is(err, storeclient.ErrKeyNotFound):
		return nil, fmt.Errorf("%w: %q", ErrKeyMissing, name)
	case err != nil:
		return nil, fmt.Errorf("get %q: %w", name, err)
	}
	return decodeObject(name, body)
}

// Delete removes an index's object; deleting a missing one is not an error
// (the store's Delete is idempotent).
func (p *Persistor) Delete(ctx context.Context, name string) error {
	if err := p.store.Delete(ctx, ObjectKey(name)); err != nil {
		return fmt.Errorf("delete %q: %w", name, err)
	}
	return nil
}

// List returns the names of the stored indexes, sorted: keys under the
// prefix, with the suffix, naming something.
func (p *Persistor) List(ctx context.Context) ([]string, error) {
	keys, err := p.store.List(ctx, VectorPrefix)
	if err != nil {
		return nil, fmt.Errorf("list: %w", err)
	}
	names := make([]string, 0, len(keys))
	for _, k := range keys {
		rest, ok := strings.CutPrefix(k, VectorPrefix)
		if !ok {
			continue
		}
		if name, ok := strings.CutSuffix(rest, objectSuffix); ok && name != "" {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names, nil
}

// frame lays out an object. The length is a uint32: an envelope of 4 GiB
// or more would be cut (vectord's behaviour; no envelope comes near).
func frame(env, graph []byte) []byte {
	out := make([]byte, 8, 8+len(env)+len(graph))
	copy(out, magic)
	binary.BigEndian.PutUint32(out[4:], uint32(len(env)))
	out = append(out, env...)
	return append(out, graph...)
}

// unframe splits an object into envelope and graph; any framing fault is
// ErrBadFormat. An empty envelope or graph is left to DecodeIndex.
func unframe(body []byte) (env, graph []byte, err error) {
	if len(body) < 8 {
		return nil, nil, fmt.Errorf("%w: body too short (%d bytes)", ErrBadFormat, len(body))
	}
	if !bytes.Equal(body[:4], magic) {
		return nil, nil, fmt.Errorf("%w: bad magic %q", ErrBadFormat, body[:4])
	}
	n := binary.BigEndian.Uint32(body[4:8])
	if uint64(n)+8 > uint64(len(body)) {
		return nil, nil, fmt.Errorf("%w: envelope_len=%d exceeds body=%d", ErrBadFormat, n, len(body))
	}
	return body[8 : 8+n], body[8+n:], nil
}
