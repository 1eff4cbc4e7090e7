package suite_test

// Every case must be able to fail. A case some server fails (its line in
// the expectations file says on what) has been seen failing on a real
// defect; every other case must fail on a defect planted here: a mutant
// is gofakes3 behind a handler that changes one thing in the requests it
// passes on or the replies it returns, and lists the cases that must
// then fail. The same cases must pass behind a handler that changes
// nothing.

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/lhv1/harness/harness/s3conformance/expect"
	"github.com/lhv1/harness/harness/s3conformance/servers"
	"github.com/lhv1/harness/harness/s3conformance/suite"
)

type reply struct {
	status int
	header http.Header
	body   []byte
}

type mutant struct {
	name  string
	kills []string
	// req changes the request before gofakes3 sees it; a non-nil reply
	// answers it instead of gofakes3.
	req func(r *http.Request) *reply
	// resp changes gofakes3's reply.
	resp func(r *http.Request, p *reply)
}

func errorReply(status int, code string) *reply {
	return &reply{status, http.Header{"Content-Type": {"application/xml"}},
		[]byte("<Error><Code>" + code + "</Code><Message>planted</Message></Error>")}
}

func dropQuery(r *http.Request, names ...string) {
	q, _ := url.ParseQuery(r.URL.RawQuery)
	for _, n := range names {
		q.Del(n)
	}
	r.URL.RawQuery = q.Encode()
}

// bucketPath: a request on a bucket, not an object.
func bucketPath(r *http.Request) bool {
	p := strings.Trim(r.URL.Path, "/")
	return p != "" && !strings.Contains(p, "/")
}

var (
	contentsRE = regexp.MustCompile(`(?s)<Contents>.*?</Contents>`)
	ownerRE    = regexp.MustCompile(`(?s)<Owner>.*?</Owner>`)
	codeRE     = regexp.MustCompile(`<Code>[^<]*</Code>`)
)

var mutants = []mutant{
	{name: "missing-length-accepted",
		kills: []string{"object/put-missing-length"},
		req: func(r *http.Request) *reply {
			if r.Method == "PUT" && r.ContentLength < 0 {
				return &reply{200, http.Header{"ETag": {`"planted"`}}, nil}
			}
			return nil
		}},
	{name: "stored-checksum-not-returned",
		kills: []string{"checksum/get-checksum-mode", "checksum/sdk-validated-read", "checksum/copy-keeps"},
		resp: func(r *http.Request, p *reply) {
			if r.Method == "GET" || r.Method == "HEAD" {
				for _, a := range []string{"crc32", "crc32c", "sha1", "sha256"} {
					p.header.Del("x-amz-checksum-" + a)
				}
			}
		}},
	{name: "stored-checksum-wrong",
		kills: []string{"checksum/get-checksum-mode", "checksum/sdk-validated-read"},
		resp: func(r *http.Request, p *reply) {
			if r.Method == "GET" || r.Method == "HEAD" {
				if p.header.Get("x-amz-checksum-crc32c") != "" {
					p.header.Set("x-amz-checksum-crc32c", "AAAAAA==")
				}
			}
		}},
	{name: "etag-unquoted",
		kills: []string{"object/put-get-roundtrip", "object/put-empty", "object/overwrite"},
		resp: func(_ *http.Request, p *reply) {
			if e := p.header.Get("ETag"); e != "" {
				p.header.Set("ETag", strings.Trim(e, `"`))
			}
		}},
	{name: "delete-answers-200",
		kills: []string{"object/delete", "object/delete-missing", "bucket/create-head-delete"},
		resp: func(r *http.Request, p *reply) {
			if r.Method == "DELETE" && p.status == 204 {
				p.status = 200
			}
		}},
	{name: "not-found-as-forbidden",
		kills: []string{"object/get-missing", "object/head-missing", "object/get-no-bucket", "object/put-no-bucket",
			"bucket/delete-missing", "bucket/head-missing", "list/v2-no-bucket", "copy/missing-destination-bucket",
			"delete/multi-no-bucket", "list/versions-no-bucket"},
		resp: func(_ *http.Request, p *reply) {
			if p.status == 404 {
				*p = *errorReply(403, "AccessDenied")
			}
		}},
	{name: "error-code-internal",
		kills: []string{"object/key-too-long", "checksum/content-md5-bad", "checksum/content-md5-invalid",
			"bucket/delete-not-empty", "bucket/name-too-short", "bucket/name-too-long", "bucket/name-uppercase",
			"bucket/name-underscore", "bucket/name-starts-with-hyphen", "bucket/name-ends-with-hyphen",
			"bucket/name-ends-with-dot", "range/start-past-size", "range/empty-object", "copy/source-without-key",
			"delete/multi-malformed", "list/versions-id-marker-alone"},
		resp: func(_ *http.Request, p *reply) {
			if p.status >= 400 {
				p.body = codeRE.ReplaceAll(p.body, []byte("<Code>InternalError</Code>"))
			}
		}},
	{name: "body-short-by-one",
		kills: []string{"object/put-get-roundtrip", "object/key-special-characters", "object/large-body",
			"range/first-bytes", "range/middle", "range/open-end", "range/suffix", "range/end-past-size",
			"range/single-byte"},
		resp: func(r *http.Request, p *reply) {
			if r.Method == "GET" && (p.status == 200 || p.status == 206) && len(p.body) > 0 &&
				!bytes.HasPrefix(p.body, []byte("<?xml")) {
				p.body = p.body[:len(p.body)-1]
			}
		}},
	{name: "range-ignored",
		kills: []string{"range/first-bytes", "range/middle", "range/open-end", "range/suffix", "range/end-past-size",
			"range/single-byte", "range/start-past-size", "range/empty-object", "range/head"},
		req: func(r *http.Request) *reply { r.Header.Del("Range"); return nil }},
	{name: "no-accept-ranges",
		kills: []string{"range/accept-ranges"},
		resp:  func(_ *http.Request, p *reply) { p.header.Del("Accept-Ranges") }},
	{name: "empty-user-metadata-dropped",
		kills: []string{"meta/user-metadata-empty-value"},
		resp: func(_ *http.Request, p *reply) {
			for k, v := range p.header {
				if strings.HasPrefix(k, "X-Amz-Meta-") && len(v) == 1 && v[0] == "" {
					p.header.Del(k)
				}
			}
		}},
	{name: "listing-reversed",
		kills: []string{"list/v2-utf8-order", "list/v2-prefix", "list/v1-pages", "list/v2-sdk-paginator"},
		resp: func(_ *http.Request, p *reply) {
			all := contentsRE.FindAll(p.body, -1)
			if len(all) < 2 {
				return
			}
			i := len(all)
			p.body = contentsRE.ReplaceAllFunc(p.body, func([]byte) []byte { i--; return all[i] })
		}},
	{name: "prefix-ignored",
		kills: []string{"list/v2-prefix", "list/v2-prefix-ending-in-delimiter"},
		req:   func(r *http.Request) *reply { dropQuery(r, "prefix"); return nil }},
	{name: "delimiter-ignored",
		kills: []string{"list/v2-delimiter", "list/v2-delimiter-other-than-slash", "list/v1-next-marker-with-delimiter",
			"list/v2-prefix-ending-in-delimiter"},
		req: func(r *http.Request) *reply { dropQuery(r, "delimiter"); return nil }},
	{name: "continuation-ignored",
		kills: []string{"list/v2-sdk-paginator", "list/v1-pages", "list/v1-next-marker-with-delimiter"},
		req:   func(r *http.Request) *reply { dropQuery(r, "continuation-token", "marker"); return nil }},
	{name: "ghost-key-listed",
		kills: []string{"bucket/delete-then-recreate-empty", "list/v2-delimiter"},
		resp: func(_ *http.Request, p *reply) {
			p.body = bytes.Replace(p.body, []byte("</ListBucketResult>"),
				[]byte("<Contents><Key>ghost</Key><Size>0</Size></Contents></ListBucketResult>"), 1)
		}},
	{name: "bucket-names-unchecked",
		kills: []string{"bucket/name-too-short", "bucket/name-too-long", "bucket/name-uppercase", "bucket/name-underscore",
			"bucket/name-starts-with-hyphen", "bucket/name-ends-with-hyphen", "bucket/name-ends-with-dot",
			"bucket/name-adjacent-dots", "bucket/name-ip-address", "bucket/name-dot-hyphen", "bucket/name-hyphen-dot"},
		resp: func(r *http.Request, p *reply) {
			if r.Method == "PUT" && bucketPath(r) && p.status == 400 {
				*p = reply{200, http.Header{}, nil}
			}
		}},
	{name: "bucket-names-too-strict",
		kills: []string{"bucket/name-3-characters", "bucket/name-63-characters"},
		req: func(r *http.Request) *reply {
			if n := len(strings.Trim(r.URL.Path, "/")); r.Method == "PUT" && bucketPath(r) && (n == 3 || n == 63) {
				return errorReply(400, "InvalidBucketName")
			}
			return nil
		}},
	{name: "create-bucket-without-location",
		kills: []string{"bucket/create-head-delete"},
		resp: func(r *http.Request, p *reply) {
			if r.Method == "PUT" && bucketPath(r) {
				p.header.Del("Location")
			}
		}},
	{name: "delete-bucket-not-empty-succeeds",
		kills: []string{"bucket/delete-not-empty"},
		resp: func(r *http.Request, p *reply) {
			if r.Method == "DELETE" && p.status == 409 {
				*p = reply{204, http.Header{}, nil}
			}
		}},
	{name: "list-buckets-without-owner",
		kills: []string{"bucket/list-buckets"},
		resp: func(r *http.Request, p *reply) {
			if r.URL.Path == "/" {
				p.body = ownerRE.ReplaceAll(p.body, nil)
			}
		}},
	{name: "location-elsewhere",
		kills: []string{"bucket/location"},
		req: func(r *http.Request) *reply {
			if _, ok := r.URL.Query()["location"]; ok {
				return &reply{200, http.Header{"Content-Type": {"application/xml"}},
					[]byte(`<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">eu-west-1</LocationConstraint>`)}
			}
			return nil
		}},
	{name: "content-md5-unchecked",
		kills: []string{"checksum/content-md5-bad", "checksum/content-md5-invalid"},
		req:   func(r *http.Request) *reply { r.Header.Del("Content-MD5"); return nil }},
	{name: "content-md5-refused",
		kills: []string{"checksum/content-md5-good"},
		req: func(r *http.Request) *reply {
			if r.Header.Get("Content-MD5") != "" {
				return errorReply(400, "BadDigest")
			}
			return nil
		}},
	{name: "preconditions-ignored",
		kills: []string{"cond/get-if-none-match", "cond/get-if-modified-since-equal",
			"cond/get-if-none-match-beats-modified-since", "cond/head-if-none-match", "cond/head-if-modified-since-equal",
			"cond/put-if-none-match-exists", "cond/put-if-match-stale", "cond/put-sdk-two-writers"},
		req: func(r *http.Request) *reply {
			for _, h := range []string{"If-Match", "If-None-Match", "If-Modified-Since", "If-Unmodified-Since"} {
				r.Header.Del(h)
			}
			return nil
		}},
	{name: "preconditions-always-fail",
		kills: []string{"cond/get-if-match", "cond/get-if-match-beats-unmodified-since", "cond/get-if-modified-since-earlier",
			"cond/get-if-none-match-other", "cond/get-if-unmodified-since-equal", "cond/put-if-match",
			"cond/put-if-none-match-new"},
		req: func(r *http.Request) *reply {
			for _, h := range []string{"If-Match", "If-None-Match", "If-Modified-Since", "If-Unmodified-Since"} {
				if r.Header.Get(h) != "" {
					return errorReply(412, "PreconditionFailed")
				}
			}
			return nil
		}},
	{name: "copy-source-ignored", // a plain PUT of an empty body
		kills: []string{"copy/basic", "copy/across-buckets", "copy/source-key-encoded", "copy/sdk", "copy/missing-source",
			"copy/missing-source-bucket", "copy/source-version-null", "copy/if-match-same", "copy/if-none-match-other",
			"copy/if-unmodified-since-later", "copy/if-modified-since-earlier", "copy/if-match-over-unmodified-since"},
		req: func(r *http.Request) *reply { r.Header.Del("x-amz-copy-source"); return nil }},
	{name: "copy-conditions-always-fail",
		kills: []string{"copy/if-match-same", "copy/if-none-match-other", "copy/if-unmodified-since-later",
			"copy/if-modified-since-earlier", "copy/if-match-over-unmodified-since"},
		req: func(r *http.Request) *reply {
			for h := range r.Header {
				if strings.HasPrefix(strings.ToLower(h), "x-amz-copy-source-if-") {
					return errorReply(412, "PreconditionFailed")
				}
			}
			return nil
		}},
	{name: "copy-request-metadata-ignored", // REPLACE given the source's x-amz-meta-*
		kills: []string{"copy/onto-itself-replace"},
		req: func(r *http.Request) *reply {
			if r.Header.Get("x-amz-copy-source") != "" {
				for h := range r.Header {
					if strings.HasPrefix(strings.ToLower(h), "x-amz-meta-") {
						r.Header.Del(h)
					}
				}
			}
			return nil
		}},
	{name: "multi-delete-ignored", // answers as if every key were deleted
		kills: []string{"delete/multi", "delete/multi-quiet", "delete/multi-sdk", "delete/multi-checksum-header",
			"delete/multi-1000-keys"},
		req: func(r *http.Request) *reply {
			if _, ok := r.URL.Query()["delete"]; ok && r.Method == "POST" {
				return &reply{200, http.Header{"Content-Type": {"application/xml"}},
					[]byte(`<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></DeleteResult>`)}
			}
			return nil
		}},
	{name: "version-id-refused",
		kills: []string{"list/versions-get-version-null", "list/versions-sdk-cleanup"},
		req: func(r *http.Request) *reply {
			if _, ok := r.URL.Query()["versionId"]; ok {
				return errorReply(400, "InvalidArgument")
			}
			return nil
		}},
	{name: "last-modified-skewed-on-get",
		kills: []string{"object/last-modified-consistent"},
		resp: func(r *http.Request, p *reply) {
			if t, err := http.ParseTime(p.header.Get("Last-Modified")); r.Method == "GET" && err == nil {
				p.header.Set("Last-Modified", t.Add(time.Hour).UTC().Format(http.TimeFormat))
			}
		}},
	{name: "non-ascii-keys-refused",
		kills: []string{"object/key-special-characters"},
		req: func(r *http.Request) *reply {
			if strings.IndexFunc(r.URL.Path, func(c rune) bool { return c > 0x7e }) >= 0 {
				return errorReply(400, "InvalidArgument")
			}
			return nil
		}},
	{name: "key-length-unchecked",
		kills: []string{"object/key-too-long"},
		resp: func(_ *http.Request, p *reply) {
			if bytes.Contains(p.body, []byte("KeyTooLongError")) {
				*p = reply{200, http.Header{"ETag": {`"x"`}}, nil}
			}
		}},
}

// serve runs gofakes3 (fresh, in memory) behind m; the zero mutant
// changes nothing.
func serve(t *testing.T, m mutant) *suite.Target {
	fake := gofakes3.New(s3mem.New(), gofakes3.WithLogger(gofakes3.DiscardLog())).Server()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p *reply
		if m.req != nil {
			p = m.req(r)
		}
		if p == nil {
			rec := httptest.NewRecorder()
			fake.ServeHTTP(rec, r)
			p = &reply{rec.Code, rec.Header().Clone(), rec.Body.Bytes()}
			if m.resp != nil {
				m.resp(r, p)
			}
		}
		for k, v := range p.header {
			w.Header()[k] = v
		}
		if r.Method != "HEAD" {
			w.Header().Set("Content-Length", strconv.Itoa(len(p.body)))
		}
		w.WriteHeader(p.status)
		w.Write(p.body)
	}))
	t.Cleanup(srv.Close)
	return suite.NewTarget("mutant-"+m.name, srv.URL, servers.AccessKey, servers.SecretKey)
}

func byName() map[string]suite.Case {
	m := map[string]suite.Case{}
	for _, c := range suite.Cases() {
		m[c.Name] = c
	}
	return m
}

func TestMutantsAreCaught(t *testing.T) {
	cases := byName()
	clean := serve(t, mutant{name: "none"})
	passesClean := map[string]bool{}
	for i, c := range suite.Cases() {
		passesClean[c.Name] = suite.RunCase(clean, c, i+1).Pass
	}
	for _, m := range mutants {
		t.Run(m.name, func(t *testing.T) {
			tgt := serve(t, m)
			for i, name := range m.kills {
				c, ok := cases[name]
				if !ok {
					t.Fatalf("no case %q", name)
				}
				if !passesClean[name] {
					t.Errorf("%s fails on gofakes3 without the mutation: it cannot show this defect", name)
					continue
				}
				if res := suite.RunCase(tgt, c, i+1); res.Pass {
					t.Errorf("%s passes with the defect planted", name)
				}
			}
		})
	}
}

// TestEveryCaseCanFail: each case fails on a listed defect of some server
// or on a mutant above.
func TestEveryCaseCanFail(t *testing.T) {
	var names []string
	for _, c := range suite.Cases() {
		names = append(names, c.Name)
	}
	list, err := expect.ParseFile(filepath.Join("..", "expectations.txt"), servers.All, names)
	if err != nil {
		t.Fatal(err)
	}
	shown := map[string]bool{}
	for _, m := range mutants {
		for _, k := range m.kills {
			shown[k] = true
		}
	}
	for _, s := range servers.All {
		for c := range list[s] {
			shown[c] = true
		}
	}
	for _, n := range names {
		if !shown[n] {
			t.Errorf("%s: no server's listed failure and no mutant shows it failing", n)
		}
	}
}
