// Package storeclient stands for vectord's client of its object store
// (storaged): the typed not-found the persistor tests with errors.Is, and
// an in-memory store for tests and the conformance testee.
package storeclient

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
)

// ErrKeyNotFound is the store's typed "no such key".
var ErrKeyNotFound = errors.New("storeclient: key not found")

// Mem is an in-memory store with S3's semantics for what the persistor
// uses: Get of a missing key wraps ErrKeyNotFound, Delete is idempotent,
// List is sorted.
type Mem struct {
	mu      sync.Mutex
	objects map[string][]byte
}

func NewMem() *Mem { return &Mem{objects: map[string][]byte{}} }

func (m *Mem) Put(_ context.Context, key string, body []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.objects[key] = bytes.Clone(body)
	return nil
}

func (m *Mem) Get(_ context.Context, key string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.objects[key]
	if !ok {
		return nil, fmt.Errorf("get %q: %w", key, ErrKeyNotFound)
	}
	return bytes.Clone(b), nil
}

func (m *Mem) Delete(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.objects, key)
	return nil
}

func (m *Mem) List(_ context.Context, prefix string) ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var keys []string
	for k := range m.objects {
		if strings.HasPrefix(k, prefix) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys, nil
}
