module github.com/lhv1/harness/go/lhv1serve

go 1.24

require github.com/lhv1/harness/go/lhv1test v0.0.0

require (
	github.com/aws/aws-sdk-go-v2 v1.48.0
	github.com/aws/smithy-go v1.28.9 // indirect
)

replace github.com/lhv1/harness/go/lhv1test => ../lhv1test
