package suite_test

// Mutants of the stored metadata, the response-* overrides, the listing
// fields and presigned URLs (see mutants_test.go): the defects lhv1 serve
// had.

import (
	"bytes"
	"net/http"
	"regexp"
	"strings"
)

var echoedFieldRE = []*regexp.Regexp{
	regexp.MustCompile(`<Marker>[^<]*</Marker>`),
	regexp.MustCompile(`<StartAfter>[^<]*</StartAfter>`),
	regexp.MustCompile(`<ContinuationToken>[^<]*</ContinuationToken>`),
}

// objectPath: a request on an object.
func objectPath(r *http.Request) bool {
	return strings.Contains(strings.Trim(r.URL.Path, "/"), "/")
}

func init() {
	mutants = append(mutants,
		mutant{name: "stored-headers-dropped",
			kills: []string{"meta/content-type", "meta/content-disposition", "meta/content-encoding",
				"meta/user-metadata"},
			req: func(r *http.Request) *reply {
				if r.Method == "PUT" && objectPath(r) {
					for name := range r.Header {
						l := strings.ToLower(name)
						if strings.HasPrefix(l, "x-amz-meta-") || l == "content-type" ||
							l == "content-disposition" || l == "content-encoding" {
							r.Header.Del(name)
						}
					}
				}
				return nil
			}},
		mutant{name: "response-overrides-ignored",
			kills: []string{"meta/response-content-type", "meta/response-content-language", "meta/response-expires",
				"meta/response-cache-control", "meta/response-content-disposition", "meta/response-content-encoding"},
			req: func(r *http.Request) *reply {
				dropQuery(r, "response-content-type", "response-content-language", "response-expires",
					"response-cache-control", "response-content-disposition", "response-content-encoding")
				return nil
			}},
		mutant{name: "metadata-unbounded",
			kills: []string{"meta/user-metadata-too-large"},
			req: func(r *http.Request) *reply {
				for name, v := range r.Header {
					if strings.HasPrefix(strings.ToLower(name), "x-amz-meta-") && len(v) == 1 && len(v[0]) > 1024 {
						r.Header.Set(name, v[0][:8]) // the server sees little: no refusal
					}
				}
				return nil
			}},
		mutant{name: "list-arguments-not-echoed",
			kills: []string{"list/v1-marker", "list/v2-start-after", "list/v2-max-keys-pages",
				"list/v2-token-and-start-after"},
			resp: func(_ *http.Request, p *reply) {
				for _, re := range echoedFieldRE {
					p.body = re.ReplaceAll(p.body, nil)
				}
			}},
		mutant{name: "presigned-refused",
			kills: []string{"presign/get-sdk", "presign/head", "presign/response-override", "presign/put-sdk",
				"presign/head-sdk"},
			req: func(r *http.Request) *reply {
				if r.URL.Query().Get("X-Amz-Signature") != "" {
					return errorReply(403, "AccessDenied")
				}
				return nil
			}},
		mutant{name: "next-marker-without-delimiter",
			kills: []string{"list/v1-next-marker-only-with-delimiter"},
			resp: func(r *http.Request, p *reply) {
				if r.Method == "GET" && bucketPath(r) && r.URL.Query().Get("list-type") == "" &&
					bytes.Contains(p.body, []byte("<IsTruncated>true</IsTruncated>")) &&
					!bytes.Contains(p.body, []byte("<NextMarker>")) {
					p.body = bytes.Replace(p.body, []byte("</ListBucketResult>"),
						[]byte("<NextMarker>k1</NextMarker></ListBucketResult>"), 1)
				}
			}},
	)
}
