package suite

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// sendURL sends body to a presigned URL with the headers it was signed with.
func (t *T) sendURL(method, u string, signed http.Header, body []byte) *Response {
	req, err := http.NewRequest(method, u, bytes.NewReader(body))
	if err != nil {
		t.Fatalf("%s: %v", u, err)
	}
	for k, v := range signed {
		if !strings.EqualFold(k, "Host") {
			req.Header[k] = v
		}
	}
	r, err := t.tgt.Send(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	return r
}

// Presigned PUT and HEAD as aws-sdk-go-v2's presign client makes them, and
// the refusals of a URL changed after signing.
func init() {
	register(
		Case{"presign/put-sdk",
			"A presigned PutObject URL (aws-sdk-go-v2 PresignPutObject): the body sent to it is stored, 200",
			func(t *T) {
				b := t.NewBucket()
				pc := s3.NewPresignClient(t.SDK())
				req, err := pc.PresignPutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(b),
					Key: aws.String("up/l\u00f6ad")}, s3.WithPresignExpires(15*time.Minute))
				if err != nil {
					t.Fatalf("PresignPutObject: %v", err)
				}
				p := t.sendURL("PUT", req.URL, req.SignedHeader, []byte("presigned put"))
				if t.Status("PUT presigned", p, 200) {
					t.Body("GET after", t.Get(b, "up/l\u00f6ad", nil), []byte("presigned put"))
				}
			}},
		Case{"presign/head-sdk",
			"A presigned HeadObject URL (aws-sdk-go-v2 PresignHeadObject): 200 with the object's Content-Length and ETag",
			func(t *T) {
				b := t.NewBucket()
				t.Put(b, "k", []byte("1234567"), nil)
				pc := s3.NewPresignClient(t.SDK())
				req, err := pc.PresignHeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(b),
					Key: aws.String("k")})
				if err != nil {
					t.Fatalf("PresignHeadObject: %v", err)
				}
				h := t.sendURL("HEAD", req.URL, req.SignedHeader, nil)
				if t.Status("HEAD presigned", h, 200) {
					t.HeaderIs("HEAD presigned", h, "Content-Length", "7")
					t.HeaderIs("HEAD presigned", h, "ETag", ETagOf([]byte("1234567")))
				}
			}},
		Case{"presign/expired-message",
			"A presigned URL past X-Amz-Date + X-Amz-Expires: 403 AccessDenied with the message \"Request has expired\"",
			func(t *T) {
				b := t.NewBucket()
				t.Put(b, "k", []byte("x"), nil)
				u, err := t.tgt.Presign("GET", b, "k", nil, time.Now().Add(-time.Hour), 10*time.Minute)
				if err != nil {
					t.Fatalf("presign: %v", err)
				}
				g := t.getURL("GET", u)
				if t.Error("GET expired URL", g, 403, "AccessDenied") && !bytes.Contains(g.Body, []byte("Request has expired")) {
					t.Errorf("GET expired URL: %s, S3 says \"Request has expired\"", g.Brief())
				}
			}},
		Case{"presign/tampered-expires",
			"A presigned URL whose X-Amz-Expires was raised after signing: 403 SignatureDoesNotMatch (the query is signed)",
			func(t *T) {
				b := t.NewBucket()
				t.Put(b, "k", []byte("x"), nil)
				u, err := t.tgt.Presign("GET", b, "k", nil, time.Now(), time.Minute)
				if err != nil {
					t.Fatalf("presign: %v", err)
				}
				longer := strings.Replace(u, "X-Amz-Expires=60", "X-Amz-Expires=3600", 1)
				if longer == u {
					t.Fatalf("no X-Amz-Expires=60 in %s", u)
				}
				t.Error("GET", t.getURL("GET", longer), 403, "SignatureDoesNotMatch")
			}},
		Case{"presign/method-changed",
			"A presigned GetObject URL used for a PUT: 403 SignatureDoesNotMatch, nothing stored",
			func(t *T) {
				b := t.NewBucket()
				t.Put(b, "k", []byte("kept"), nil)
				u, err := t.tgt.Presign("GET", b, "k", nil, time.Now(), time.Hour)
				if err != nil {
					t.Fatalf("presign: %v", err)
				}
				t.Error("PUT with a GET URL", t.sendURL("PUT", u, nil, []byte("replaced")), 403, "SignatureDoesNotMatch")
				t.Body("GET after", t.Get(b, "k", nil), []byte("kept"))
			}},
	)
}
