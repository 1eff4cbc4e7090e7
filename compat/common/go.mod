module github.com/lhv1/harness/compat/common

go 1.24
