// Package sigv4sec checks SigV4 as `lhv1 serve --auth` verifies it
// (docs/SECURITY.md) with signers the server's authors did not write:
// aws-sdk-go-v2's v4.Signer for the accept and refuse matrix and for the
// upload its S3 client sends by default over TLS
// (STREAMING-UNSIGNED-PAYLOAD-TRAILER), replayed; and minio-go's signed
// chunks (STREAMING-AWS4-HMAC-SHA256-PAYLOAD) captured and tampered with.
package sigv4sec

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/minio/minio-go/v7"
	miniocreds "github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/lhv1/harness/harness/http/goclients/lhv1serve"
)

// signedStatus signs method url body at `at` with creds/region (and edit,
// when not nil, changes the request after signing) and returns the status
// and the S3 error code, if any.
func signedStatus(t *testing.T, method, url string, body []byte, creds aws.Credentials, region string,
	at time.Time, edit func(*http.Request)) (int, string) {
	t.Helper()
	req := lhv1serve.NewRequest(t, method, url, body)
	lhv1serve.Sign(t, req, body, creds, region, at)
	if edit != nil {
		edit(req)
	}
	st, text := lhv1serve.Do(t, req)
	return st, errorCode(text)
}

var codeRE = regexp.MustCompile(`<Code>([^<]*)</Code>`)

func errorCode(body string) string {
	if m := codeRE.FindStringSubmatch(body); m != nil {
		return m[1]
	}
	return ""
}

// setup starts a server with a bucket "bkt" and returns its URL.
func setup(t *testing.T, extra ...string) string {
	t.Helper()
	base := lhv1serve.Serve(t, extra...)
	if st, code := signedStatus(t, "PUT", base+"/bkt", nil, lhv1serve.Creds, lhv1serve.Region, time.Now(), nil); st != 200 {
		t.Fatalf("create bucket: %d %s", st, code)
	}
	return base
}

func TestDatesWithinSkewAccepted(t *testing.T) {
	base := setup(t)
	for _, off := range []time.Duration{0, -14 * time.Minute, 14 * time.Minute} {
		if st, code := signedStatus(t, "GET", base+"/bkt?list-type=2", nil, lhv1serve.Creds, lhv1serve.Region,
			time.Now().Add(off), nil); st != 200 {
			t.Errorf("signed %v from now: %d %s, want 200", off, st, code)
		}
	}
}

// The measured defect: 2000-01-01, 2099-12-31 and 99999999XYZ were served.
func TestDatesRefused(t *testing.T) {
	base := setup(t)
	now := time.Now()
	for _, off := range []time.Duration{-16 * time.Minute, 16 * time.Minute, -24 * time.Hour * 365 * 20} {
		st, code := signedStatus(t, "GET", base+"/bkt?list-type=2", nil, lhv1serve.Creds, lhv1serve.Region, now.Add(off), nil)
		if st != 403 || code != "RequestTimeTooSkewed" {
			t.Errorf("signed %v from now: %d %s, want 403 RequestTimeTooSkewed", off, st, code)
		}
	}
	signedAt := func(s string) time.Time {
		ts, err := time.Parse("20060102T150405Z", s)
		if err != nil {
			t.Fatal(err)
		}
		return ts
	}
	for _, d := range []string{"20000101T000000Z", "20991231T235959Z"} {
		st, code := signedStatus(t, "GET", base+"/bkt?list-type=2", nil, lhv1serve.Creds, lhv1serve.Region, signedAt(d), nil)
		if st != 403 || code != "RequestTimeTooSkewed" {
			t.Errorf("signed at %s: %d %s, want 403 RequestTimeTooSkewed", d, st, code)
		}
	}
	for _, bad := range []string{"99999999XYZ", "", "20260230T000000Z", now.UTC().Format(time.RFC1123)} {
		st, code := signedStatus(t, "GET", base+"/bkt?list-type=2", nil, lhv1serve.Creds, lhv1serve.Region, now,
			func(r *http.Request) { r.Header.Set("X-Amz-Date", bad) })
		if st != 403 {
			t.Errorf("x-amz-date %q: %d %s, want 403", bad, st, code)
		}
	}
}

// rewriteAuth edits the Authorization header with f.
func rewriteAuth(f func(string) string) func(*http.Request) {
	return func(r *http.Request) { r.Header.Set("Authorization", f(r.Header.Get("Authorization"))) }
}

var signedHeadersRE = regexp.MustCompile(`SignedHeaders=[^,]*`)

func TestScopeAndSignedHeaders(t *testing.T) {
	base := setup(t)
	url := base + "/bkt?list-type=2"
	now := time.Now()
	wrongSecret := aws.Credentials{AccessKeyID: lhv1serve.AccessKey, SecretAccessKey: "wrong"}
	unknownKey := aws.Credentials{AccessKeyID: "AKIDOTHER", SecretAccessKey: lhv1serve.SecretKey}
	cases := []struct {
		name   string
		creds  aws.Credentials
		region string
		edit   func(*http.Request)
		status int
		code   string
	}{
		{"control", lhv1serve.Creds, lhv1serve.Region, nil, 200, ""},
		{"wrong secret", wrongSecret, lhv1serve.Region, nil, 403, "SignatureDoesNotMatch"},
		{"unknown key", unknownKey, lhv1serve.Region, nil, 403, "InvalidAccessKeyId"},
		{"other region", lhv1serve.Creds, "us-west-2", nil, 400, "AuthorizationHeaderMalformed"},
		{"other service", lhv1serve.Creds, lhv1serve.Region, rewriteAuth(func(a string) string {
			return strings.Replace(a, "/s3/aws4_request", "/iam/aws4_request", 1)
		}), 400, "AuthorizationHeaderMalformed"},
		{"scope date not x-amz-date", lhv1serve.Creds, lhv1serve.Region, rewriteAuth(func(a string) string {
			return strings.Replace(a, now.UTC().Format("/20060102/"), now.UTC().Add(-24*time.Hour).Format("/20060102/"), 1)
		}), 400, "AuthorizationHeaderMalformed"},
		{"empty SignedHeaders", lhv1serve.Creds, lhv1serve.Region, rewriteAuth(func(a string) string {
			return signedHeadersRE.ReplaceAllString(a, "SignedHeaders=")
		}), 400, "AuthorizationHeaderMalformed"},
		{"host not signed", lhv1serve.Creds, lhv1serve.Region, rewriteAuth(func(a string) string {
			return strings.Replace(a, "host;", "", 1)
		}), 403, "AccessDenied"},
		{"unsigned x-amz-meta header", lhv1serve.Creds, lhv1serve.Region, func(r *http.Request) {
			r.Header.Set("X-Amz-Meta-Added", "after signing")
		}, 403, "AccessDenied"},
		{"unsigned x-amz-content-sha256", lhv1serve.Creds, lhv1serve.Region, rewriteAuth(func(a string) string {
			return strings.Replace(a, ";x-amz-content-sha256", "", 1)
		}), 403, "AccessDenied"},
		{"no x-amz-content-sha256", lhv1serve.Creds, lhv1serve.Region, func(r *http.Request) {
			r.Header.Del("X-Amz-Content-Sha256")
		}, 400, "InvalidRequest"},
		{"SigV2", lhv1serve.Creds, lhv1serve.Region, rewriteAuth(func(string) string {
			return "AWS " + lhv1serve.AccessKey + ":c2lnbmF0dXJl"
		}), 400, "AuthorizationHeaderMalformed"},
	}
	for _, c := range cases {
		st, code := signedStatus(t, "GET", url, nil, c.creds, c.region, now, c.edit)
		if st != c.status || code != c.code {
			t.Errorf("%s: %d %s, want %d %s", c.name, st, code, c.status, c.code)
		}
	}
}

func TestPayloadBoundToSignature(t *testing.T) {
	base := setup(t)
	now := time.Now()
	// Signed for one body, sent with another.
	st, code := signedStatus(t, "PUT", base+"/bkt/k", []byte("signed body"), lhv1serve.Creds, lhv1serve.Region, now,
		func(r *http.Request) {
			r.Body = io.NopCloser(strings.NewReader("other body!"))
		})
	if st != 400 || code != "XAmzContentSHA256Mismatch" {
		t.Errorf("another body under a signed hash: %d %s", st, code)
	}
	// A signed checksum header the body does not match.
	body := []byte("checksummed")
	req := lhv1serve.NewRequest(t, "PUT", base+"/bkt/k", body)
	req.Header.Set("X-Amz-Checksum-Crc32", "AAAAAA==")
	lhv1serve.Sign(t, req, body, lhv1serve.Creds, lhv1serve.Region, now)
	if st, text := lhv1serve.Do(t, req); st != 400 || errorCode(text) != "BadDigest" {
		t.Errorf("a signed wrong checksum: %d %s", st, errorCode(text))
	}
	if st, code := signedStatus(t, "GET", base+"/bkt/k", nil, lhv1serve.Creds, lhv1serve.Region, now, nil); st != 404 {
		t.Errorf("something was stored: GET %d %s", st, code)
	}
	// UNSIGNED-PAYLOAD is served, as S3 serves it: the body is not bound.
	req = lhv1serve.NewRequest(t, "PUT", base+"/bkt/u", body)
	lhv1serve.SignPayload(t, req, "UNSIGNED-PAYLOAD", lhv1serve.Creds, lhv1serve.Region, now)
	if st, text := lhv1serve.Do(t, req); st != 200 {
		t.Errorf("UNSIGNED-PAYLOAD PUT: %d %s", st, errorCode(text))
	}
}

// recorder keeps the requests a client sends (headers and body), then
// forwards them.
type recorder struct {
	reqs []recorded
}

type recorded struct {
	method, url string
	header      http.Header
	body        []byte
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		body = b
		req.Body = io.NopCloser(bytes.NewReader(b))
	}
	r.reqs = append(r.reqs, recorded{req.Method, req.URL.String(), req.Header.Clone(), body})
	return http.DefaultTransport.RoundTrip(req)
}

// replay sends a recorded request again with another body.
func replay(t *testing.T, rec recorded, body []byte) (int, string) {
	t.Helper()
	req := lhv1serve.NewRequest(t, rec.method, rec.url, body)
	for k, v := range rec.header {
		if k != "Content-Length" {
			req.Header[k] = v
		}
	}
	st, text := lhv1serve.Do(t, req)
	return st, errorCode(text)
}

// crc32b64 is the x-amz-checksum-crc32 value of data.
func crc32b64(data []byte) string {
	sum := make([]byte, 4)
	binary.BigEndian.PutUint32(sum, crc32.ChecksumIEEE(data))
	return base64.StdEncoding.EncodeToString(sum)
}

// chunked is an aws-chunked body as aws-sdk-go-v2 sends it: one chunk and
// one trailer ("name:value").
func chunked(data []byte, trailer string) []byte {
	return []byte(fmt.Sprintf("%x\r\n%s\r\n0\r\n%s\r\n\r\n", len(data), data, trailer))
}

// signedUnsignedTrailer is a PUT as aws-sdk-go-v2's S3 client sends it
// over TLS by default (STREAMING-UNSIGNED-PAYLOAD-TRAILER: aws-chunked, a
// trailing CRC-32), signed by the SDK's signer, sent once (200).
// (Over plain HTTP the SDK hashes the body instead, so the request is built
// here with the headers its checksum middleware adds.)
func signedUnsignedTrailer(t *testing.T, base string, data []byte) recorded {
	t.Helper()
	body := chunked(data, "x-amz-checksum-crc32:"+crc32b64(data))
	req := lhv1serve.NewRequest(t, "PUT", base+"/bkt/k", body)
	req.Header.Set("Content-Encoding", "aws-chunked")
	req.Header.Set("X-Amz-Decoded-Content-Length", fmt.Sprint(len(data)))
	req.Header.Set("X-Amz-Trailer", "x-amz-checksum-crc32")
	req.Header.Set("X-Amz-Sdk-Checksum-Algorithm", "CRC32")
	lhv1serve.SignPayload(t, req, "STREAMING-UNSIGNED-PAYLOAD-TRAILER", lhv1serve.Creds, lhv1serve.Region, time.Now())
	rec := recorded{req.Method, req.URL.String(), req.Header.Clone(), body}
	if st, text := lhv1serve.Do(t, req); st != 200 {
		t.Fatalf("the signed upload itself: %d %s", st, text)
	}
	return rec
}

// What S3 guarantees for STREAMING-UNSIGNED-PAYLOAD-TRAILER, the SDK's
// default upload (the measured defect stored a replay with another body):
// the signature binds the headers (the decoded length, the trailer's name,
// the date), not the body or the trailer's value. A replay is refused once
// outside the skew, or when it contradicts a signed header; within the
// skew, a body of the same length with its own checksum is served, as S3
// serves it (over TLS only a party holding the request can replay it).
func TestStreamingUnsignedReplay(t *testing.T) {
	base := setup(t)
	orig := []byte("the body the client signed for")
	rec := signedUnsignedTrailer(t, base, orig)
	same := []byte("a body the client never sent!!")
	short := same[1:]
	// The SDK signs Content-Length: each replay keeps the encoded length,
	// so what refuses it is the rule under test, not the signature.
	cases := []struct {
		name   string
		body   []byte
		status int
		code   string
	}{
		{"the same request", rec.body, 200, ""},
		{"another Content-Length", chunked(append(same, '!'), "x-amz-checksum-crc32:"+crc32b64(append(same, '!'))), 403, "SignatureDoesNotMatch"},
		{"another decoded length", chunked(short, "x-amz-checksum-crc32: "+crc32b64(short)), 400, "IncompleteBody"},
		{"a trailer not announced", chunked(same, "x-amz-meta-trailer00:"+crc32b64(same)), 400, "InvalidRequest"},
		{"a wrong checksum", chunked(same, "x-amz-checksum-crc32:"+crc32b64(orig)), 400, "BadDigest"},
		{"same length, own checksum (as S3)", chunked(same, "x-amz-checksum-crc32:"+crc32b64(same)), 200, ""},
	}
	for _, c := range cases {
		if c.status != 403 && len(c.body) != len(rec.body) {
			t.Fatalf("%s: %d B, the signed request %d B", c.name, len(c.body), len(rec.body))
		}
		if st, code := replay(t, rec, c.body); st != c.status || code != c.code {
			t.Errorf("replay with %s: %d %s, want %d %s", c.name, st, code, c.status, c.code)
		}
	}
}

// Outside the skew window no replay is served (--max-skew 2 so the test
// waits 3 s rather than 15 min).
func TestStreamingReplayAfterSkew(t *testing.T) {
	base := setup(t, "--max-skew", "2")
	rec := signedUnsignedTrailer(t, base, []byte("body"))
	time.Sleep(3 * time.Second)
	if st, code := replay(t, rec, rec.body); st != 403 || code != "RequestTimeTooSkewed" {
		t.Errorf("replay after the skew: %d %s, want 403 RequestTimeTooSkewed", st, code)
	}
}

// captureMinioPut records minio-go's default PutObject of body (signed
// chunks over plain HTTP).
func captureMinioPut(t *testing.T, base string, body []byte) recorded {
	t.Helper()
	rec := &recorder{}
	c, err := minio.New(strings.TrimPrefix(base, "http://"), &minio.Options{
		Creds: miniocreds.NewStaticV4(lhv1serve.AccessKey, lhv1serve.SecretKey, ""), Secure: false,
		Region: lhv1serve.Region, BucketLookup: minio.BucketLookupPath, Transport: rec})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutObject(context.Background(), "bkt", "m", bytes.NewReader(body), int64(len(body)),
		minio.PutObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	r := rec.reqs[len(rec.reqs)-1]
	if got := r.header.Get("X-Amz-Content-Sha256"); !strings.HasPrefix(got, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD") {
		t.Fatalf("minio-go sent x-amz-content-sha256 %q; this test tampers with signed chunks", got)
	}
	return r
}

var chunkSigRE = regexp.MustCompile(`chunk-signature=([0-9a-f]{64})`)

// Signed chunks are verified in order from the seed signature: a flipped
// byte, two signatures swapped, a signature dropped or a trailer added
// are refused.
func TestStreamingSignedChunks(t *testing.T) {
	base := setup(t)
	data := bytes.Repeat([]byte("0123456789abcdef"), 9000) // 144000 B: several chunks
	rec := captureMinioPut(t, base, data)
	sigs := chunkSigRE.FindAllSubmatch(rec.body, -1)
	if len(sigs) < 3 {
		t.Fatalf("%d chunk signatures; want several chunks", len(sigs))
	}
	flipped := append([]byte(nil), rec.body...)
	i := bytes.Index(flipped, []byte("0123456789abcdef"))
	flipped[i+5] ^= 1
	swapped := bytes.Replace(bytes.Replace(rec.body, sigs[0][1], []byte("SIG-A"), 1), sigs[1][1], sigs[0][1], 1)
	swapped = bytes.Replace(swapped, []byte("SIG-A"), sigs[1][1], 1)
	last := sigs[len(sigs)-1][0]
	dropped := bytes.Replace(rec.body, append([]byte(";"), last...), nil, 1)
	trailed := append(append([]byte(nil), bytes.TrimSuffix(rec.body, []byte("\r\n"))...),
		[]byte("x-amz-checksum-crc32:"+crc32b64(data)+"\r\n\r\n")...) // right, but unsigned
	cases := []struct {
		name   string
		body   []byte
		status int
	}{
		{"unchanged", rec.body, 200},
		{"a data byte flipped", flipped, 403},
		{"two chunk signatures swapped", swapped, 403},
		{"the final chunk's signature dropped", dropped, 403},
		{"an unsigned trailer added", trailed, 400},
	}
	for _, c := range cases {
		if st, code := replay(t, rec, c.body); st != c.status {
			t.Errorf("%s: %d %s, want %d", c.name, st, code, c.status)
		}
	}
}

// The admin API under --auth: the SDK's signature is accepted, none is not.
func TestAdminSigned(t *testing.T) {
	base := setup(t)
	if st, body := lhv1serve.Admin(t, base, "POST", "/_lhv1/rules", `{"kind":"http-slowdown","op":"get"}`); st != 200 {
		t.Fatalf("signed admin call: %d %s", st, body)
	}
	resp, err := http.Post(base+"/_lhv1/reset", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Errorf("unsigned reset: %d, want 403", resp.StatusCode)
	}
	// A signed admin body must be signed itself: UNSIGNED-PAYLOAD would let
	// a replay carry other rules.
	body := []byte(`{"kind":"http-reset"}`)
	req := lhv1serve.NewRequest(t, "POST", base+"/_lhv1/rules", body)
	lhv1serve.SignPayload(t, req, "UNSIGNED-PAYLOAD", lhv1serve.Creds, lhv1serve.Region, time.Now())
	if st, text := lhv1serve.Do(t, req); st != 403 || errorCode(text) != "AccessDenied" {
		t.Errorf("admin body under UNSIGNED-PAYLOAD: %d %s, want 403 AccessDenied", st, errorCode(text))
	}
}
