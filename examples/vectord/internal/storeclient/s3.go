package storeclient

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
)

// ErrPreconditionFailed is the store's typed refusal of a conditional
// write: the object is no longer the version the writer read (S3's 412
// PreconditionFailed, 409 ConditionalRequestConflict, or 404 NoSuchKey
// on If-Match: it was deleted), or it exists when the writer meant to
// create it.
var ErrPreconditionFailed = errors.New("storeclient: precondition failed")

// S3Config says where the store lives; the bucket is addressed path-style.
type S3Config struct {
	Endpoint, Bucket, AccessKey, SecretKey, Region string
}

// S3 is the store on aws-sdk-go-v2 (the SDK's default retryer and
// checksums), with conditional writes.
type S3 struct {
	c      *s3.Client
	bucket string
}

func NewS3(cfg S3Config) *S3 {
	region := cfg.Region
	if region == "" {
		region = "us-east-1"
	}
	c := s3.NewFromConfig(aws.Config{
		Region:      region,
		Credentials: credentials.NewStaticCredentialsProvider(cfg.AccessKey, cfg.SecretKey, ""),
	}, func(o *s3.Options) {
		o.BaseEndpoint = aws.String(cfg.Endpoint)
		o.UsePathStyle = true
	})
	return &S3{c: c, bucket: cfg.Bucket}
}

func (s *S3) CreateBucket(ctx context.Context) error {
	_, err := s.c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(s.bucket)})
	if apiCode(err) == "BucketAlreadyOwnedByYou" {
		return nil
	}
	return err
}

func (s *S3) Put(ctx context.Context, key string, body []byte) error {
	_, err := s.PutIf(ctx, key, body, nil)
	return err
}

// PutIf writes body under key. A nil ifMatch writes unconditionally; ""
// writes only if no object exists (If-None-Match: *); an ETag writes only
// if the object still has it (If-Match). A refusal wraps
// ErrPreconditionFailed. It returns the new object's ETag.
func (s *S3) PutIf(ctx context.Context, key string, body []byte, ifMatch *string) (string, error) {
	in := &s3.PutObjectInput{
		Bucket:        aws.String(s.bucket),
		Key:           aws.String(key),
		Body:          bytes.NewReader(body),
		ContentLength: aws.Int64(int64(len(body))),
	}
	switch {
	case ifMatch == nil:
	case *ifMatch == "":
		in.IfNoneMatch = aws.String("*")
	default:
		in.IfMatch = aws.String(*ifMatch)
	}
	out, err := s.c.PutObject(ctx, in)
	if err != nil {
		switch code := apiCode(err); {
		case code == "PreconditionFailed", code == "ConditionalRequestConflict",
			code == "NoSuchKey" && in.IfMatch != nil:
			return "", fmt.Errorf("put %q: %w: %w", key, ErrPreconditionFailed, err)
		}
		return "", fmt.Errorf("put %q: %w", key, err)
	}
	return aws.ToString(out.ETag), nil
}

func (s *S3) Get(ctx context.Context, key string) ([]byte, error) {
	body, _, err := s.GetVersion(ctx, key)
	return body, err
}

// GetVersion returns the object and its ETag; S3's NoSuchKey wraps
// ErrKeyNotFound.
func (s *S3) GetVersion(ctx context.Context, key string) ([]byte, string, error) {
	out, err := s.c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(key)})
	if err != nil {
		if apiCode(err) == "NoSuchKey" {
			return nil, "", fmt.Errorf("get %q: %w: %w", key, ErrKeyNotFound, err)
		}
		return nil, "", fmt.Errorf("get %q: %w", key, err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		return nil, "", fmt.Errorf("get %q: reading the body: %w", key, err)
	}
	return b, aws.ToString(out.ETag), nil
}

func (s *S3) Delete(ctx context.Context, key string) error {
	_, err := s.c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(key)})
	return err
}

func (s *S3) List(ctx context.Context, prefix string) ([]string, error) {
	var keys []string
	p := s3.NewListObjectsV2Paginator(s.c, &s3.ListObjectsV2Input{Bucket: aws.String(s.bucket), Prefix: aws.String(prefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, o := range page.Contents {
			keys = append(keys, aws.ToString(o.Key))
		}
	}
	return keys, nil
}

// apiCode is the S3 error code of err ("" when it is not an API error).
func apiCode(err error) string {
	var api smithy.APIError
	if errors.As(err, &api) {
		return api.ErrorCode()
	}
	return ""
}
