module github.com/lhv1/harness/compat/vector

go 1.24

require (
	github.com/coder/hnsw v0.4.0
	github.com/lhv1/harness/compat/common v0.0.0
)

require (
	github.com/google/renameio v1.0.1 // indirect
	golang.org/x/exp v0.0.0-20240506185415-9bf2ced13842 // indirect
)

replace github.com/lhv1/harness/compat/common => ../common
