package lhv1test_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/lhv1/harness/go/lhv1test"
)

// A team wraps the Store its Persistor uses (here an in-memory one) and
// plans a torn write acknowledged with 200 on the second Put; the test then
// sees what its Load makes of it.
func ExampleFaultStore() {
	ctx := context.Background()
	plan, _ := lhv1test.ParsePlan("put-torn-prefix nth=1 cut=4 reply=200")
	fs := lhv1test.NewFaultStore(lhv1test.NewMemStore(), lhv1test.Config{Plan: plan})

	fs.Put(ctx, "_vectors/docs.lhv1", []byte("LHV1 first save"))
	err := fs.Put(ctx, "_vectors/docs.lhv1", []byte("LHV1 second save"))
	body, _ := fs.Get(ctx, "_vectors/docs.lhv1")
	fmt.Printf("put: %v, get: %q\n", err, body)

	_, err = fs.Get(ctx, "_vectors/gone.lhv1")
	fmt.Println("typed not-found:", errors.Is(err, lhv1test.ErrKeyNotFound))
	fmt.Print(fs.Log())
	// Output:
	// put: <nil>, get: "LHV1"
	// typed not-found: true
	// #0 put _vectors/docs.lhv1 (15 B): ok
	// #1 put _vectors/docs.lhv1 (16 B): put-torn-prefix: kept 4 of 16 B, reply 200
	// #2 get _vectors/docs.lhv1: ok (4 B)
	// #3 get _vectors/gone.lhv1: not-found 404
}
