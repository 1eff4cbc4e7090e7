package suite

// A PutObject body of unknown length: S3 takes it only as aws-chunked
// (a STREAMING-* payload hash) with x-amz-decoded-content-length. A plain
// body in HTTP chunked framing is answered as S3 answers a header whose
// functionality it does not implement (docs/S3.md, "Transfer-Encoding").
func init() {
	register(
		Case{"object/put-chunked-not-aws-chunked",
			"PutObject with Transfer-Encoding: chunked, no Content-Length and a payload hash that is not STREAMING-* (unsigned, or the body's SHA-256): 501 NotImplemented (\"A header you provided implies functionality that is not implemented\", Header Transfer-Encoding); nothing stored",
			func(t *T) {
				b := t.NewBucket()
				body := []byte("chunked body")
				r := t.Do(Request{Method: "PUT", Bucket: b, Key: "k", Body: body,
					NoLength: true, Payload: "UNSIGNED-PAYLOAD"})
				t.Error("PUT, UNSIGNED-PAYLOAD", r, 501, "NotImplemented")
				r = t.Do(Request{Method: "PUT", Bucket: b, Key: "k", Body: body, NoLength: true})
				t.Error("PUT, the body's SHA-256", r, 501, "NotImplemented")
				// Content-Encoding is not signed framing: the signed
				// UNSIGNED-PAYLOAD says the body is plain.
				r = t.Do(Request{Method: "PUT", Bucket: b, Key: "k", Body: body,
					NoLength: true, Payload: "UNSIGNED-PAYLOAD",
					Header: hdr("Content-Encoding", "aws-chunked", "x-amz-decoded-content-length", "3")})
				t.Error("PUT with Content-Encoding aws-chunked", r, 501, "NotImplemented")
				t.Error("GET after the refused PUTs", t.Get(b, "k", nil), 404, "NoSuchKey")
			}},
	)
}
