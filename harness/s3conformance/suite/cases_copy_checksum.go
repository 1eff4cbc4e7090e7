package suite

import (
	"context"
	"encoding/xml"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// copyResultChecksums is what CopyObjectResult says of the copy's checksum.
type copyResultChecksums struct {
	XMLName        xml.Name `xml:"CopyObjectResult"`
	ChecksumType   string   `xml:"ChecksumType"`
	ChecksumCRC32  string   `xml:"ChecksumCRC32"`
	ChecksumCRC32C string   `xml:"ChecksumCRC32C"`
	ChecksumSHA1   string   `xml:"ChecksumSHA1"`
	ChecksumSHA256 string   `xml:"ChecksumSHA256"`
}

// CopyObject's result names the checksum the copy is stored with.
func init() {
	register(
		Case{"copy/result-checksum",
			"CopyObject of an object PutObject gave a SHA-1 checksum: CopyObjectResult holds ChecksumSHA1 (the source's, carried); with x-amz-checksum-algorithm CRC32 it holds ChecksumCRC32 of the body instead, and aws-sdk-go-v2's CopyObject reads it (API CopyObjectResult)",
			func(t *T) {
				b := t.NewBucket()
				sha1 := algorithms[2].sum(checksumBody)
				crc := algorithms[0].sum(checksumBody)
				t.Put(b, "src", checksumBody, hdr(algorithms[2].header, sha1))
				var res copyResultChecksums
				r := t.copyObject(b, "carried", copySource(b, "src"), nil)
				if t.Status("CopyObject", r, 200) && t.XML("CopyObject", r, &res) {
					Equal(t, "CopyObjectResult ChecksumSHA1", res.ChecksumSHA1, sha1)
					Equal(t, "CopyObjectResult ChecksumCRC32", res.ChecksumCRC32, "")
				}
				res = copyResultChecksums{}
				r = t.copyObject(b, "computed", copySource(b, "src"),
					map[string]string{"x-amz-checksum-algorithm": "CRC32"})
				if t.Status("CopyObject CRC32", r, 200) && t.XML("CopyObject CRC32", r, &res) {
					Equal(t, "CopyObjectResult ChecksumCRC32", res.ChecksumCRC32, crc)
					Equal(t, "CopyObjectResult ChecksumSHA1", res.ChecksumSHA1, "")
				}
				out, err := t.SDK().CopyObject(context.Background(), &s3.CopyObjectInput{
					Bucket: aws.String(b), Key: aws.String("sdk"),
					CopySource:        aws.String(copySource(b, "src")),
					ChecksumAlgorithm: types.ChecksumAlgorithmCrc32})
				if err != nil {
					t.Fatalf("CopyObject (aws-sdk-go-v2): %v", err)
				}
				if out.CopyObjectResult == nil {
					t.Fatalf("CopyObject (aws-sdk-go-v2): no CopyObjectResult")
				}
				Equal(t, "aws-sdk-go-v2 CopyObjectResult.ChecksumCRC32",
					aws.ToString(out.CopyObjectResult.ChecksumCRC32), crc)
			}},
	)
}
