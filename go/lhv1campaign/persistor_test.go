package lhv1campaign

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand"

	"github.com/lhv1/harness/go/hnswdump"
	"github.com/lhv1/harness/go/hnswdump/wire"
	"github.com/lhv1/harness/go/lhv1test"
)

// rawPersistor is a persistor of the test's own: Save frames the two
// streams (after shuffling the graph's nodes and neighbours when shuffle
// is set, as a map-order writer does), Load unframes and dumps the graph
// section through go/hnswdump, which, like coder/hnsw, checks no
// invariant. Its bugs are the mutants the audit must catch.
type rawPersistor struct {
	s       lhv1test.Store
	shuffle *rand.Rand
	bug     string // "", "swallow", "envelope-first"
}

var (
	errMissing   = errors.New("raw: index missing")
	errBadFormat = errors.New("raw: bad format")
)

func rawSubject(name string, shuffle *rand.Rand, bug string) Subject {
	return Subject{Name: name, NotFound: lhv1test.NotFoundWrapping(errNotFound),
		New: func(s lhv1test.Store) lhv1test.Persistor { return &rawPersistor{s: s, shuffle: shuffle, bug: bug} }}
}

var errNotFound = errors.New("raw store: not found")

func frame(env, graph []byte) []byte {
	b := binary.BigEndian.AppendUint32([]byte("LHV1"), uint32(len(env)))
	return append(append(b, env...), graph...)
}

func (p *rawPersistor) Save(ctx context.Context, idx lhv1test.Index) error {
	graph := idx.Graph
	if p.shuffle != nil {
		g, err := wire.Parse(graph)
		if err != nil {
			return err
		}
		for _, l := range g.Layers {
			p.shuffle.Shuffle(len(l.Nodes), func(i, j int) { l.Nodes[i], l.Nodes[j] = l.Nodes[j], l.Nodes[i] })
			for _, n := range l.Nodes {
				p.shuffle.Shuffle(len(n.Neighbors), func(i, j int) { n.Neighbors[i], n.Neighbors[j] = n.Neighbors[j], n.Neighbors[i] })
			}
		}
		graph = wire.Encode(g)
	}
	key := lhv1test.ObjectKey(idx.Name)
	switch p.bug {
	case "swallow":
		_ = p.s.Put(ctx, key, frame(idx.Envelope, graph))
		return nil
	case "envelope-first":
		if err := p.s.Put(ctx, key, frame(idx.Envelope, nil)); err != nil {
			return err
		}
	}
	if err := p.s.Put(ctx, key, frame(idx.Envelope, graph)); err != nil {
		return fmt.Errorf("put: %w", err)
	}
	return nil
}

func (p *rawPersistor) Load(ctx context.Context, name string) ([]byte, error) {
	b, err := p.s.Get(ctx, lhv1test.ObjectKey(name))
	switch {
	case errors.Is(err, errNotFound):
		return nil, fmt.Errorf("%w: %v", errMissing, err)
	case err != nil:
		return nil, err
	}
	if len(b) < 8 || !bytes.Equal(b[:4], []byte("LHV1")) || 8+uint64(binary.BigEndian.Uint32(b[4:])) > uint64(len(b)) {
		return nil, errBadFormat
	}
	n := 8 + binary.BigEndian.Uint32(b[4:])
	var e envelope
	if err := json.Unmarshal(b[8:n], &e); err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	var meta any
	if e.Metadata != nil {
		meta = e.Metadata
	}
	return hnswdump.DumpSection(hnswdump.Envelope{Version: e.Version, Name: e.Params.Name, Dimension: e.Params.Dimension,
		Distance: e.Params.Distance, M: e.Params.M, EfSearch: e.Params.EfSearch, Count: e.Count, Metadata: meta}, b[n:])
}

func (p *rawPersistor) IsMissing(err error) bool   { return errors.Is(err, errMissing) }
func (p *rawPersistor) IsBadFormat(err error) bool { return errors.Is(err, errBadFormat) }
