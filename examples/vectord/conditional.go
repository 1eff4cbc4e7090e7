package vectord

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/lhv1/harness/examples/vectord/internal/storeclient"
)

// VersionedStore is a Store whose writes can be conditional on the version
// the writer read: what keeps two writers of one index from silently
// overwriting each other.
type VersionedStore interface {
	Store
	// GetVersion is Get that also returns the object's ETag.
	GetVersion(ctx context.Context, key string) (body []byte, etag string, err error)
	// PutIf writes only if the object still has ETag *ifMatch, or, with
	// *ifMatch == "", only if there is none; a refusal wraps
	// storeclient.ErrPreconditionFailed. It returns the new ETag.
	PutIf(ctx context.Context, key string, body []byte, ifMatch *string) (etag string, err error)
}

// ErrConflict: the index changed in the store since this persistor last
// read or wrote it (or was created by someone else), so the Save was
// refused instead of overwriting their update. Load, reapply, Save again.
var ErrConflict = errors.New("persistor: index changed since it was read")

// ConflictError is the typed conflict a ConditionalPersistor's Save
// returns; errors.Is(err, ErrConflict) holds for it.
type ConflictError struct {
	Name string
	// ETag is the version the Save was conditional on ("" for a create).
	ETag string
	Err  error
}

func (e *ConflictError) Error() string {
	cond := "If-None-Match: *"
	if e.ETag != "" {
		cond = "If-Match: " + e.ETag
	}
	return fmt.Sprintf("save %q (%s): %v: %v", e.Name, cond, ErrConflict, e.Err)
}

func (e *ConflictError) Is(target error) bool { return target == ErrConflict }
func (e *ConflictError) Unwrap() error        { return e.Err }

// ConditionalPersistor is a Persistor whose Save writes with If-Match on
// the ETag of the version it last loaded or saved, and with
// If-None-Match: * when it has seen no version (the index was missing, or
// never loaded): a Save over someone else's update is a ConflictError,
// never a lost update. One ConditionalPersistor stands for one writer.
type ConditionalPersistor struct {
	*Persistor
	store VersionedStore
	mu    sync.Mutex
	etags map[string]string // index name -> ETag last seen; absent: create
}

func NewConditionalPersistor(s VersionedStore) *ConditionalPersistor {
	return &ConditionalPersistor{Persistor: NewPersistor(s), store: s, etags: map[string]string{}}
}

// Load is Persistor.Load, remembering the ETag of what it read (and that
// the index was missing, so that the next Save creates it).
func (p *ConditionalPersistor) Load(ctx context.Context, name string) (*Index, error) {
	body, etag, err := p.store.GetVersion(ctx, ObjectKey(name))
	switch {
	case errors.Is(err, storeclient.ErrKeyNotFound):
		p.remember(name, "")
		return nil, fmt.Errorf("%w: %q", ErrKeyMissing, name)
	case err != nil:
		return nil, fmt.Errorf("get %q: %w", name, err)
	}
	idx, err := decodeObject(name, body)
	if err != nil {
		return nil, err
	}
	p.remember(name, etag)
	return idx, nil
}

// Save writes idx only over the version this persistor last saw.
func (p *ConditionalPersistor) Save(ctx context.Context, idx *Index) error {
	name := idx.params.Name
	body, err := encodeObject(idx)
	if err != nil {
		return err
	}
	p.mu.Lock()
	etag := p.etags[name]
	p.mu.Unlock()
	newETag, err := p.store.PutIf(ctx, ObjectKey(name), body, &etag)
	if errors.Is(err, storeclient.ErrPreconditionFailed) {
		return &ConflictError{Name: name, ETag: etag, Err: err}
	}
	if err != nil {
		return fmt.Errorf("put: %w", err)
	}
	p.remember(name, newETag)
	return nil
}

func (p *ConditionalPersistor) remember(name, etag string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.etags[name] = etag
}

// encodeObject frames idx as its stored object, as Persistor.Save does
// (which keeps its own lines so that mutants/save-*.patch apply to it).
func encodeObject(idx *Index) ([]byte, error) {
	var env, graph bytes.Buffer
	if err := idx.Encode(&env, &graph); err != nil {
		return nil, fmt.Errorf("encode %q: %w", idx.params.Name, err)
	}
	return frame(env.Bytes(), graph.Bytes()), nil
}

// decodeObject unframes and decodes the stored object of index name.
func decodeObject(name string, body []byte) (*Index, error) {
	env, graph, err := unframe(body)
	if err != nil {
		return nil, fmt.Errorf("unframe %q: %w", name, err)
	}
	idx, err := DecodeIndex(bytes.NewReader(env), bytes.NewReader(graph))
	if err != nil {
		return nil, fmt.Errorf("decode %q: %w", name, err)
	}
	return idx, nil
}
