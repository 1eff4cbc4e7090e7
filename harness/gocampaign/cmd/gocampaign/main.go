// Command gocampaign runs the Go campaign (the C campaign's workload and
// plans through the Go model Persistor) over the Go model and over
// aws-sdk-go-v2 and minio-go against gofakes3 started in-process on
// loopback, writes each report as JSON and Markdown, and, given the C
// campaign's JSON, the comparison report.
//
//	gocampaign [-seed N] [-sample K] [-mix R] [-thin T] [-c-json FILE] -out DIR
//	           [-serve LHV1 [-serve-upstream URL|gofakes3] [-serve-thin T] [-serve-clients C]]
//
// Exit status 0 when every Go+aws-sdk-go-v2 and Go model check holds, 1
// otherwise, 2 on a usage or I/O error.
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
	"sync/atomic"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/lhv1/harness/go/lhv1serve"
	s3stores "github.com/lhv1/harness/go/s3stores"
	"github.com/lhv1/harness/golden/gen/model"
	"github.com/lhv1/harness/harness/gocampaign/campaign"
)

func main() {
	seed := flag.Uint64("seed", 1, "seed of sampled offsets, bits and mixes (as lhv1 campaign --seed)")
	sample := flag.Int("sample", 16, "seeded offsets per object (as --sample)")
	mix := flag.Int("mix", 200, "seeded-mix runs (as --mix)")
	thin := flag.Int("thin", 1, "keep every N-th offset class (1: all, as the C campaign)")
	cJSON := flag.String("c-json", "", "the C campaign's JSON report, for the comparison")
	out := flag.String("out", "", "directory for the reports")
	serve := flag.String("serve", "", "an lhv1 binary with `lhv1 serve`: also run both clients against it, faults injected on the wire")
	serveThin := flag.Int("serve-thin", 12, "-thin for the runs against lhv1 serve (client retries make them slow)")
	serveClients := flag.String("serve-clients", "aws-sdk-go-v2,minio-go", "the clients run against lhv1 serve")
	upstream := flag.String("serve-upstream", "", "run lhv1 serve as a proxy (--upstream) in front of this S3 server; \"gofakes3\": the in-process one")
	flag.Parse()
	if *out == "" || flag.NArg() != 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	ctx := context.Background()
	srv := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
	defer srv.Close()
	var n atomic.Int64
	s3 := func(mk func(s3stores.Options) (s3stores.Store, error)) campaign.NewStore {
		return func(ctx context.Context) (model.Store, func(), error) {
			s, err := mk(s3stores.Options{Endpoint: srv.URL, Bucket: fmt.Sprintf("case-%07d", n.Add(1)), AccessKey: "k", SecretKey: "s", NotFound: campaign.ModelNotFound})
			if err == nil {
				err = s.CreateBucket(ctx)
			}
			return s, func() {}, err
		}
	}
	sides := []struct {
		client string
		stores campaign.NewStore
		gate   bool // a failed check fails the command
	}{
		{"memory", campaign.MemoryStores, true},
		{"aws-sdk-go-v2", s3(func(o s3stores.Options) (s3stores.Store, error) { return s3stores.NewAWS(o) }), true},
		{"minio-go", s3(func(o s3stores.Options) (s3stores.Store, error) { return s3stores.NewMinio(o) }), false},
	}
	status := 0
	var results []*campaign.Result
	for _, side := range sides {
		fmt.Fprintf(os.Stderr, "gocampaign: %s\n", side.client)
		res, err := campaign.Run(ctx, side.stores, campaign.Options{Seed: *seed, Sample: *sample, Mix: *mix, Thin: *thin, Client: side.client})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		results = append(results, res)
		js, _ := res.JSON()
		write(filepath.Join(*out, "go-campaign-"+side.client+".json"), js)
		write(filepath.Join(*out, "go-campaign-"+side.client+".md"), []byte(res.Markdown()))
		if !res.Passed && side.gate {
			status = 1
		}
	}
	if *serve != "" {
		var args []string
		via, file := "lhv1 serve", "go-campaign-serve-"
		if *upstream != "" {
			up := *upstream
			if up == "gofakes3" {
				up = srv.URL
			}
			args = []string{"--upstream", up}
			via, file = "lhv1 serve --upstream "+*upstream, "go-campaign-proxy-"
		}
		srv, err := lhv1serve.Launch(lhv1serve.Options{Bin: *serve, Args: args})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		stop := func() {
			if err := srv.Stop(); err != nil {
				fmt.Fprintln(os.Stderr, "gocampaign: lhv1 serve:", err)
			}
		}
		for _, side := range []struct {
			client string
			open   func(s3stores.Options) (s3stores.Store, error)
		}{
			{"aws-sdk-go-v2", func(o s3stores.Options) (s3stores.Store, error) { return s3stores.NewAWS(o) }},
			{"minio-go", func(o s3stores.Options) (s3stores.Store, error) { return s3stores.NewMinio(o) }},
		} {
			if !slices.Contains(strings.Split(*serveClients, ","), side.client) {
				continue
			}
			name := side.client + " via " + via
			fmt.Fprintf(os.Stderr, "gocampaign: %s\n", name)
			res, err := campaign.RunWith(ctx, campaign.Serve(srv, side.open),
				campaign.Options{Seed: *seed, Sample: *sample, Thin: *serveThin, Client: name})
			if err != nil {
				stop()
				fmt.Fprintln(os.Stderr, err)
				os.Exit(2)
			}
			results = append(results, res)
			js, _ := res.JSON()
			write(filepath.Join(*out, file+side.client+".json"), js)
			write(filepath.Join(*out, file+side.client+".md"), []byte(res.Markdown()))
		}
		stop()
	}
	if *cJSON != "" {
		b, err := os.ReadFile(*cJSON)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		rows, err := campaign.ParseC(b)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		report := fmt.Sprintf("# C model vs Go (seed %d, sample %d, mix %d, thin %d)\n\n", *seed, *sample, *mix, *thin) + campaign.Compare(rows, results)
		write(filepath.Join(*out, "comparison.md"), []byte(report))
		fmt.Print(report)
	}
	os.Exit(status)
}

func write(path string, b []byte) {
	if err := os.WriteFile(path, b, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
}
