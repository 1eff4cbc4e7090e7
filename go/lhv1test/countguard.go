package lhv1test

import (
	"context"
	"errors"
	"fmt"
)

// ErrCountBeyondInput is CountGuard's answer for an object it keeps from
// the loader.
var ErrCountBeyondInput = errors.New("graph count beyond the input: coder/hnsw Import would allocate it (a large one kills the process: fatal error: out of memory); not loaded")

// guardedCount: a count coder/hnsw's Import may allocate without
// endangering the process (at most a few hundred MiB); a negative count
// panics, which a caller can recover.
const guardedCount = 1 << 24

// CountGuard wraps a Store so that a Go loader behind it survives any
// object: a flipped or torn count can make coder/hnsw's Import allocate
// terabytes and die unrecoverably (fatal error: out of memory, which
// recover cannot catch). An object whose graph section declares a count
// above 2^24 that its remaining bytes cannot hold is answered with
// ErrCountBeyondInput instead: Import could only fail on it or kill the
// process. The fault campaign and Replay load through it.
func CountGuard(inner Store) Store { return countGuard{inner} }

type countGuard struct{ Store }

func (g countGuard) Get(ctx context.Context, key string) ([]byte, error) {
	b, err := g.Store.Get(ctx, key)
	if err != nil {
		return b, err
	}
	if n, guarded := Guarded(b); guarded {
		return nil, fmt.Errorf("%w: count %d", ErrCountBeyondInput, n)
	}
	return b, nil
}

// Guarded reports whether CountGuard keeps object from the loader, and
// the count that makes it.
func Guarded(object []byte) (count int64, guarded bool) {
	n, ok := CountBeyondInput(object)
	return n, ok && n > guardedCount
}
