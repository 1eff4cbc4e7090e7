package lhv1test

import "context"

// Persistor is your persistor as the fault campaign (go/lhv1campaign) and
// Replay drive it: a few lines around the real one, made over the Store
// the harness gives it. Every write must go through your Save and every
// read through your Load; the harness sees their Puts and Gets, and only
// through this interface what they return.
type Persistor interface {
	// Save saves the index whose envelope and graph section are given,
	// through your Save: build your index from the two streams (your
	// DecodeIndex), then call Save with it.
	Save(ctx context.Context, idx Index) error
	// Load loads index name through your Load and returns the canonical
	// dump of what it loaded (docs/FORMAT.md 6; go/hnswdump writes it).
	Load(ctx context.Context, name string) (dump []byte, err error)
	// IsMissing reports whether a Load error says the index does not
	// exist (your ErrKeyMissing).
	IsMissing(err error) bool
}

// Index is an index to save, as the two streams your DecodeIndex reads.
type Index struct {
	Name     string
	Envelope []byte
	Graph    []byte
}

// Lister is a Persistor with your List (the names of the stored indexes);
// without it the harness lists _vectors/ through the store itself.
type Lister interface {
	List(ctx context.Context) ([]string, error)
}

// Deleter is a Persistor with your Delete; without it the harness deletes
// the object _vectors/<name>.lhv1 through the store itself.
type Deleter interface {
	Delete(ctx context.Context, name string) error
}

// FormatErrors is a Persistor whose Load tells a framing error apart (your
// ErrBadFormat); without it such an error counts as a decode error.
type FormatErrors interface {
	IsBadFormat(err error) bool
}

// ObjectKey is where an index lives in the store: _vectors/<name>.lhv1.
func ObjectKey(name string) string { return "_vectors/" + name + ".lhv1" }
