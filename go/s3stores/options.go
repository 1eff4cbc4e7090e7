// Package s3stores implements the upstream persistor's Store on two real
// S3 clients, aws-sdk-go-v2 and minio-go, each with its default retry and
// checksum behaviour, against one path-style endpoint and bucket. Only S3's
// NoSuchKey becomes the typed model.ErrKeyNotFound (tested with errors.Is,
// as upstream does); every other failure stays a store error.
package s3stores

import (
	"context"
	"errors"
	"fmt"

	"github.com/lhv1/harness/golden/gen/model"
)

// Options says where the store lives. Endpoint is a base URL such as
// "http://127.0.0.1:9000"; the bucket is addressed path-style.
type Options struct {
	Endpoint  string
	Bucket    string
	AccessKey string
	SecretKey string
	Region    string // default us-east-1
}

func (o Options) region() string {
	if o.Region == "" {
		return "us-east-1"
	}
	return o.Region
}

// Store is model.Store plus bucket creation, for tests and campaigns.
type Store interface {
	model.Store
	// CreateBucket creates the bucket; an existing one owned by the caller
	// is not an error.
	CreateBucket(ctx context.Context) error
	Client() string // "aws-sdk-go-v2" or "minio-go"
}

// notFound wraps the client's error so that errors.Is finds both
// model.ErrKeyNotFound and the original.
func notFound(key string, err error) error {
	return fmt.Errorf("%w: %q: %w", model.ErrKeyNotFound, key, err)
}

var errNoBucket = errors.New("s3stores: Options.Bucket is empty")
