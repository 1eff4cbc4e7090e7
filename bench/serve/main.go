// Command servebench measures PUT+GET throughput of `lhv1 serve` against
// gofakes3 v1.2.0 (the Go fake S3 many teams use), both on loopback in the
// same run: 8 concurrent clients, each a keep-alive HTTP/1.1 connection
// doing PUT then GET of its own keys, 1 KiB and 1 MiB bodies. It also runs
// lhv1 serve with a fault rule that never matches, to price the fault
// machinery. Prints a Markdown table of ops/s and ratios.
//
//	go run . -lhv1 build/src/lhv1 [-seconds 3] [-clients 8] [-runs 5]
//
// With -runs N it prints every run's row, then the median of each column
// (on a shared machine the median ratio is the figure to read).
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
	"sort"
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
	runs    = flag.Int("runs", 1, "repeat every measurement; the last rows are the medians")
)

// startLHV1 returns the server's URL and a stop function that reports the
// CPU seconds (user + system) the server used: per operation, the figure
// the neighbours on a shared machine disturb least.
func startLHV1(plan string) (string, func() float64) {
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
	return url, func() float64 {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
		return (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds()
	}
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

// run returns PUT+GET operations per second (each PUT and each GET counts)
// and the operations done.
func run(base string, size int) (float64, int64) {
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
	return float64(ops.Load()) / time.Since(start).Seconds(), ops.Load()
}

func median(v []float64) float64 {
	w := append([]float64(nil), v...)
	sort.Float64s(w)
	if len(w)%2 == 1 {
		return w[len(w)/2]
	}
	return (w[len(w)/2-1] + w[len(w)/2]) / 2
}

func row(name string, g, l, f, lcpu, fcpu float64) {
	fmt.Printf("| %s | %.0f | %.0f | %.2f | %.0f | %+.1f%% | %.1f | %.1f |\n", name, g, l, l/g, f, 100*(l-f)/l, lcpu, fcpu)
}

func main() {
	flag.Parse()
	fmt.Printf("| body | gofakes3 ops/s | lhv1 serve ops/s | lhv1/gofakes3 | lhv1, a rule that never matches | cost of the rule | lhv1 CPU µs/op | with the rule |\n")
	fmt.Printf("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	sizes := []int{1 << 10, 1 << 20}
	names := map[int]string{1 << 10: "1 KiB", 1 << 20: "1 MiB"}
	type series struct{ g, l, f, ratio, cost, lcpu, fcpu []float64 }
	all := map[int]*series{}
	for r := 0; r < *runs; r++ {
		for _, size := range sizes {
			gurl, gstop := startGofakes3()
			g, _ := run(gurl, size)
			gstop()
			lurl, lstop := startLHV1("")
			l, lops := run(lurl, size)
			lcpu := 1e6 * lstop() / float64(lops)
			furl, fstop := startLHV1(`{"rules":[{"kind":"get-fail","key":"nothing/*"}]}`)
			f, fops := run(furl, size)
			fcpu := 1e6 * fstop() / float64(fops)
			row(names[size], g, l, f, lcpu, fcpu)
			s := all[size]
			if s == nil {
				s = &series{}
				all[size] = s
			}
			s.g, s.l, s.f = append(s.g, g), append(s.l, l), append(s.f, f)
			s.ratio, s.cost = append(s.ratio, l/g), append(s.cost, 100*(l-f)/l)
			s.lcpu, s.fcpu = append(s.lcpu, lcpu), append(s.fcpu, fcpu)
		}
	}
	if *runs > 1 {
		for _, size := range sizes {
			s := all[size]
			fmt.Printf("| %s, median of %d | %.0f | %.0f | %.2f | %.0f | %+.1f%% | %.1f | %.1f |\n", names[size], *runs,
				median(s.g), median(s.l), median(s.ratio), median(s.f), median(s.cost),
				median(s.lcpu), median(s.fcpu))
		}
	}
}
