module lhv1compat/common

go 1.24
