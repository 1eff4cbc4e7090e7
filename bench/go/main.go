// Command benchgo times the Go side of LHV1 loading on the same files the C
// benchmark reads: upstream-style unframe, encoding/json of the envelope,
// coder/hnsw Import of the graph; and the save path (json.Marshal of the
// envelope, Export, frame). It prints one JSON
// object per file: {"file","bytes","iters","decode_ns","encode_ns"}.
package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"syscall"
	"time"

	"github.com/coder/hnsw"
)

type envelope struct {
	Version int `json:"version"`
	Params  struct {
		Name      string `json:"name"`
		Dimension int    `json:"dimension"`
		Distance  string `json:"distance"`
		M         int    `json:"m"`
		EfSearch  int    `json:"ef_search"`
	} `json:"params"`
	Count    int                       `json:"count"`
	Metadata map[string]map[string]any `json:"metadata"`
}

func load(body []byte) (*hnsw.Graph[string], *envelope, error) {
	if len(body) < 8 || string(body[:4]) != "LHV1" {
		return nil, nil, fmt.Errorf("bad frame")
	}
	n := binary.BigEndian.Uint32(body[4:8])
	if int(n)+8 > len(body) {
		return nil, nil, fmt.Errorf("envelope overrun")
	}
	var env envelope
	if err := json.Unmarshal(body[8:8+n], &env); err != nil {
		return nil, nil, err
	}
	g := hnsw.NewGraph[string]()
	if err := g.Import(bytes.NewReader(body[8+n:])); err != nil {
		return nil, nil, err
	}
	return g, &env, nil
}

// save is what the C encoder does: envelope JSON, graph export, frame.
func save(g *hnsw.Graph[string], env *envelope) []byte {
	envBytes, _ := json.Marshal(env)
	var graph bytes.Buffer
	g.Export(&graph)
	out := make([]byte, 8, 8+len(envBytes)+graph.Len())
	copy(out, "LHV1")
	binary.BigEndian.PutUint32(out[4:], uint32(len(envBytes)))
	return append(append(out, envBytes...), graph.Bytes()...)
}

func main() {
	minTime := flag.Duration("min-time", 300*time.Millisecond, "time each measurement at least this long")
	flag.Parse()
	for _, path := range flag.Args() {
		body, err := os.ReadFile(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		g, env, err := load(body)
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", path, err)
			os.Exit(1)
		}
		iters, decode := measure(*minTime, func() { load(body) })
		_, encode := measure(*minTime, func() { save(g, env) })
		out, _ := json.Marshal(map[string]any{"file": path, "bytes": len(body), "iters": iters,
			"decode_ns": decode, "encode_ns": encode})
		fmt.Println(string(out))
	}
}

// cpuTime is the process's user + system CPU time (every thread, the
// garbage collector's included), as the C side measures: on a shared
// machine the wall clock measures the neighbours.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// measure runs f until minTime of CPU time has passed and returns
// iterations and CPU ns/op.
func measure(minTime time.Duration, f func()) (int, float64) {
	runtime.GC() // start from the same heap each time
	iters := 0
	start := cpuTime()
	for cpuTime()-start < minTime || iters < 3 {
		f()
		iters++
	}
	return iters, float64((cpuTime() - start).Nanoseconds()) / float64(iters)
}
