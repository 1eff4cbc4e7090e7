package suite

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// getURL fetches a (presigned) URL without any signature of its own.
func (t *T) getURL(method, u string) *Response {
	req, err := http.NewRequest(method, u, nil)
	if err != nil {
		t.Fatalf("%s: %v", u, err)
	}
	r, err := t.tgt.Send(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	return r
}

// tamper changes the last hex digit of X-Amz-Signature.
func tamper(t *T, u string) string {
	p, err := url.Parse(u)
	if err != nil {
		t.Fatalf("%v", err)
	}
	q := p.Query()
	sig := q.Get("X-Amz-Signature")
	if len(sig) != 64 {
		t.Fatalf("presigned URL without a signature: %s", u)
	}
	last := "0"
	if sig[63] == '0' {
		last = "1"
	}
	q.Set("X-Amz-Signature", sig[:63]+last)
	p.RawQuery = q.Encode()
	return p.String()
}

// Presigned URLs (query-string SigV4) and who may call.
func init() {
	register(
		Case{"presign/get-sdk",
			"A presigned GetObject URL (aws-sdk-go-v2 PresignGetObject, X-Amz-Expires 15 min) is honoured without any other credentials: 200 with the object",
			func(t *T) {
				b := t.NewBucket()
				t.Put(b, "p k", []byte("presigned"), nil)
				pc := s3.NewPresignClient(t.SDK())
				req, err := pc.PresignGetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(b),
					Key: aws.String("p k")}, s3.WithPresignExpires(15*time.Minute))
				if err != nil {
					t.Fatalf("PresignGetObject: %v", err)
				}
				g := t.getURL("GET", req.URL)
				if t.Status("GET presigned", g, 200) {
					t.Body("GET presigned", g, []byte("presigned"))
				}
			}},
		Case{"presign/head",
			"A presigned HeadObject URL: 200 with the object's Content-Length",
			func(t *T) {
				b := t.NewBucket()
				t.Put(b, "k", []byte("12345"), nil)
				u, err := t.tgt.Presign("HEAD", b, "k", nil, time.Now(), time.Hour)
				if err != nil {
					t.Fatalf("presign: %v", err)
				}
				h := t.getURL("HEAD", u)
				if t.Status("HEAD presigned", h, 200) {
					t.HeaderIs("HEAD presigned", h, "Content-Length", "5")
				}
			}},
		Case{"presign/expired",
			"A presigned URL used after X-Amz-Date + X-Amz-Expires (signed 2 h ago for 60 s): 403 AccessDenied",
			func(t *T) {
				b := t.NewBucket()
				t.Put(b, "k", []byte("x"), nil)
				u, err := t.tgt.Presign("GET", b, "k", nil, time.Now().Add(-2*time.Hour), time.Minute)
				if err != nil {
					t.Fatalf("presign: %v", err)
				}
				t.Error("GET expired URL", t.getURL("GET", u), 403, "AccessDenied")
			}},
		Case{"presign/tampered-signature",
			"A presigned URL whose X-Amz-Signature was altered: 403 SignatureDoesNotMatch",
			func(t *T) {
				b := t.NewBucket()
				t.Put(b, "k", []byte("x"), nil)
				u, err := t.tgt.Presign("GET", b, "k", nil, time.Now(), time.Hour)
				if err != nil {
					t.Fatalf("presign: %v", err)
				}
				t.Error("GET tampered URL", t.getURL("GET", tamper(t, u)), 403, "SignatureDoesNotMatch")
			}},
		Case{"presign/other-key",
			"A presigned URL for one key used for another (the path changed): 403 SignatureDoesNotMatch",
			func(t *T) {
				b := t.NewBucket()
				t.PutKeys(b, "public", "secret")
				u, err := t.tgt.Presign("GET", b, "public", nil, time.Now(), time.Hour)
				if err != nil {
					t.Fatalf("presign: %v", err)
				}
				t.Error("GET other key", t.getURL("GET", strings.Replace(u, "/public?", "/secret?", 1)), 403, "SignatureDoesNotMatch")
			}},
		Case{"presign/expires-too-long",
			"X-Amz-Expires above 604800 (7 days): 400 AuthorizationQueryParametersError",
			func(t *T) {
				b := t.NewBucket()
				t.Put(b, "k", []byte("x"), nil)
				u, err := t.tgt.Presign("GET", b, "k", nil, time.Now(), 604801*time.Second)
				if err != nil {
					t.Fatalf("presign: %v", err)
				}
				t.Error("GET", t.getURL("GET", u), 400, "AuthorizationQueryParametersError")
			}},
		Case{"presign/response-override",
			"A presigned GetObject URL with response-content-disposition signed in: 200 with that Content-Disposition",
			func(t *T) {
				b := t.NewBucket()
				t.Put(b, "k", []byte("x"), nil)
				u, err := t.tgt.Presign("GET", b, "k", url.Values{"response-content-disposition": {"attachment; filename=\"k.bin\""}},
					time.Now(), time.Hour)
				if err != nil {
					t.Fatalf("presign: %v", err)
				}
				g := t.getURL("GET", u)
				if t.Status("GET", g, 200) {
					t.HeaderIs("GET", g, "Content-Disposition", `attachment; filename="k.bin"`)
				}
			}},
		Case{"auth/unsigned-refused",
			"An anonymous (unsigned) GetObject of a private object: 403 AccessDenied",
			func(t *T) {
				b := t.NewBucket()
				t.Put(b, "k", []byte("private"), nil)
				t.Error("GET unsigned", t.Do(Request{Method: "GET", Bucket: b, Key: "k", Unsigned: true}), 403, "AccessDenied")
			}},
		Case{"auth/wrong-secret",
			"A request signed with the right access key and a wrong secret: 403 SignatureDoesNotMatch",
			func(t *T) {
				b := t.NewBucket()
				t.Put(b, "k", []byte("x"), nil)
				other := *t.tgt
				other.SecretKey = t.tgt.SecretKey + "-wrong"
				req, err := other.NewHTTPRequest(Request{Method: "GET", Bucket: b, Key: "k"})
				if err != nil {
					t.Fatalf("%v", err)
				}
				r, err := t.tgt.Send(req)
				if err != nil {
					t.Fatalf("%v", err)
				}
				t.Error("GET", r, 403, "SignatureDoesNotMatch")
			}},
		Case{"auth/unknown-access-key",
			"A request signed with an access key the server does not know: 403 InvalidAccessKeyId",
			func(t *T) {
				b := t.NewBucket()
				other := *t.tgt
				other.AccessKey = "AKIDNOSUCHKEY"
				req, err := other.NewHTTPRequest(Request{Method: "GET", Bucket: b, Query: "list-type=2"})
				if err != nil {
					t.Fatalf("%v", err)
				}
				r, err := t.tgt.Send(req)
				if err != nil {
					t.Fatalf("%v", err)
				}
				t.Error("list", r, 403, "InvalidAccessKeyId")
			}},
	)
}
