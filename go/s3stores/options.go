// Package s3stores implements the upstream persistor's Store on two real
// S3 clients, aws-sdk-go-v2 and minio-go, each with its default retry and
// checksum behaviour, against one path-style endpoint and bucket. Only S3's
// NoSuchKey becomes the typed not-found, and it is yours
// (Options.NotFound): a Persistor testing errors.Is(err,
// storeclient.ErrKeyNotFound) sees its own sentinel; every other failure
// stays a store error.
package s3stores

import (
	"context"
	"errors"
	"fmt"

	"github.com/lhv1/harness/go/lhv1test"
)

// Options says where the store lives. Endpoint is a base URL such as
// "http://127.0.0.1:9000"; the bucket is addressed path-style.
type Options struct {
	Endpoint  string
	Bucket    string
	AccessKey string
	SecretKey string
	Region    string // default us-east-1
	// NotFound builds the error Get returns for S3's NoSuchKey: your
	// client's typed not-found, e.g.
	// lhv1test.NotFoundWrapping(storeclient.ErrKeyNotFound). The client's
	// own error stays wrapped beside it. Default: lhv1test.ErrKeyNotFound.
	NotFound func(key string) error
}

func (o Options) region() string {
	if o.Region == "" {
		return "us-east-1"
	}
	return o.Region
}

// notFound is Options.NotFound's error with the client's wrapped beside
// it, so that errors.Is finds both.
func (o Options) notFound(key string, clientErr error) error {
	build := o.NotFound
	if build == nil {
		build = lhv1test.NotFoundWrapping(lhv1test.ErrKeyNotFound)
	}
	return fmt.Errorf("%w: %w", build(key), clientErr)
}

// Store is the upstream Store plus bucket creation, for tests and campaigns.
type Store interface {
	lhv1test.Store
	// CreateBucket creates the bucket; an existing one owned by the caller
	// is not an error.
	CreateBucket(ctx context.Context) error
	Client() string // "aws-sdk-go-v2" or "minio-go"
}

var errNoBucket = errors.New("s3stores: Options.Bucket is empty")
