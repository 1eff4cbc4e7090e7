package lhv1test

import (
	"bytes"
	"context"
	"fmt"
	"sync"
)

// SaveAudit wraps the Store a Persistor writes through and holds each
// Save to its contract: a Save that returns nil has written the object,
// with one Put. It counts the Puts each Save makes and reports
//
//   - a Save that returned nil while its last Put failed (an error
//     swallowed: the caller believes an object is stored that is not);
//   - a Save that returned nil without a Put;
//   - a Save that wrote more than once (an object written in parts is
//     torn in the store between its Puts: a crash there, or a reader
//     there, sees a part). A retry is not a second write: a Put of the
//     same key and the same body after a Put that failed.
//
// Run each Save through Save; Puts outside a Save pass through unaudited.
type SaveAudit struct {
	Store
	mu   sync.Mutex
	open bool
	puts []auditedPut
}

type auditedPut struct {
	key  string
	body []byte
	err  error
}

// SaveResult is one audited Save: its error, its Puts, and what broke the
// contract ("" when nothing did).
type SaveResult struct {
	Err     error
	Puts    int
	Problem string
}

// NewSaveAudit wraps inner.
func NewSaveAudit(inner Store) *SaveAudit { return &SaveAudit{Store: inner} }

func (a *SaveAudit) Put(ctx context.Context, key string, body []byte) error {
	err := a.Store.Put(ctx, key, body)
	a.mu.Lock()
	if a.open {
		a.puts = append(a.puts, auditedPut{key, bytes.Clone(body), err})
	}
	a.mu.Unlock()
	return err
}

// Save runs one Save (save calls your Persistor's Save) and audits it.
func (a *SaveAudit) Save(save func() error) SaveResult {
	a.mu.Lock()
	a.open, a.puts = true, nil
	a.mu.Unlock()
	err := save()
	a.mu.Lock()
	puts := a.puts
	a.open, a.puts = false, nil
	a.mu.Unlock()
	r := SaveResult{Err: err, Puts: len(puts)}
	writes := 0
	for i, p := range puts {
		retry := i > 0 && puts[i-1].err != nil && puts[i-1].key == p.key && bytes.Equal(puts[i-1].body, p.body)
		if !retry {
			writes++
		}
	}
	switch {
	case writes > 1:
		r.Problem = fmt.Sprintf("Save wrote %d times (Puts of %s)", writes, describePuts(puts))
	case err == nil && len(puts) == 0:
		r.Problem = "Save returned nil without a Put"
	case err == nil && puts[len(puts)-1].err != nil:
		r.Problem = fmt.Sprintf("Save returned nil while its Put failed: %v", puts[len(puts)-1].err)
	}
	return r
}

func describePuts(puts []auditedPut) string {
	var b bytes.Buffer
	for i, p := range puts {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %d B", p.key, len(p.body))
		if p.err != nil {
			b.WriteString(" (failed)")
		}
	}
	return b.String()
}
