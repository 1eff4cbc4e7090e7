// Command gocampaign runs the Go campaign (go/lhv1campaign: the C
// campaign's workload and plans through a Persistor's own Save and Load)
// over the Go model of vectord's persistor and over examples/vectord's
// Persistor: in memory, and, for the Go model, over aws-sdk-go-v2 and
// minio-go against gofakes3 started in-process on loopback (faults above
// the client); with -serve, both persistors over the real clients against
// lhv1 serve (faults below the client). It writes each report as JSON and
// Markdown, a replay file per listed case of the in-memory runs, and,
// given the C campaign's JSON, the comparison report.
//
//	gocampaign [-seed N] [-sample K] [-mix R] [-thin T] [-c-json FILE] -out DIR
//	           [-persistors LIST] [-serve LHV1 [-serve-upstream URL|gofakes3]
//	           [-serve-thin T] [-serve-clients C]]
//
// Exit status 0 when every check of the in-memory runs and of Go
// model+aws-sdk-go-v2 holds, 1 otherwise, 2 on a usage or I/O error.
package main

import (
	"context"
	"flag"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	vectordcampaign "github.com/lhv1/harness/examples/vectord/campaign"
	"github.com/lhv1/harness/go/lhv1campaign"
	"github.com/lhv1/harness/go/lhv1serve"
	s3stores "github.com/lhv1/harness/go/s3stores"
	"github.com/lhv1/harness/harness/gocampaign/campaign"
	"github.com/lhv1/harness/harness/gocampaign/subjects"
)

var openers = []struct {
	client string
	open   func(s3stores.Options) (s3stores.Store, error)
}{
	{"aws-sdk-go-v2", func(o s3stores.Options) (s3stores.Store, error) { return s3stores.NewAWS(o) }},
	{"minio-go", func(o s3stores.Options) (s3stores.Store, error) { return s3stores.NewMinio(o) }},
}

func main() {
	seed := flag.Uint64("seed", 1, "seed of sampled offsets, bits and mixes (as lhv1 campaign --seed)")
	sample := flag.Int("sample", 16, "seeded offsets per object (as --sample)")
	mix := flag.Int("mix", 200, "seeded-mix runs (as --mix)")
	thin := flag.Int("thin", 1, "keep every N-th offset class (1: all, as the C campaign)")
	cJSON := flag.String("c-json", "", "the C campaign's JSON report, for the comparison")
	out := flag.String("out", "", "directory for the reports")
	persistors := flag.String("persistors", "Go model,examples/vectord", "the persistors run")
	serve := flag.String("serve", "", "an lhv1 binary with `lhv1 serve`: also run each persistor over the real clients against it, faults injected on the wire")
	serveThin := flag.Int("serve-thin", 12, "-thin for the runs against lhv1 serve (client retries make them slow)")
	serveClients := flag.String("serve-clients", "aws-sdk-go-v2,minio-go", "the clients run against lhv1 serve")
	upstream := flag.String("serve-upstream", "", "run lhv1 serve as a proxy (--upstream) in front of this S3 server; \"gofakes3\": the in-process one")
	flag.Parse()
	if *out == "" || flag.NArg() != 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fatal(err)
	}
	var subs []lhv1campaign.Subject
	for _, s := range []lhv1campaign.Subject{subjects.Model(), vectordcampaign.Subject()} {
		if slices.Contains(strings.Split(*persistors, ","), s.Name) {
			subs = append(subs, s)
		}
	}
	if len(subs) == 0 {
		fatal(fmt.Errorf("-persistors %q names none of: Go model, examples/vectord", *persistors))
	}
	ctx := context.Background()
	srv := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
	defer srv.Close()
	status := 0
	var results []*lhv1campaign.Result
	run := func(s lhv1campaign.Subject, client string, backend lhv1campaign.Backend, o lhv1campaign.Options, gate bool) {
		o.Client = client
		name := campaign.ColumnName(&lhv1campaign.Result{Persistor: s.Name, Client: client})
		file := slug(name)
		if client == "memory" {
			o.Replays = filepath.Join(*out, "replays", file)
		}
		fmt.Fprintf(os.Stderr, "gocampaign: %s\n", name)
		res, err := lhv1campaign.RunWith(ctx, s, backend, o)
		if err != nil {
			fatal(err)
		}
		results = append(results, res)
		js, _ := res.JSON()
		write(filepath.Join(*out, "go-campaign-"+file+".json"), js)
		write(filepath.Join(*out, "go-campaign-"+file+".md"), []byte(res.Markdown()))
		fmt.Fprintf(os.Stderr, "gocampaign: %s: %d cases, %.0f s, %s\n", name, res.Cases, res.Seconds, passed(res))
		if !res.Passed && gate {
			status = 1
		}
	}
	full := lhv1campaign.Options{Seed: *seed, Sample: *sample, Mix: *mix, Thin: *thin}
	for _, s := range subs {
		run(s, "memory", lhv1campaign.Above(lhv1campaign.MemoryStores), full, true)
		if s.Name != "Go model" {
			continue // above the client the clients change nothing (shown for the Go model)
		}
		for _, c := range openers {
			run(s, c.client, lhv1campaign.Above(campaign.S3Stores(srv.URL, c.open)), full, c.client == "aws-sdk-go-v2")
		}
	}
	if *serve != "" {
		var args []string
		via := "lhv1 serve"
		if *upstream != "" {
			up := *upstream
			if up == "gofakes3" {
				up = srv.URL
			}
			args = []string{"--upstream", up}
			via = "lhv1 serve --upstream " + *upstream
		}
		server, err := lhv1serve.Launch(lhv1serve.Options{Bin: *serve, Args: args})
		if err != nil {
			fatal(err)
		}
		for _, s := range subs {
			for _, c := range openers {
				if !slices.Contains(strings.Split(*serveClients, ","), c.client) {
					continue
				}
				run(s, c.client+" via "+via, campaign.Serve(server, c.open),
					lhv1campaign.Options{Seed: *seed, Sample: *sample, Thin: *serveThin}, false)
			}
		}
		if err := server.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "gocampaign: lhv1 serve:", err)
		}
	}
	if *cJSON != "" {
		b, err := os.ReadFile(*cJSON)
		if err != nil {
			fatal(err)
		}
		rows, err := campaign.ParseC(b)
		if err != nil {
			fatal(err)
		}
		report := fmt.Sprintf("# C model vs Go (seed %d, sample %d, mix %d, thin %d)\n\n", *seed, *sample, *mix, *thin) + campaign.Compare(rows, results)
		write(filepath.Join(*out, "comparison.md"), []byte(report))
		fmt.Print(report)
	}
	os.Exit(status)
}

func passed(r *lhv1campaign.Result) string {
	if r.Passed {
		return "every check holds"
	}
	return fmt.Sprintf("%d checks failed", len(r.FailedChecks))
}

// slug is a file name for a column: "Go model + minio-go" -> "go-model-minio-go".
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, c := range strings.ToLower(s) {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			b.WriteRune(c)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

func write(path string, b []byte) {
	if err := os.WriteFile(path, b, 0o644); err != nil {
		fatal(err)
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "gocampaign:", err)
	os.Exit(2)
}
