package suite

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Target is an S3 endpoint (path-style) and the credentials it takes.
type Target struct {
	Name      string
	Endpoint  string // http://host:port
	AccessKey string
	SecretKey string
	Region    string
	HTTP      *http.Client // bounded by a timeout; redirects are not followed
}

// NewTarget fills the defaults: region us-east-1 and an HTTP client that
// gives up on a request after 30 s (a hung server fails its case, not the
// run) and returns redirects as they are.
func NewTarget(name, endpoint, key, secret string) *Target {
	return &Target{Name: name, Endpoint: strings.TrimRight(endpoint, "/"), AccessKey: key,
		SecretKey: secret, Region: "us-east-1",
		HTTP: &http.Client{Timeout: 30 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (tg *Target) creds() aws.Credentials {
	return aws.Credentials{AccessKeyID: tg.AccessKey, SecretAccessKey: tg.SecretKey}
}

// SDK is an aws-sdk-go-v2 S3 client for the target at its default
// settings but two: path-style addressing, and no retries (a case sees
// the server's first answer).
func (tg *Target) SDK() *s3.Client {
	return s3.New(s3.Options{
		BaseEndpoint: aws.String(tg.Endpoint),
		UsePathStyle: true,
		Region:       tg.Region,
		Credentials:  aws.NewCredentialsCache(staticCreds(tg.creds())),
		Retryer:      aws.NopRetryer{},
		HTTPClient:   tg.HTTP,
	})
}

type staticCreds aws.Credentials

func (c staticCreds) Retrieve(context.Context) (aws.Credentials, error) {
	return aws.Credentials(c), nil
}

// Request is one raw HTTP request to the target.
type Request struct {
	Method string
	Bucket string // empty: the service root
	Key    string // raw key bytes; escaped as S3 clients escape it
	Query  string // the query as sent ("list-type=2&prefix=a%2F"), or ""
	Header map[string]string
	Body   []byte
	// Unsigned sends the request without a signature; otherwise it is
	// signed now (SigV4, header form) with the body's SHA-256 as
	// x-amz-content-sha256, or with Payload when set.
	Unsigned bool
	Payload  string
	// NoLength sends the body chunked, without Content-Length.
	NoLength bool
}

// Response is what came back, the body read whole.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// EscapeKey escapes a key for the path as S3 clients do: every byte but
// the unreserved characters and '/'.
func EscapeKey(key string) string {
	var b strings.Builder
	for i := 0; i < len(key); i++ {
		c := key[i]
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' ||
			c == '-' || c == '_' || c == '.' || c == '~' || c == '/' {
			b.WriteByte(c)
		} else {
			b.WriteString("%" + strings.ToUpper(hex.EncodeToString([]byte{c})))
		}
	}
	return b.String()
}

// Path is the escaped request path of a bucket and key.
func Path(bucket, key string) string {
	if bucket == "" {
		return "/"
	}
	if key == "" {
		return "/" + bucket
	}
	return "/" + bucket + "/" + EscapeKey(key)
}

// URL is the full URL of a bucket, key and raw query.
func (tg *Target) URL(bucket, key, query string) *url.URL {
	u, err := url.Parse(tg.Endpoint)
	if err != nil {
		panic(err)
	}
	p := Path(bucket, key)
	u.RawPath = p
	u.Path, _ = url.PathUnescape(p)
	u.RawQuery = query
	return u
}

// NewHTTPRequest builds the request, signed unless r.Unsigned.
func (tg *Target) NewHTTPRequest(r Request) (*http.Request, error) {
	var body io.Reader = bytes.NewReader(r.Body)
	if r.NoLength {
		body = io.MultiReader(bytes.NewReader(r.Body)) // no length known: chunked
	}
	req, err := http.NewRequest(r.Method, tg.URL(r.Bucket, r.Key, r.Query).String(), body)
	if err != nil {
		return nil, err
	}
	req.URL = tg.URL(r.Bucket, r.Key, r.Query)
	if r.NoLength {
		req.ContentLength = -1
	} else {
		req.ContentLength = int64(len(r.Body))
	}
	for k, v := range r.Header {
		if strings.EqualFold(k, "Host") {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	if r.Unsigned {
		return req, nil
	}
	payload := r.Payload
	if payload == "" {
		h := sha256.Sum256(r.Body)
		payload = hex.EncodeToString(h[:])
	}
	req.Header.Set("X-Amz-Content-Sha256", payload)
	s := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	err = s.SignHTTP(context.Background(), tg.creds(), req, payload, "s3", tg.Region, time.Now())
	return req, err
}

// Send sends a built request and reads the whole reply (up to 64 MiB).
func (tg *Target) Send(req *http.Request) (*Response, error) {
	resp, err := tg.HTTP.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, err
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: b}, nil
}

// Presign is a presigned URL for method on bucket/key, signed as of `at`
// and valid for `expires` (X-Amz-Expires), extra query arguments signed
// with it.
func (tg *Target) Presign(method, bucket, key string, extra url.Values, at time.Time,
	expires time.Duration) (string, error) {
	q := url.Values{}
	for k, v := range extra {
		q[k] = v
	}
	q.Set("X-Amz-Expires", itoa(int64(expires/time.Second)))
	req, err := http.NewRequest(method, tg.Endpoint, nil)
	if err != nil {
		return "", err
	}
	req.URL = tg.URL(bucket, key, strings.ReplaceAll(q.Encode(), "+", "%20"))
	s := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	u, _, err := s.PresignHTTP(context.Background(), tg.creds(), req, "UNSIGNED-PAYLOAD", "s3",
		tg.Region, at)
	return u, err
}
