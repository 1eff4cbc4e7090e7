// Package s3faults runs vectord's Persistor over a real S3 client,
// aws-sdk-go-v2 (the harness's go/s3stores, with vectord's typed
// not-found), against `lhv1 serve` started from the test (go/lhv1serve),
// with faults armed on the wire through the server's admin API, and
// asserts what vectord's code must do with each.
package s3faults
