// Package dump prints a model.Index in the canonical dump of
// docs/FORMAT.md section 6 through the repository's one dumper,
// github.com/lhv1/harness/go/hnswdump.
package dump

import (
	"github.com/lhv1/harness/go/hnswdump"

	"github.com/lhv1/harness/golden/gen/model"
)

// Index returns the dump of idx (as DecodeIndex left it).
func Index(idx *model.Index) ([]byte, error) {
	return hnswdump.Dump(Envelope(idx), idx.Graph)
}

// EnvelopeDump returns ENVELOPE of FORMAT.md section 6: what the loader
// read from the envelope (version, params, count, metadata); no graph needed.
func EnvelopeDump(idx *model.Index) ([]byte, error) {
	return hnswdump.EnvelopeDump(Envelope(idx))
}

// Envelope is the envelope idx was loaded with, as hnswdump takes it.
func Envelope(idx *model.Index) hnswdump.Envelope {
	p := idx.Params
	return hnswdump.Envelope{Version: idx.Version, Name: p.Name, Dimension: p.Dimension,
		Distance: p.Distance, M: p.M, EfSearch: p.EfSearch, Count: idx.Count, Metadata: idx.Metadata}
}
