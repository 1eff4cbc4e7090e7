// Package lhv1test puts the LHV1 fault store and the LHV1 goldens into a Go
// team's own `go test`: FaultStore wraps the Store your Persistor uses and
// injects the storage faults of docs/FAULTS.md from a plan or a seed;
// TestGoldens runs your loader over every golden and fails when it no
// longer does what Go recorded, when what it loaded dumps differently from
// golden/expected, or when the loaded index does not search and add, unless
// your failure list names the case; ServeTestee serves the same loader (and
// your writer) to `lhv1 conform` over stdin and stdout. It uses the
// standard library only; go/hnswdump dumps a coder/hnsw graph.
package lhv1test

import (
	"context"
	"errors"
	"fmt"
)

// Store is the shape of upstream vectord's persistor Store: any type with
// these four methods can be wrapped.
type Store interface {
	Put(ctx context.Context, key string, body []byte) error
	Get(ctx context.Context, key string) ([]byte, error)
	Delete(ctx context.Context, key string) error
	List(ctx context.Context, prefix string) ([]string, error)
}

// ErrKeyNotFound is the harness's own typed "no such key", for stores
// given none of yours (the role of upstream's storeclient.ErrKeyNotFound).
// NewMemStore, Config.NotFound and the S3 stores take your client's instead
// (NotFoundWrapping).
var ErrKeyNotFound = errors.New("store: key not found")

// StatusError is an injected server failure: what a store client returns
// for a 5xx. Its text may say "key not found" (get-fail-key-not-found-body)
// and it is still not a typed not-found.
type StatusError struct {
	Status int
	Body   string
}

func (e *StatusError) Error() string { return fmt.Sprintf("store: status %d: %s", e.Status, e.Body) }
