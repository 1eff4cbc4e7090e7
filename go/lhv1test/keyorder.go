package lhv1test

import (
	"context"
	"slices"
)

// KeyOrder wraps a Store so that every LHV1 object Put through it is
// stored with its map-ordered lists in bytewise key order: the nodes of
// each layer, and the neighbours of each node. coder/hnsw's Export writes
// both in Go map order, a different order on every Save; the object
// stored here is the same object (Import fills maps: every reader loads
// the same index) laid out as liblhv1's own encoder lays it out, the same
// bytes on every run. Put a FaultStore under it, and a planned cut or bit
// lands on the same field every run: the campaign's tables repeat. Only
// the order changes: every record keeps its bytes (varints as written,
// duplicates in their order, trailing bytes), and a body that is not an
// LHV1 object whose graph section walks is stored as given.
func KeyOrder(inner Store) Store { return keyOrderStore{inner} }

type keyOrderStore struct{ Store }

func (s keyOrderStore) Put(ctx context.Context, key string, body []byte) error {
	return s.Store.Put(ctx, key, InKeyOrder(body))
}

// InKeyOrder is body laid out as KeyOrder stores it (body itself when it
// is no LHV1 object whose graph section walks, or is in key order already).
func InKeyOrder(body []byte) []byte {
	l, err := parseLayout(body)
	if err != nil || l.graphErr != nil {
		return body
	}
	out := make([]byte, 0, len(body))
	first := l.trailing
	if len(l.layers) > 0 {
		first = l.layers[0].at
	}
	out = append(out, body[:first]...)
	for _, ly := range l.layers {
		out = append(out, body[ly.at:ly.nodesAt]...)
		for _, i := range keyOrder(len(ly.nodes), func(j int) []byte { return ly.nodes[j].key }) {
			nd := ly.nodes[i]
			out = append(out, body[nd.at:nd.nbrsAt]...)
			for _, k := range keyOrder(len(nd.nbrs), func(j int) []byte { return nd.nbrs[j].key }) {
				out = append(out, body[nd.nbrs[k].at:nd.nbrs[k].end]...)
			}
		}
	}
	out = append(out, body[l.trailing:]...)
	if slices.Equal(out, body) {
		return body
	}
	return out
}
