// Package campaign puts vectord's Persistor under the fault campaign
// (go/lhv1campaign): Subject is the adapter, a few lines that build an
// Index from the campaign's two streams with vectord's own DecodeIndex,
// save it with Persistor.Save, and dump what Persistor.Load loaded.
package campaign

import (
	"bytes"
	"context"
	"errors"

	"github.com/lhv1/harness/go/lhv1campaign"
	"github.com/lhv1/harness/go/lhv1test"

	"github.com/lhv1/harness/examples/vectord"
	"github.com/lhv1/harness/examples/vectord/conformance"
	"github.com/lhv1/harness/examples/vectord/internal/storeclient"
)

// Subject is vectord's Persistor as the campaign drives it.
func Subject() lhv1campaign.Subject {
	return lhv1campaign.Subject{
		Name:     "examples/vectord",
		New:      func(s lhv1test.Store) lhv1test.Persistor { return persistor{vectord.NewPersistor(s)} },
		NotFound: lhv1test.NotFoundWrapping(storeclient.ErrKeyNotFound),
	}
}

type persistor struct{ p *vectord.Persistor }

func (p persistor) Save(ctx context.Context, ix lhv1test.Index) error {
	idx, err := vectord.DecodeIndex(bytes.NewReader(ix.Envelope), bytes.NewReader(ix.Graph))
	if err != nil {
		return err
	}
	return p.p.Save(ctx, idx)
}

func (p persistor) Load(ctx context.Context, name string) ([]byte, error) {
	idx, err := p.p.Load(ctx, name)
	if err != nil {
		return nil, err
	}
	return conformance.Dump(idx)
}

func (p persistor) List(ctx context.Context) ([]string, error)    { return p.p.List(ctx) }
func (p persistor) Delete(ctx context.Context, name string) error { return p.p.Delete(ctx, name) }

func (persistor) IsMissing(err error) bool   { return errors.Is(err, vectord.ErrKeyMissing) }
func (persistor) IsBadFormat(err error) bool { return errors.Is(err, vectord.ErrBadFormat) }
