package suite

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// T is what a case runs with: the target, its own buckets, and the
// failures it records.
type T struct {
	tgt      *Target
	name     string
	serial   int
	buckets  int
	failures []string
	sdk      *s3.Client
}

// Target is the endpoint under test.
func (t *T) Target() *Target { return t.tgt }

// Errorf records a difference from S3 and goes on.
func (t *T) Errorf(format string, args ...any) {
	t.failures = append(t.failures, fmt.Sprintf(format, args...))
}

// Fatalf records a difference and ends the case.
func (t *T) Fatalf(format string, args ...any) {
	t.Errorf(format, args...)
	panic(failNow{})
}

// SDK is the target's aws-sdk-go-v2 client (one per case).
func (t *T) SDK() *s3.Client {
	if t.sdk == nil {
		t.sdk = t.tgt.SDK()
	}
	return t.sdk
}

// BucketName is a name no other case of this run uses.
func (t *T) BucketName() string {
	t.buckets++
	return fmt.Sprintf("s3c-%04d-%d", t.serial, t.buckets)
}

// NewBucket creates a fresh bucket; the case ends if that fails.
func (t *T) NewBucket() string {
	b := t.BucketName()
	r := t.Do(Request{Method: "PUT", Bucket: b})
	if r.Status != 200 {
		t.Fatalf("setup: CreateBucket %s: %s", b, r.Brief())
	}
	return b
}

// Do sends a raw request; a transport error ends the case.
func (t *T) Do(r Request) *Response {
	req, err := t.tgt.NewHTTPRequest(r)
	if err != nil {
		t.Fatalf("building %s %s: %v", r.Method, Path(r.Bucket, r.Key), err)
	}
	resp, err := t.tgt.Send(req)
	if err != nil {
		t.Fatalf("%s %s?%s: %v", r.Method, Path(r.Bucket, r.Key), r.Query, err)
	}
	return resp
}

// Put stores body at bucket/key with extra headers; the case ends if the
// server refuses (this is setup, not the behaviour under test). Returns
// the ETag the server answered.
func (t *T) Put(bucket, key string, body []byte, hdr map[string]string) string {
	r := t.Do(Request{Method: "PUT", Bucket: bucket, Key: key, Body: body, Header: hdr})
	if r.Status != 200 {
		t.Fatalf("setup: PutObject %s/%s: %s", bucket, key, r.Brief())
	}
	return r.Header.Get("ETag")
}

// PutKeys stores each key with its own name as the body.
func (t *T) PutKeys(bucket string, keys ...string) {
	for _, k := range keys {
		t.Put(bucket, k, []byte(k), nil)
	}
}

// Get reads bucket/key with extra headers.
func (t *T) Get(bucket, key string, hdr map[string]string) *Response {
	return t.Do(Request{Method: "GET", Bucket: bucket, Key: key, Header: hdr})
}

// --- checks ----------------------------------------------------------

// Status checks the status code; false when it differs.
func (t *T) Status(what string, r *Response, want int) bool {
	if r.Status != want {
		t.Errorf("%s: status %d, S3 answers %d (%s)", what, r.Status, want, r.Brief())
		return false
	}
	return true
}

// Error checks an S3 error reply: status and <Error><Code>.
func (t *T) Error(what string, r *Response, status int, code string) bool {
	got := r.ErrorCode()
	if r.Status != status || got != code {
		t.Errorf("%s: %d %q, S3 answers %d %s (%s)", what, r.Status, got, status, code, r.Brief())
		return false
	}
	return true
}

// HeaderIs checks one reply header.
func (t *T) HeaderIs(what string, r *Response, name, want string) bool {
	got, ok := r.Header[http.CanonicalHeaderKey(name)]
	if !ok {
		t.Errorf("%s: no %s header, S3 sends %q", what, name, want)
		return false
	}
	if len(got) != 1 || got[0] != want {
		t.Errorf("%s: %s %q, S3 sends %q", what, name, got, want)
		return false
	}
	return true
}

// NoHeader checks that a header is absent.
func (t *T) NoHeader(what string, r *Response, name string) {
	if v := r.Header.Values(name); len(v) > 0 {
		t.Errorf("%s: %s %q sent, S3 sends none", what, name, v)
	}
}

// Equal compares two values of any comparable kind.
func Equal[V comparable](t *T, what string, got, want V) bool {
	if got != want {
		t.Errorf("%s: got %v, S3 gives %v", what, got, want)
		return false
	}
	return true
}

// Strings compares two lists.
func (t *T) Strings(what string, got, want []string) bool {
	if strings.Join(got, "\x00") != strings.Join(want, "\x00") || len(got) != len(want) {
		t.Errorf("%s: got %q, S3 gives %q", what, got, want)
		return false
	}
	return true
}

// Body checks the reply body.
func (t *T) Body(what string, r *Response, want []byte) bool {
	if !bytes.Equal(r.Body, want) {
		t.Errorf("%s: body %s, S3 returns %s", what, clip(r.Body), clip(want))
		return false
	}
	return true
}

// Stored reads bucket/key and checks it holds want (or is missing when
// want is nil).
func (t *T) Stored(what, bucket, key string, want []byte) {
	r := t.Get(bucket, key, nil)
	if want == nil {
		t.Error(what+": GET after", r, 404, "NoSuchKey")
		return
	}
	if t.Status(what+": GET after", r, 200) {
		t.Body(what+": GET after", r, want)
	}
}

// XML decodes the body into v; false (recorded) when it is no such XML.
func (t *T) XML(what string, r *Response, v any) bool {
	if err := xml.Unmarshal(r.Body, v); err != nil {
		t.Errorf("%s: reply is not the XML S3 sends: %v (%s)", what, err, clip(r.Body))
		return false
	}
	return true
}

// --- replies ---------------------------------------------------------

// ErrorCode is <Error><Code> of an XML error body, or "".
func (r *Response) ErrorCode() string {
	var e struct {
		Code string `xml:"Code"`
	}
	if xml.Unmarshal(r.Body, &e) != nil {
		return ""
	}
	return e.Code
}

// Brief is the status and the start of the body, for messages.
func (r *Response) Brief() string {
	return strconv.Itoa(r.Status) + " " + clip(r.Body)
}

func clip(b []byte) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return strconv.Quote(s)
}

// ETagOf is the quoted hex MD5 S3 gives an object put whole.
func ETagOf(body []byte) string {
	h := md5.Sum(body)
	return `"` + hex.EncodeToString(h[:]) + `"`
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
