package suite

import (
	"bytes"
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"hash"
	"hash/crc32"
	"hash/crc64"
	"io"
	"math/bits"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

var checksumBody = []byte("checksummed body")

func b64sum(h hash.Hash, body []byte) string {
	h.Write(body)
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

func crc32Of(tab *crc32.Table, body []byte) string {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], crc32.Checksum(body, tab))
	return base64.StdEncoding.EncodeToString(b[:])
}

// CRC-64/NVME (reflected polynomial 0xad93d23594c93659, S3's
// x-amz-checksum-crc64nvme).
var crc64nvme = crc64.MakeTable(bits.Reverse64(0xad93d23594c93659))

func crc64Of(body []byte) string {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], crc64.Checksum(body, crc64nvme))
	return base64.StdEncoding.EncodeToString(b[:])
}

type algorithm struct {
	name, header string
	sum          func([]byte) string
}

var algorithms = []algorithm{
	{"crc32", "x-amz-checksum-crc32", func(b []byte) string { return crc32Of(crc32.IEEETable, b) }},
	{"crc32c", "x-amz-checksum-crc32c", func(b []byte) string { return crc32Of(crc32.MakeTable(crc32.Castagnoli), b) }},
	{"sha1", "x-amz-checksum-sha1", func(b []byte) string { return b64sum(sha1.New(), b) }},
	{"sha256", "x-amz-checksum-sha256", func(b []byte) string { return b64sum(sha256.New(), b) }},
	{"crc64nvme", "x-amz-checksum-crc64nvme", crc64Of},
}

// putChecksumBody is PutObject of checksumBody at b/k with one header.
func (t *T) putChecksumBody(b, name, value string) *Response {
	return t.Do(Request{Method: "PUT", Bucket: b, Key: "k", Body: checksumBody, Header: hdr(name, value)})
}

// putChecksummed stores checksumBody at b/key with a's checksum; the sum.
func (t *T) putChecksummed(b, key string, a algorithm) string {
	sum := a.sum(checksumBody)
	t.Put(b, key, checksumBody, hdr(a.header, sum))
	return sum
}

// getAndHead reads b/k with GetObject and HeadObject, headers h on both,
// and has check judge each reply.
func (t *T) getAndHead(b string, h map[string]string, check func(op string, r *Response)) {
	check("GET", t.Get(b, "k", h))
	check("HEAD", t.Do(Request{Method: "HEAD", Bucket: b, Key: "k", Header: h}))
}

func checksumGood(a algorithm) Case {
	return Case{"checksum/" + a.name + "-good",
		"PutObject " + a.header + " matching the body: 200, the checksum echoed in the reply",
		func(t *T) {
			b := t.NewBucket()
			sum := a.sum(checksumBody)
			r := t.putChecksumBody(b, a.header, sum)
			if t.Status("PUT", r, 200) {
				t.HeaderIs("PUT", r, a.header, sum)
				t.Stored("PUT", b, "k", checksumBody)
			}
		}}
}

func checksumBad(a algorithm) Case {
	return Case{"checksum/" + a.name + "-bad",
		"PutObject " + a.header + " not matching the body: 400 BadDigest, nothing stored",
		func(t *T) {
			b := t.NewBucket()
			r := t.putChecksumBody(b, a.header, a.sum([]byte("another body")))
			t.Error("PUT", r, 400, "BadDigest")
			t.Stored("PUT refused", b, "k", nil)
		}}
}

// Content-MD5, the additional checksums, x-amz-content-sha256.
func init() {
	for _, a := range algorithms {
		register(checksumGood(a), checksumBad(a))
	}
	register(
		Case{"checksum/content-md5-good",
			"PutObject Content-MD5 matching the body: 200",
			func(t *T) {
				b := t.NewBucket()
				r := t.putChecksumBody(b, "Content-MD5", contentMD5(checksumBody))
				if t.Status("PUT", r, 200) {
					t.Stored("PUT", b, "k", checksumBody)
				}
			}},
		Case{"checksum/content-md5-bad",
			"PutObject Content-MD5 not matching the body: 400 BadDigest, nothing stored",
			func(t *T) {
				b := t.NewBucket()
				r := t.putChecksumBody(b, "Content-MD5", contentMD5([]byte("other")))
				t.Error("PUT", r, 400, "BadDigest")
				t.Stored("PUT refused", b, "k", nil)
			}},
		Case{"checksum/content-md5-invalid",
			"PutObject Content-MD5 that is not the base64 of 16 bytes: 400 InvalidDigest",
			func(t *T) {
				b := t.NewBucket()
				r := t.putChecksumBody(b, "Content-MD5", "not-base64!")
				t.Error("PUT", r, 400, "InvalidDigest")
			}},
		Case{"checksum/content-sha256-mismatch",
			"PutObject whose signed x-amz-content-sha256 is not the body's: 400 XAmzContentSHA256Mismatch, nothing stored",
			func(t *T) {
				b := t.NewBucket()
				other := sha256.Sum256([]byte("another body"))
				r := t.Do(Request{Method: "PUT", Bucket: b, Key: "k", Body: checksumBody,
					Payload: hexOf(other[:])})
				t.Error("PUT", r, 400, "XAmzContentSHA256Mismatch")
				t.Stored("PUT refused", b, "k", nil)
			}},
		Case{"checksum/get-checksum-mode",
			"GetObject and HeadObject with x-amz-checksum-mode: ENABLED return the checksum stored by PutObject",
			func(t *T) {
				b := t.NewBucket()
				a := algorithms[1]
				sum := t.putChecksummed(b, "k", a)
				t.getAndHead(b, hdr("x-amz-checksum-mode", "ENABLED"), func(op string, r *Response) {
					t.HeaderIs(op, r, a.header, sum)
				})
			}},
		Case{"checksum/get-checksum-type",
			"GetObject and HeadObject with x-amz-checksum-mode: ENABLED on an object PutObject gave a checksum: x-amz-checksum-type FULL_OBJECT",
			func(t *T) {
				b := t.NewBucket()
				t.putChecksummed(b, "k", algorithms[3])
				t.getAndHead(b, hdr("x-amz-checksum-mode", "ENABLED"), func(op string, r *Response) {
					t.HeaderIs(op, r, "x-amz-checksum-type", "FULL_OBJECT")
				})
			}},
		Case{"checksum/not-without-mode",
			"GetObject and HeadObject without x-amz-checksum-mode: no x-amz-checksum-* (the mode \"must be enabled\" to retrieve it)",
			func(t *T) {
				b := t.NewBucket()
				a := algorithms[0]
				t.putChecksummed(b, "k", a)
				t.getAndHead(b, nil, func(op string, r *Response) { t.NoHeader(op, r, a.header) })
			}},
		Case{"checksum/range-none",
			"GetObject with Range and x-amz-checksum-mode: ENABLED: 206 without the full object's checksum (S3 omits it on a range)",
			func(t *T) {
				b := t.NewBucket()
				a := algorithms[1]
				t.putChecksummed(b, "k", a)
				g := t.Get(b, "k", map[string]string{"x-amz-checksum-mode": "ENABLED", "Range": "bytes=0-3"})
				if t.Status("GET Range", g, 206) {
					t.NoHeader("GET Range", g, a.header)
					t.NoHeader("GET Range", g, "x-amz-checksum-type")
				}
			}},
		Case{"checksum/copy-keeps",
			"CopyObject (COPY and REPLACE directives) of an object PutObject gave a checksum: the copy's GetObject with x-amz-checksum-mode: ENABLED returns it (the body is the same)",
			func(t *T) {
				b := t.NewBucket()
				a := algorithms[2]
				sum := t.putChecksummed(b, "src", a)
				mode := hdr("x-amz-checksum-mode", "ENABLED")
				for _, d := range []string{"COPY", "REPLACE"} {
					c := t.Do(Request{Method: "PUT", Bucket: b, Key: "copy-" + d, Header: map[string]string{
						"x-amz-copy-source": "/" + b + "/src", "x-amz-metadata-directive": d}})
					if t.Status("CopyObject "+d, c, 200) {
						t.HeaderIs("GET copy "+d, t.Get(b, "copy-"+d, mode), a.header, sum)
					}
				}
			}},
		Case{"checksum/copy-other-algorithm",
			"CopyObject with x-amz-checksum-algorithm CRC32 of an object PutObject gave a SHA-1: the copy's checksum is the CRC32 of its body, in place of the source's",
			func(t *T) {
				b := t.NewBucket()
				t.putChecksummed(b, "src", algorithms[2])
				c := t.Do(Request{Method: "PUT", Bucket: b, Key: "copy", Header: map[string]string{
					"x-amz-copy-source": "/" + b + "/src", "x-amz-checksum-algorithm": "CRC32"}})
				if t.Status("CopyObject", c, 200) {
					g := t.Get(b, "copy", hdr("x-amz-checksum-mode", "ENABLED"))
					t.HeaderIs("GET copy", g, algorithms[0].header, algorithms[0].sum(checksumBody))
					t.NoHeader("GET copy", g, algorithms[2].header)
				}
			}},
		Case{"checksum/sdk-validated-read",
			"aws-sdk-go-v2 PutObject with ChecksumAlgorithm CRC32C, then GetObject with ChecksumMode ENABLED: the SDK validates the stored checksum",
			func(t *T) {
				b := t.NewBucket()
				ctx := context.Background()
				_, err := t.SDK().PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(b), Key: aws.String("k"),
					Body: bytes.NewReader(checksumBody), ChecksumAlgorithm: types.ChecksumAlgorithmCrc32c})
				if err != nil {
					t.Fatalf("PutObject: %v", err)
				}
				out, err := t.SDK().GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(b), Key: aws.String("k"),
					ChecksumMode: types.ChecksumModeEnabled})
				if err != nil {
					t.Fatalf("GetObject: %v", err)
				}
				body, err := io.ReadAll(out.Body)
				out.Body.Close()
				if err != nil {
					t.Fatalf("GetObject body: %v", err)
				}
				if !bytes.Equal(body, checksumBody) {
					t.Errorf("GetObject body differs")
				}
				Equal(t, "ChecksumCRC32C", aws.ToString(out.ChecksumCRC32C), algorithms[1].sum(checksumBody))
			}},
	)
}

func hexOf(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 2*len(b))
	for i, c := range b {
		out[2*i], out[2*i+1] = digits[c>>4], digits[c&15]
	}
	return string(out)
}
