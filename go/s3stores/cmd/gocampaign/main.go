// Command gocampaign runs the Go campaign (the C campaign's workload and
// plans through the Go model Persistor) over the Go model and over
// aws-sdk-go-v2 and minio-go against gofakes3 started in-process on
// loopback, writes each report as JSON and Markdown, and, given the C
// campaign's JSON, the comparison report.
//
//	gocampaign [-seed N] [-sample K] [-mix R] [-thin T] [-c-json FILE] -out DIR
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
	"sync/atomic"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"lhv1golden/model"
	s3stores "lhv1s3"
	"lhv1s3/campaign"
)

func main() {
	seed := flag.Uint64("seed", 1, "seed of sampled offsets, bits and mixes (as lhv1 campaign --seed)")
	sample := flag.Int("sample", 16, "seeded offsets per object (as --sample)")
	mix := flag.Int("mix", 200, "seeded-mix runs (as --mix)")
	thin := flag.Int("thin", 1, "keep every N-th offset class (1: all, as the C campaign)")
	cJSON := flag.String("c-json", "", "the C campaign's JSON report, for the comparison")
	out := flag.String("out", "", "directory for the reports")
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
			s, err := mk(s3stores.Options{Endpoint: srv.URL, Bucket: fmt.Sprintf("case-%07d", n.Add(1)), AccessKey: "k", SecretKey: "s"})
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
