module lhv1test

go 1.24
