package lhv1serve

import (
	"bufio"
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// do sends one unsigned path-style request (the server runs without
// --auth) with the given headers and returns the reply, body read.
func do(t *testing.T, s *Server, method, path string, body []byte, hdr ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, method, s.Endpoint+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func mustDo(t *testing.T, s *Server, want int, method, path string, body []byte, hdr ...string) []byte {
	t.Helper()
	resp, b := do(t, s, method, path, body, hdr...)
	if resp.StatusCode != want {
		t.Fatalf("%s %s: %d %s, want %d", method, path, resp.StatusCode, b, want)
	}
	return b
}

func contentMD5(b []byte) string {
	h := md5.Sum(b)
	return base64.StdEncoding.EncodeToString(h[:])
}

func deleteDoc(keys ...string) []byte {
	var b strings.Builder
	b.WriteString(`<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">`)
	for _, k := range keys {
		fmt.Fprintf(&b, "<Object><Key>%s</Key></Object>", k)
	}
	b.WriteString("</Delete>")
	return []byte(b.String())
}

// DeleteObjects' body is bounded before it is read: a Content-Length over
// 2 MiB is answered 413 at once, without the server waiting for a byte of
// it (the client sends none), while --max-body stays 64 MiB for PUTs.
func TestDeleteObjectsBodyBoundedBeforeReading(t *testing.T) {
	s := Start(t, Options{})
	mustDo(t, s, 200, "PUT", "/bkt", nil)
	conn, err := net.Dial("tcp", strings.TrimPrefix(s.Endpoint, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// Generous: the reply comes at once; only the defect waits this long.
	conn.SetDeadline(time.Now().Add(60 * time.Second))
	fmt.Fprintf(conn, "POST /bkt?delete HTTP/1.1\r\nHost: x\r\nContent-MD5: AAAAAAAAAAAAAAAAAAAAAA==\r\n"+
		"Content-Length: %d\r\n\r\n", 2<<20+1)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no reply before the body: %v", err)
	}
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 413 || !bytes.Contains(b, []byte("EntityTooLarge")) {
		t.Fatalf("DeleteObjects announcing 2 MiB + 1: %d %s, want 413 EntityTooLarge", resp.StatusCode, b)
	}
	// A PUT of that size is still taken.
	mustDo(t, s, 200, "PUT", "/bkt/big", make([]byte, 2<<20+1))
}

// A Delete document with a DTD is refused (no entity of the client's is
// expanded), and the key it would have named stays.
func TestDeleteObjectsRefusesDTD(t *testing.T) {
	s := Start(t, Options{})
	mustDo(t, s, 200, "PUT", "/bkt", nil)
	mustDo(t, s, 200, "PUT", "/bkt/a", []byte("a"))
	doc := []byte(`<?xml version="1.0"?><!DOCTYPE Delete [<!ENTITY k "a">]>` +
		`<Delete><Object><Key>&k;</Key></Object></Delete>`)
	b := mustDo(t, s, 400, "POST", "/bkt?delete", doc, "Content-MD5", contentMD5(doc))
	if !bytes.Contains(b, []byte("MalformedXML")) {
		t.Fatalf("a DTD: %s, want MalformedXML", b)
	}
	mustDo(t, s, 200, "GET", "/bkt/a", nil)
}

// Creating a bucket you own again: S3 answers 200 in us-east-1 (legacy)
// and 409 BucketAlreadyOwnedByYou in every other region, the bucket and
// its objects kept either way.
func TestCreateOwnBucketAgainByRegion(t *testing.T) {
	for _, c := range []struct {
		region string
		status int
	}{{"us-east-1", 200}, {"eu-west-1", 409}} {
		s := Start(t, Options{Args: []string{"--region", c.region}})
		mustDo(t, s, 200, "PUT", "/bkt", nil)
		mustDo(t, s, 200, "PUT", "/bkt/k", []byte("kept"))
		b := mustDo(t, s, c.status, "PUT", "/bkt", nil)
		if c.status == 409 && !bytes.Contains(b, []byte("<Code>BucketAlreadyOwnedByYou</Code>")) {
			t.Errorf("%s: %s, want BucketAlreadyOwnedByYou", c.region, b)
		}
		if got := mustDo(t, s, 200, "GET", "/bkt/k", nil); string(got) != "kept" {
			t.Errorf("%s: the object after CreateBucket again: %q", c.region, got)
		}
	}
}
