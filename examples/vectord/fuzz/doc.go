// Package fuzz holds vectord's Go native fuzz target of its loader,
// seeded from the harness's goldens: `go test ./fuzz` replays the seeds,
// `go test -fuzz=FuzzLoad ./fuzz` fuzzes, and ClusterFuzzLite builds the
// same target with libFuzzer (.clusterfuzzlite/build.sh).
package fuzz
