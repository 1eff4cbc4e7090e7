// Package subjects holds the persistors the harness's own Go campaign
// runs beside a team's: the Go model of vectord's persistor
// (golden/gen/model), as lhv1campaign drives any Persistor.
package subjects

import (
	"bytes"
	"context"
	"errors"

	"github.com/lhv1/harness/go/lhv1campaign"
	"github.com/lhv1/harness/go/lhv1test"
	"github.com/lhv1/harness/golden/gen/dump"
	"github.com/lhv1/harness/golden/gen/model"
)

// Model is the Go model: model.Persistor over the campaign's store, its
// Save given the index model.DecodeIndex builds from the two streams, its
// Load dumped through golden/gen/dump.
func Model() lhv1campaign.Subject {
	return lhv1campaign.Subject{
		Name:     "Go model",
		New:      func(s lhv1test.Store) lhv1test.Persistor { return modelPersistor{model.NewPersistor(s)} },
		NotFound: lhv1test.NotFoundWrapping(model.ErrKeyNotFound),
	}
}

type modelPersistor struct{ p *model.Persistor }

func (m modelPersistor) Save(ctx context.Context, ix lhv1test.Index) error {
	idx, err := model.DecodeIndex(bytes.NewReader(ix.Envelope), bytes.NewReader(ix.Graph))
	if err != nil {
		return err
	}
	return m.p.Save(ctx, idx)
}

func (m modelPersistor) Load(ctx context.Context, name string) ([]byte, error) {
	idx, err := m.p.Load(ctx, name)
	if err != nil {
		return nil, err
	}
	return dump.Index(idx)
}

func (m modelPersistor) List(ctx context.Context) ([]string, error) { return m.p.List(ctx) }

func (m modelPersistor) Delete(ctx context.Context, name string) error { return m.p.Delete(ctx, name) }

func (modelPersistor) IsMissing(err error) bool   { return errors.Is(err, model.ErrKeyMissing) }
func (modelPersistor) IsBadFormat(err error) bool { return errors.Is(err, model.ErrBadFormat) }
