package lhv1test

import (
	"bytes"
	"context"
	"sort"
	"strings"
	"sync"
)

// MemStore is an in-memory Store: the inner store of a FaultStore when a
// test needs no real client.
type MemStore struct {
	mu       sync.Mutex
	m        map[string][]byte
	notFound func(key string) error
}

// NewMemStore makes an empty store. Get of a missing key returns
// notFound(key) when it is given (your client's typed not-found, e.g.
// NotFoundWrapping(storeclient.ErrKeyNotFound)), else an error wrapping
// ErrKeyNotFound.
func NewMemStore(notFound ...func(key string) error) *MemStore {
	s := &MemStore{m: map[string][]byte{}, notFound: defaultNotFound}
	if len(notFound) > 0 && notFound[0] != nil {
		s.notFound = notFound[0]
	}
	return s
}

func (s *MemStore) Put(_ context.Context, key string, body []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[key] = bytes.Clone(body)
	return nil
}

func (s *MemStore) Get(_ context.Context, key string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.m[key]
	if !ok {
		return nil, s.notFound(key)
	}
	return bytes.Clone(b), nil
}

func (s *MemStore) Delete(_ context.Context, key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, key)
	return nil
}

// List returns the keys under prefix, sorted bytewise (as S3 lists them).
func (s *MemStore) List(_ context.Context, prefix string) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var keys []string
	for k := range s.m {
		if strings.HasPrefix(k, prefix) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys, nil
}
