// Command floatfmt prints how the Go reference's dump writes float64
// numbers (hnswdump.Number: encoding/json's shortest round-trip form), one
// "<16 hex digits of the IEEE bits> <text>" line per value, for liblhv1's
// float-format conformance test (harness/conformance/float_format.sh):
// every finite power of two, subnormals, boundaries of the format rules,
// n seeded random bit patterns, n/4 random short decimals and n/10 float32s.
//
//	floatfmt -n 200000 -seed 1
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"math"
	"math/rand"
	"os"
	"strconv"

	"github.com/lhv1/harness/go/hnswdump"
)

func main() {
	n := flag.Int("n", 200000, "random bit patterns (and n/4 short decimals, n/10 float32s)")
	seed := flag.Int64("seed", 1, "seed of the random values")
	flag.Parse()
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	var b bytes.Buffer
	put := func(x float64) {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return // JSON holds finite numbers only
		}
		b.Reset()
		if err := hnswdump.Number(&b, x); err != nil {
			fmt.Fprintln(os.Stderr, "floatfmt:", err)
			os.Exit(1)
		}
		fmt.Fprintf(w, "%016x %s\n", math.Float64bits(x), b.Bytes())
	}
	both := func(x float64) { put(x); put(-x) }

	for e := -1074; e <= 1023; e++ { // every finite power of two, both signs
		both(math.Ldexp(1, e))
	}
	for _, bits := range []uint64{
		0, 1, 2, 3, 0x000fffffffffffff, 0x000ffffffffffffe, 0x0008000000000000,
		0x0010000000000000, 0x0010000000000001, 0x7fefffffffffffff, 0x7feffffffffffffe,
	} {
		both(math.Float64frombits(bits)) // zeros, subnormal ends, normal ends
	}
	// The dump's rule boundaries: 1e-6 and 1e21 (%f vs %e), 2^53 (integer
	// vs float), with their neighbours; and a few classics.
	for _, x := range []float64{1e-6, 1e-7, 1e21, 1e20, 1 << 53, 1e22, 1e23, 5e-324, 0.1, 0.2, 0.3, 1.0 / 3, 2.0 / 3, 123456789.125, 9007199254740993} {
		for _, y := range []float64{x, math.Nextafter(x, 0), math.Nextafter(x, math.Inf(1))} {
			both(y)
		}
	}
	r := rand.New(rand.NewSource(*seed))
	for i := 0; i < *n/100; i++ { // subnormals
		put(math.Float64frombits(r.Uint64() & 0x800fffffffffffff))
	}
	for i := 0; i < *n; i++ { // any bit pattern
		put(math.Float64frombits(r.Uint64()))
	}
	for i := 0; i < *n/4; i++ { // short decimals, where shortest output matters most
		digits := fmt.Sprintf("%017d", r.Uint64()%1e17)[:1+r.Intn(17)]
		x, _ := strconv.ParseFloat(digits+"e"+strconv.Itoa(r.Intn(640)-330), 64)
		put(x) // out of range parses as an infinity, which put skips
	}
	for i := 0; i < *n/10; i++ { // float32 values widened, as vectors hold them
		put(float64(math.Float32frombits(r.Uint32())))
	}
}
