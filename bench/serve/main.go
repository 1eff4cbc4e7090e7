// Command servebench measures PUT+GET throughput of `lhv1 serve` against
// gofakes3 v1.2.0 (the Go fake S3 many teams use), both on loopback in the
// same run: 8 concurrent clients, each a keep-alive HTTP/1.1 connection
// doing PUT then GET of its own keys, 1 KiB and 1 MiB bodies. It also runs
// lhv1 serve with a fault rule that never matches, to price the fault
// machinery. Prints a Markdown table of ops/s and ratios.
//
//	go run . -lhv1 build/src/lhv1 [-seconds 3] [-clients 8]
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

var (
	lhv1    = flag.String("lhv1", "build/src/lhv1", "the lhv1 binary")
	seconds = flag.Float64("seconds", 3, "seconds per measurement")
	clients = flag.Int("clients", 8, "concurrent clients")
)

func startLHV1(plan string) (string, func()) {
	args := []string{"serve", "--listen", "127.0.0.1:0", "--max-body", "16777216"}
	if plan != "" {
		f, err := os.CreateTemp("", "lhv1-bench-plan-*.json")
		if err != nil {
			log.Fatal(err)
		}
		f.WriteString(plan)
		f.Close()
		defer os.Remove(f.Name())
		args = append(args, "--plan", f.Name())
	}
	cmd := exec.Command(*lhv1, args...)
	cmd.Stderr = os.Stderr
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		log.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		log.Fatalf("lhv1 serve: %v", err)
	}
	url := strings.TrimSpace(strings.TrimPrefix(line, "listening on "))
	return url, func() { cmd.Process.Signal(syscall.SIGTERM); cmd.Wait() }
}

func startGofakes3() (string, func()) {
	srv := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
	return srv.URL, srv.Close
}

func do(c *http.Client, method, url string, body []byte) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, _ := http.NewRequest(method, url, rd)
	if body != nil {
		req.ContentLength = int64(len(body))
	}
	resp, err := c.Do(req)
	if err != nil {
		log.Fatalf("%s %s: %v", method, url, err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		log.Fatalf("%s %s: %s", method, url, resp.Status)
	}
}

// run returns PUT+GET operations per second (each PUT and each GET counts).
func run(base string, size int) float64 {
	c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *clients * 2}}
	do(c, "PUT", base+"/bench", nil)
	body := bytes.Repeat([]byte{0x5a}, size)
	var ops atomic.Int64
	stop := time.Now().Add(time.Duration(*seconds * float64(time.Second)))
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < *clients; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; time.Now().Before(stop); i++ {
				u := fmt.Sprintf("%s/bench/c%d/k%d", base, w, i%16)
				do(c, "PUT", u, body)
				do(c, "GET", u, nil)
				ops.Add(2)
			}
		}(w)
	}
	wg.Wait()
	return float64(ops.Load()) / time.Since(start).Seconds()
}

func main() {
	flag.Parse()
	fmt.Printf("| body | gofakes3 ops/s | lhv1 serve ops/s | lhv1/gofakes3 | lhv1, a rule that never matches | cost of the rule |\n")
	fmt.Printf("| --- | ---: | ---: | ---: | ---: | ---: |\n")
	for _, size := range []int{1 << 10, 1 << 20} {
		gurl, gstop := startGofakes3()
		g := run(gurl, size)
		gstop()
		lurl, lstop := startLHV1("")
		l := run(lurl, size)
		lstop()
		furl, fstop := startLHV1(`{"rules":[{"kind":"get-fail","key":"nothing/*"}]}`)
		f := run(furl, size)
		fstop()
		name := "1 KiB"
		if size == 1<<20 {
			name = "1 MiB"
		}
		fmt.Printf("| %s | %.0f | %.0f | %.2f | %.0f | %+.1f%% |\n", name, g, l, l/g, f, 100*(l-f)/l)
	}
}
