package lhv1test

import (
	"errors"
	"fmt"
)

// NotFoundWrapping is the not-found builder for a team whose Persistor
// tests errors.Is(err, sentinel) (upstream: storeclient.ErrKeyNotFound).
// Give the one function to every harness store that can miss a key:
// NewMemStore, Config.NotFound, and the S3 stores' Options.NotFound
// (go/s3stores); each then answers a missing key with an error that wraps
// sentinel and names the key.
func NotFoundWrapping(sentinel error) func(key string) error {
	return func(key string) error { return &keyNotFoundError{key: key, sentinel: sentinel} }
}

type keyNotFoundError struct {
	key      string
	sentinel error
}

func (e *keyNotFoundError) Error() string { return fmt.Sprintf("%v: %q", e.sentinel, e.key) }
func (e *keyNotFoundError) Unwrap() error { return e.sentinel }

// defaultNotFound wraps ErrKeyNotFound, the harness's own sentinel.
var defaultNotFound = NotFoundWrapping(ErrKeyNotFound)

// sentinelOf is the sentinel a NotFoundWrapping builder wraps, nil for any
// other builder.
func sentinelOf(notFound func(key string) error) error {
	var k *keyNotFoundError
	if errors.As(notFound(""), &k) {
		return k.sentinel
	}
	return nil
}
