// Package modelstores holds the tests of the S3 client stores
// (go/s3stores) under the Go reference, golden/gen's model of vectord's
// Persistor: its Save, List, Load and Delete over each client, and its
// Load of every golden through each client. They live here, beside the Go
// campaign, so that go/s3stores itself does not depend on the generator.
package modelstores
