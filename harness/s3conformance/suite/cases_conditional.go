package suite

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
)

// condObject stores a fresh object and returns its bucket, ETag and
// Last-Modified (as GetObject reports it), the anchors every conditional
// case uses: dates are Last-Modified itself or a day away from it, so no
// case depends on the clock.
func condObject(t *T) (bucket, etag string, lastMod time.Time) {
	bucket = t.NewBucket()
	etag = t.Put(bucket, "c", []byte("conditional"), nil)
	h := t.Do(Request{Method: "HEAD", Bucket: bucket, Key: "c"})
	lm, err := http.ParseTime(h.Header.Get("Last-Modified"))
	if h.Status != 200 || err != nil {
		t.Fatalf("setup: HEAD %s: Last-Modified %q", h.Brief(), h.Header.Get("Last-Modified"))
	}
	if etag == "" {
		t.Fatalf("setup: PutObject answered no ETag")
	}
	return bucket, etag, lm
}

func httpDate(tm time.Time) string { return tm.UTC().Format(http.TimeFormat) }

const day = 24 * time.Hour

// condCase: a GET or HEAD with the headers hdr(etag, lastModified) gets
// `status` (and for 412 the PreconditionFailed code on GET).
func condCase(name, cite, method string, status int,
	hdr func(etag string, lm time.Time) map[string]string) Case {
	return Case{name, cite, func(t *T) {
		b, etag, lm := condObject(t)
		h := hdr(etag, lm)
		r := t.Do(Request{Method: method, Bucket: b, Key: "c", Header: h})
		what := method + " " + strings.TrimSpace(strings.NewReplacer(etag, "<etag>").Replace(fmtHeaders(h)))
		switch {
		case status == 412 && method == "GET":
			t.Error(what, r, 412, "PreconditionFailed")
		case !t.Status(what, r, status):
		case status == 200 && method == "GET":
			t.Body(what, r, []byte("conditional"))
		case status == 304:
			t.Body(what, r, nil)
			t.HeaderIs(what, r, "ETag", etag)
		}
	}}
}

func fmtHeaders(h map[string]string) string {
	var b strings.Builder
	for _, k := range []string{"If-Match", "If-None-Match", "If-Modified-Since", "If-Unmodified-Since"} {
		if v, ok := h[k]; ok {
			b.WriteString(" " + k + ": " + v)
		}
	}
	return b.String()
}

func hdr(kv ...string) map[string]string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

// GetObject and HeadObject preconditions.
func init() {
	register(
		condCase("cond/get-if-match", "GetObject If-Match with the object's ETag: 200", "GET", 200,
			func(e string, _ time.Time) map[string]string { return hdr("If-Match", e) }),
		condCase("cond/get-if-match-other", "GetObject If-Match with another ETag: 412 PreconditionFailed", "GET", 412,
			func(string, time.Time) map[string]string {
				return hdr("If-Match", `"00000000000000000000000000000000"`)
			}),
		condCase("cond/get-if-none-match-other", "GetObject If-None-Match with another ETag: 200", "GET", 200,
			func(string, time.Time) map[string]string {
				return hdr("If-None-Match", `"00000000000000000000000000000000"`)
			}),
		condCase("cond/get-if-none-match", "GetObject If-None-Match with the object's ETag: 304 Not Modified, no body, the ETag sent", "GET", 304,
			func(e string, _ time.Time) map[string]string { return hdr("If-None-Match", e) }),
		condCase("cond/get-if-modified-since-earlier", "GetObject If-Modified-Since a day before Last-Modified: 200", "GET", 200,
			func(_ string, lm time.Time) map[string]string {
				return hdr("If-Modified-Since", httpDate(lm.Add(-day)))
			}),
		condCase("cond/get-if-modified-since-equal", "GetObject If-Modified-Since equal to Last-Modified: 304 Not Modified", "GET", 304,
			func(_ string, lm time.Time) map[string]string { return hdr("If-Modified-Since", httpDate(lm)) }),
		condCase("cond/get-if-unmodified-since-earlier", "GetObject If-Unmodified-Since a day before Last-Modified: 412 PreconditionFailed", "GET", 412,
			func(_ string, lm time.Time) map[string]string {
				return hdr("If-Unmodified-Since", httpDate(lm.Add(-day)))
			}),
		condCase("cond/get-if-unmodified-since-equal", "GetObject If-Unmodified-Since equal to Last-Modified: 200", "GET", 200,
			func(_ string, lm time.Time) map[string]string { return hdr("If-Unmodified-Since", httpDate(lm)) }),
		condCase("cond/get-if-match-beats-unmodified-since",
			"GetObject If-Match true and If-Unmodified-Since false: 200 (S3 returns the object)", "GET", 200,
			func(e string, lm time.Time) map[string]string {
				return hdr("If-Match", e, "If-Unmodified-Since", httpDate(lm.Add(-day)))
			}),
		condCase("cond/get-if-none-match-beats-modified-since",
			"GetObject If-None-Match false and If-Modified-Since true: 304 Not Modified", "GET", 304,
			func(e string, lm time.Time) map[string]string {
				return hdr("If-None-Match", e, "If-Modified-Since", httpDate(lm.Add(-day)))
			}),
		condCase("cond/head-if-match-other", "HeadObject If-Match with another ETag: 412", "HEAD", 412,
			func(string, time.Time) map[string]string {
				return hdr("If-Match", `"00000000000000000000000000000000"`)
			}),
		condCase("cond/head-if-none-match", "HeadObject If-None-Match with the object's ETag: 304", "HEAD", 304,
			func(e string, _ time.Time) map[string]string { return hdr("If-None-Match", e) }),
		condCase("cond/head-if-modified-since-equal", "HeadObject If-Modified-Since equal to Last-Modified: 304", "HEAD", 304,
			func(_ string, lm time.Time) map[string]string { return hdr("If-Modified-Since", httpDate(lm)) }),
		condCase("cond/head-if-unmodified-since-earlier", "HeadObject If-Unmodified-Since a day before Last-Modified: 412", "HEAD", 412,
			func(_ string, lm time.Time) map[string]string {
				return hdr("If-Unmodified-Since", httpDate(lm.Add(-day)))
			}),
	)
}

// PutObject conditional writes (If-None-Match: *, If-Match: ETag).
func init() {
	register(
		Case{"cond/put-if-none-match-new",
			"PutObject If-None-Match: * on a key that does not exist: 200, the object is written",
			func(t *T) {
				b := t.NewBucket()
				r := t.Do(Request{Method: "PUT", Bucket: b, Key: "k", Body: []byte("new"), Header: hdr("If-None-Match", "*")})
				if t.Status("PUT If-None-Match: *", r, 200) {
					t.Stored("PUT", b, "k", []byte("new"))
				}
			}},
		Case{"cond/put-if-none-match-exists",
			"PutObject If-None-Match: * on an existing key: 412 PreconditionFailed, the object unchanged",
			func(t *T) {
				b := t.NewBucket()
				t.Put(b, "k", []byte("first"), nil)
				r := t.Do(Request{Method: "PUT", Bucket: b, Key: "k", Body: []byte("second"), Header: hdr("If-None-Match", "*")})
				t.Error("PUT If-None-Match: *", r, 412, "PreconditionFailed")
				t.Stored("PUT refused", b, "k", []byte("first"))
			}},
		Case{"cond/put-if-match",
			"PutObject If-Match with the current ETag: 200, the object replaced",
			func(t *T) {
				b := t.NewBucket()
				etag := t.Put(b, "k", []byte("first"), nil)
				r := t.Do(Request{Method: "PUT", Bucket: b, Key: "k", Body: []byte("second"), Header: hdr("If-Match", etag)})
				if t.Status("PUT If-Match", r, 200) {
					t.Stored("PUT", b, "k", []byte("second"))
				}
			}},
		Case{"cond/put-if-match-stale",
			"PutObject If-Match with an ETag the object no longer has: 412 PreconditionFailed, the object unchanged",
			func(t *T) {
				b := t.NewBucket()
				old := t.Put(b, "k", []byte("first"), nil)
				t.Put(b, "k", []byte("second"), nil)
				r := t.Do(Request{Method: "PUT", Bucket: b, Key: "k", Body: []byte("third"), Header: hdr("If-Match", old)})
				t.Error("PUT If-Match stale", r, 412, "PreconditionFailed")
				t.Stored("PUT refused", b, "k", []byte("second"))
			}},
		Case{"cond/put-if-match-missing",
			"PutObject If-Match on a key that does not exist: 404 NoSuchKey, nothing written",
			func(t *T) {
				b := t.NewBucket()
				r := t.Do(Request{Method: "PUT", Bucket: b, Key: "k", Body: []byte("x"),
					Header: hdr("If-Match", `"00000000000000000000000000000000"`)})
				t.Error("PUT If-Match", r, 404, "NoSuchKey")
				t.Stored("PUT refused", b, "k", nil)
			}},
		Case{"cond/put-sdk-two-writers",
			"Two writers through aws-sdk-go-v2 (IfMatch on the ETag each read): the second gets PreconditionFailed, the first write stays",
			func(t *T) {
				b := t.NewBucket()
				ctx := context.Background()
				c := t.SDK()
				put := func(body, ifMatch, ifNone string) (string, error) {
					in := &s3.PutObjectInput{Bucket: aws.String(b), Key: aws.String("idx"),
						Body: strings.NewReader(body)}
					if ifMatch != "" {
						in.IfMatch = aws.String(ifMatch)
					}
					if ifNone != "" {
						in.IfNoneMatch = aws.String(ifNone)
					}
					out, err := c.PutObject(ctx, in)
					if err != nil {
						return "", err
					}
					return aws.ToString(out.ETag), nil
				}
				base, err := put("v0", "", "*")
				if err != nil {
					t.Fatalf("create with IfNoneMatch *: %v", err)
				}
				if _, err := put("v1-writer-a", base, ""); err != nil {
					t.Fatalf("writer A with IfMatch: %v", err)
				}
				_, err = put("v1-writer-b", base, "")
				var ae smithy.APIError
				if err == nil {
					t.Errorf("writer B with a stale IfMatch succeeded: lost update")
				} else if !errors.As(err, &ae) || ae.ErrorCode() != "PreconditionFailed" {
					t.Errorf("writer B: %v, S3 answers PreconditionFailed", err)
				}
				t.Stored("after both writers", b, "idx", []byte("v1-writer-a"))
			}},
	)
}
