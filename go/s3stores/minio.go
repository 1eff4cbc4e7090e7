package s3stores

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/url"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// Minio is the Store on minio-go's client.
type Minio struct {
	c      *minio.Client
	bucket string
	o      Options
}

// NewMinio builds a client with minio-go's defaults (its retry loop and
// checksum choices), static V4 credentials and path-style addressing.
func NewMinio(o Options) (*Minio, error) {
	if o.Bucket == "" {
		return nil, errNoBucket
	}
	u, err := url.Parse(o.Endpoint)
	if err != nil {
		return nil, err
	}
	c, err := minio.New(u.Host, &minio.Options{
		Creds:        credentials.NewStaticV4(o.AccessKey, o.SecretKey, ""),
		Secure:       u.Scheme == "https",
		Region:       o.region(),
		BucketLookup: minio.BucketLookupPath,
	})
	if err != nil {
		return nil, err
	}
	return &Minio{c: c, bucket: o.Bucket, o: o}, nil
}

func (s *Minio) Client() string { return "minio-go" }

func (s *Minio) CreateBucket(ctx context.Context) error {
	err := s.c.MakeBucket(ctx, s.bucket, minio.MakeBucketOptions{Region: s.o.region()})
	if err != nil && minio.ToErrorResponse(err).Code == minio.BucketAlreadyOwnedByYou {
		return nil
	}
	return err
}

func (s *Minio) Put(ctx context.Context, key string, body []byte) error {
	_, err := s.c.PutObject(ctx, s.bucket, key, bytes.NewReader(body), int64(len(body)), minio.PutObjectOptions{})
	return err
}

// Get reads the whole object; minio-go reports a failed GET on the first
// Read, so errors are mapped after ReadAll.
func (s *Minio) Get(ctx context.Context, key string) ([]byte, error) {
	obj, err := s.c.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{})
	if err == nil {
		defer obj.Close()
		var b []byte
		if b, err = io.ReadAll(obj); err == nil {
			return b, nil
		}
	}
	if minio.ToErrorResponse(err).Code == minio.NoSuchKey {
		return nil, s.o.notFound(key, err)
	}
	return nil, fmt.Errorf("get %q: %w", key, err)
}

func (s *Minio) Delete(ctx context.Context, key string) error {
	return s.c.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{})
}

func (s *Minio) List(ctx context.Context, prefix string) ([]string, error) {
	var keys []string
	for o := range s.c.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if o.Err != nil {
			return nil, o.Err
		}
		keys = append(keys, o.Key)
	}
	return keys, nil
}
