// Command servebench measures PUT+GET throughput of `lhv1 serve` against
// gofakes3 v1.2.0 (the Go fake S3 many teams use), both on loopback in the
// same run: 8 concurrent clients, each a keep-alive HTTP/1.1 connection
// doing PUT then GET of its own keys, 1 KiB and 1 MiB bodies. It also runs
// lhv1 serve with a fault rule that never matches, to price the fault
// machinery. Prints a Markdown table of ops/s and ratios.
//
//	go run . -lhv1 build/src/lhv1 [-seconds 3] [-clients 8] [-runs 5] [-sizes 1024,1048576]
//
// The headline ratio runs gofakes3 as tests run it, in the clients' own
// process (httptest), which spares it the kernel wake-ups a separate
// process pays; lhv1 serve is always a process of its own. gofakes3 then
// runs again in its own process (this program re-executed with
// -gofakes3-server), where the CPU time each server used (user + system,
// from its rusage) gives a second ratio: CPU per operation, which the
// neighbours on a shared machine disturb less than ops/s. With -runs N it
// prints every run's row, then the median of each column.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"os/signal"
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
	sizesF  = flag.String("sizes", "1024,1048576", "body sizes in bytes, comma-separated")
	gofakes = flag.Bool("gofakes3-server", false, "internal: serve gofakes3 (memory backend) on a free loopback port until SIGTERM")
)

// startLHV1 returns the server's URL and a stop function that reports the
// CPU seconds (user + system) the server used: per operation, the figure
// the neighbours on a shared machine disturb least.
func startLHV1(plan string) (string, func() float64) {
	args := []string{"serve", "--listen", "127.0.0.1:0", "--max-body", "16777216"}
	return startServer(*lhv1, args, plan)
}

// startServer runs a server process that prints "listening on URL" as its
// first line; the stop function sends SIGTERM and returns its CPU seconds.
func startServer(bin string, args []string, plan string) (string, func() float64) {
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
	cmd := exec.Command(bin, args...)
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

// startGofakes3InProcess serves gofakes3 from this process, as a test does.
func startGofakes3InProcess() (string, func()) {
	srv := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
	return srv.URL, srv.Close
}

func startGofakes3() (string, func() float64) {
	self, err := os.Executable()
	if err != nil {
		log.Fatal(err)
	}
	return startServer(self, []string{"-gofakes3-server"}, "")
}

// serveGofakes3 is the -gofakes3-server mode: gofakes3's own http.Handler
// on net/http, as a test would start it, until SIGTERM.
func serveGofakes3() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	srv := &http.Server{Handler: gofakes3.New(s3mem.New()).Server()}
	go srv.Serve(ln)
	fmt.Printf("listening on http://%s\n", ln.Addr())
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, os.Interrupt)
	<-sig
	srv.Close()
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

// selfCPU is this process's CPU seconds so far (user + system): the
// clients' cost while only they run here.
func selfCPU() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

func median(v []float64) float64 {
	w := append([]float64(nil), v...)
	sort.Float64s(w)
	if len(w)%2 == 1 {
		return w[len(w)/2]
	}
	return (w[len(w)/2-1] + w[len(w)/2]) / 2
}

func row(name string, g, l, ratio, gp, f, cost, gcpu, lcpu, cpuRatio, fcpu, ccpu float64) {
	fmt.Printf("| %s | %.0f | %.0f | %.2f | %.0f | %.0f | %+.1f%% | %.1f | %.1f | %.2f | %.1f | %.1f |\n",
		name, g, l, ratio, gp, f, cost, gcpu, lcpu, cpuRatio, fcpu, ccpu)
}

func main() {
	flag.Parse()
	if *gofakes {
		serveGofakes3()
		return
	}
	fmt.Printf("| body | gofakes3 ops/s | lhv1 serve ops/s | lhv1/gofakes3 | gofakes3 ops/s, own process | lhv1, a rule that never matches | cost of the rule | gofakes3 CPU µs/op (own process) | lhv1 CPU µs/op | gofakes3/lhv1 CPU | lhv1 CPU µs/op with the rule | clients CPU µs/op (lhv1 run) |\n")
	fmt.Printf("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	var sizes []int
	names := map[int]string{}
	for _, f := range strings.Split(*sizesF, ",") {
		var n int
		if _, err := fmt.Sscan(f, &n); err != nil || n <= 0 {
			log.Fatalf("-sizes: %q is not a positive byte count", f)
		}
		sizes = append(sizes, n)
		switch {
		case n%(1<<20) == 0:
			names[n] = fmt.Sprintf("%d MiB", n>>20)
		case n%(1<<10) == 0:
			names[n] = fmt.Sprintf("%d KiB", n>>10)
		default:
			names[n] = fmt.Sprintf("%d B", n)
		}
	}
	type series struct{ g, l, gp, f, ratio, cost, gcpu, lcpu, cpuRatio, fcpu, ccpu []float64 }
	all := map[int]*series{}
	for r := 0; r < *runs; r++ {
		for _, size := range sizes {
			iurl, istop := startGofakes3InProcess()
			g, _ := run(iurl, size)
			istop()
			gurl, gstop := startGofakes3()
			gp, gops := run(gurl, size)
			gcpu := 1e6 * gstop() / float64(gops)
			lurl, lstop := startLHV1("")
			c0 := selfCPU()
			l, lops := run(lurl, size)
			ccpu := 1e6 * (selfCPU() - c0) / float64(lops)
			lcpu := 1e6 * lstop() / float64(lops)
			furl, fstop := startLHV1(`{"rules":[{"kind":"get-fail","key":"nothing/*"}]}`)
			f, fops := run(furl, size)
			fcpu := 1e6 * fstop() / float64(fops)
			row(names[size], g, l, l/g, gp, f, 100*(l-f)/l, gcpu, lcpu, gcpu/lcpu, fcpu, ccpu)
			s := all[size]
			if s == nil {
				s = &series{}
				all[size] = s
			}
			s.g, s.l, s.gp, s.f = append(s.g, g), append(s.l, l), append(s.gp, gp), append(s.f, f)
			s.ratio, s.cost = append(s.ratio, l/g), append(s.cost, 100*(l-f)/l)
			s.gcpu, s.lcpu, s.fcpu = append(s.gcpu, gcpu), append(s.lcpu, lcpu), append(s.fcpu, fcpu)
			s.cpuRatio, s.ccpu = append(s.cpuRatio, gcpu/lcpu), append(s.ccpu, ccpu)
		}
	}
	if *runs > 1 {
		for _, size := range sizes {
			s := all[size]
			row(fmt.Sprintf("%s, median of %d", names[size], *runs), median(s.g), median(s.l),
				median(s.ratio), median(s.gp), median(s.f), median(s.cost), median(s.gcpu), median(s.lcpu),
				median(s.cpuRatio), median(s.fcpu), median(s.ccpu))
		}
	}
}
