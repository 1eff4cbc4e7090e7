package lhv1serve

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"net/http"
	"testing"
	"time"
)

// The fault rules reach the operations built from several store
// operations: DeleteObjects is a delete per key, CopyObject a get of its
// source and a put of its destination, ListObjectVersions a list
// (docs/FAULTS.md, "Rules").

// tryDo is do that returns the transport error instead of failing.
func tryDo(s *Server, method, path string, body []byte, hdr ...string) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, s.Endpoint+path, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	_, err = b.ReadFrom(resp.Body)
	return resp.StatusCode, b.Bytes(), err
}

// faulted starts a server with bucket bkt holding the given objects and
// the rules armed after they were written.
func faulted(t *testing.T, objects map[string]string, rules ...Rule) *Server {
	t.Helper()
	s := Start(t, Options{})
	mustDo(t, s, 200, "PUT", "/bkt", nil)
	for k, v := range objects {
		mustDo(t, s, 200, "PUT", "/bkt/"+k, []byte(v))
	}
	if len(rules) > 0 {
		if err := s.Admin.AddRules(ctx, rules...); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func stored(t *testing.T, s *Server, key string, want string) {
	t.Helper()
	resp, b := do(t, s, "GET", "/bkt/"+key, nil)
	switch {
	case want == "" && resp.StatusCode != 404:
		t.Errorf("%s: %d %q, want it gone", key, resp.StatusCode, b)
	case want != "" && (resp.StatusCode != 200 || string(b) != want):
		t.Errorf("%s: %d %q, want %q", key, resp.StatusCode, b, want)
	}
}

func multiDelete(t *testing.T, s *Server, keys ...string) (int, []byte) {
	t.Helper()
	doc := deleteDoc(keys...)
	resp, b := do(t, s, "POST", "/bkt?delete", doc, "Content-MD5", contentMD5(doc))
	return resp.StatusCode, b
}

func TestDeleteObjectsFaults(t *testing.T) {
	abc := map[string]string{"a": "A", "b": "B", "c": "C"}
	t.Run("503 on a key answers the request", func(t *testing.T) {
		s := faulted(t, abc, Rule{Kind: "http-slowdown", Op: "delete", Key: "bkt/b"})
		code, b := multiDelete(t, s, "a", "b", "c")
		if code != 503 || !bytes.Contains(b, []byte("SlowDown")) {
			t.Fatalf("DeleteObjects: %d %s, want 503 SlowDown", code, b)
		}
		stored(t, s, "a", "") // before the fault: done
		stored(t, s, "b", "B")
		stored(t, s, "c", "C") // after it: not reached
	})
	t.Run("a store failure is the key's Error", func(t *testing.T) {
		s := faulted(t, abc, Rule{Kind: "del-fail-before", Key: "bkt/b"})
		code, b := multiDelete(t, s, "a", "b", "c")
		if code != 200 || !bytes.Contains(b, []byte("<Error><Key>b</Key><Code>SlowDown</Code>")) ||
			bytes.Contains(b, []byte("<Deleted><Key>b</Key>")) {
			t.Fatalf("DeleteObjects: %d %s, want b's Error SlowDown", code, b)
		}
		stored(t, s, "a", "")
		stored(t, s, "b", "B")
		stored(t, s, "c", "")
	})
	t.Run("a lost delete is reported deleted", func(t *testing.T) {
		s := faulted(t, abc, Rule{Kind: "del-lost", Key: "bkt/a"})
		code, b := multiDelete(t, s, "a")
		if code != 200 || !bytes.Contains(b, []byte("<Deleted><Key>a</Key>")) {
			t.Fatalf("DeleteObjects: %d %s", code, b)
		}
		stored(t, s, "a", "A")
	})
}

func copyTo(s *Server, dst, src string) (int, []byte, error) {
	return tryDo(s, "PUT", "/bkt/"+dst, nil, "x-amz-copy-source", "/bkt/"+src)
}

func TestCopyObjectFaults(t *testing.T) {
	src := map[string]string{"src": "source body", "dst": "old"}
	t.Run("reset before the write", func(t *testing.T) {
		s := faulted(t, src, Rule{Kind: "http-reset", Op: "put", Key: "bkt/dst"})
		if code, b, err := copyTo(s, "dst", "src"); err == nil {
			t.Fatalf("CopyObject answered %d %s, want the connection reset", code, b)
		}
		stored(t, s, "dst", "old")
	})
	t.Run("reset after the write", func(t *testing.T) {
		s := faulted(t, src, Rule{Kind: "http-reset", Op: "put", Key: "bkt/dst", Done: true})
		if code, b, err := copyTo(s, "dst", "src"); err == nil {
			t.Fatalf("CopyObject answered %d %s, want the connection reset", code, b)
		}
		stored(t, s, "dst", "source body")
	})
	t.Run("503 on the source read", func(t *testing.T) {
		s := faulted(t, src, Rule{Kind: "http-slowdown", Op: "get", Key: "bkt/src"})
		if code, b, err := copyTo(s, "dst", "src"); err != nil || code != 503 {
			t.Fatalf("CopyObject: %d %s %v, want 503", code, b, err)
		}
		stored(t, s, "dst", "old")
	})
	t.Run("delay", func(t *testing.T) {
		const delay = 300 * time.Millisecond
		s := faulted(t, src, Rule{Kind: "http-delay", Op: "get", Key: "bkt/src", DelayMS: uint64(delay / time.Millisecond)})
		start := time.Now()
		if code, b, err := copyTo(s, "dst", "src"); err != nil || code != 200 {
			t.Fatalf("CopyObject: %d %s %v", code, b, err)
		}
		// A lower bound only: load can make it later, never sooner.
		if el := time.Since(start); el < delay {
			t.Errorf("CopyObject answered after %v, the rule delays it %v", el, delay)
		}
		if n, err := s.Admin.Fired(ctx, "http-delay"); n != 1 || err != nil {
			t.Errorf("http-delay fired %d times (%v), want once", n, err)
		}
		stored(t, s, "dst", "source body")
	})
	t.Run("stale read of the source is what is copied", func(t *testing.T) {
		s := faulted(t, map[string]string{"src": "v1"})
		mustDo(t, s, 200, "PUT", "/bkt/src", []byte("v2"))
		if err := s.Admin.AddRules(ctx, Rule{Kind: "get-stale", Key: "bkt/src", Lag: 1}); err != nil {
			t.Fatal(err)
		}
		code, b, err := copyTo(s, "dst", "src")
		v1 := md5.Sum([]byte("v1"))
		if err != nil || code != 200 || !bytes.Contains(b, []byte(hex.EncodeToString(v1[:]))) {
			t.Fatalf("CopyObject: %d %s %v, want v1's ETag", code, b, err)
		}
		stored(t, s, "dst", "v1")
	})
	t.Run("stale read after the copy", func(t *testing.T) {
		s := faulted(t, src)
		if code, b, err := copyTo(s, "dst", "src"); err != nil || code != 200 {
			t.Fatalf("CopyObject: %d %s %v", code, b, err)
		}
		if err := s.Admin.AddRules(ctx, Rule{Kind: "get-stale", Key: "bkt/dst", Lag: 1}); err != nil {
			t.Fatal(err)
		}
		stored(t, s, "dst", "old")
	})
	t.Run("torn write of the destination", func(t *testing.T) {
		s := faulted(t, src, Rule{Kind: "put-torn-prefix", Key: "bkt/dst", Cut: 3, Reply: 200})
		if code, b, err := copyTo(s, "dst", "src"); err != nil || code != 200 {
			t.Fatalf("CopyObject: %d %s %v", code, b, err)
		}
		stored(t, s, "dst", "sou")
	})
}

func TestListObjectVersionsFaults(t *testing.T) {
	s := faulted(t, map[string]string{"k": "v"}, Rule{Kind: "list-fail", Key: "bkt/*"})
	if code, b, err := tryDo(s, "GET", "/bkt?versions", nil); err != nil || code != 503 {
		t.Fatalf("ListObjectVersions: %d %s %v, want 503", code, b, err)
	}
}
