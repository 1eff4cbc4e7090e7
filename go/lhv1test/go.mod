module github.com/lhv1/harness/go/lhv1test

go 1.24
