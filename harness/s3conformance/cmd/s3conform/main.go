// Command s3conform runs the S3 conformance suite against lhv1 serve
// (memory backend, file backend, proxy in front of a second lhv1 serve;
// all under --auth) and gofakes3, judges each server against the
// expectations file and writes s3conformance.{json,md,xml} into -out.
//
//	s3conform -lhv1 build/src/lhv1 -expect expectations.txt -out out/s3conformance
//
// Exit 0 when every failure is listed and every listed failure fails, 1
// otherwise, 2 on a usage error.
package main

import (
	"flag"
	"fmt"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/lhv1/harness/harness/s3conformance/expect"
	"github.com/lhv1/harness/harness/s3conformance/report"
	"github.com/lhv1/harness/harness/s3conformance/servers"
	"github.com/lhv1/harness/harness/s3conformance/suite"
)

const listHeader = `# Expected failures of the S3 conformance suite, per server: SERVER CASE # REASON.
# SERVER is a server or the group lhv1 (lhv1-memory, lhv1-file, lhv1-proxy).
# A failure not listed here fails the run, and so does a listed case that passes:
# remove its line when the server is fixed (docs/S3.md).
`

func main() {
	lhv1 := flag.String("lhv1", "", "path of the lhv1 CLI (for the lhv1-* servers)")
	only := flag.String("servers", strings.Join(servers.All, ","), "servers to run, comma-separated")
	out := flag.String("out", "", "directory for s3conformance.json, .md and .xml")
	expFile := flag.String("expect", "", "the expectations file (expected failures)")
	runRE := flag.String("run", "", "run only the cases matching this regular expression")
	writeList := flag.String("write-expectations", "", "write the failures of this run as an expectations file")
	verbose := flag.Bool("v", false, "print every failure as it happens")
	flag.Parse()
	if *out == "" || *expFile == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: s3conform -out DIR -expect FILE [-lhv1 PATH] [-servers LIST] [-run RE] [-write-expectations F] [-v]")
		os.Exit(2)
	}
	re, err := regexp.Compile(*runRE)
	if err != nil {
		fmt.Fprintln(os.Stderr, "s3conform: -run:", err)
		os.Exit(2)
	}
	var cases []suite.Case
	var names []string
	for _, c := range suite.Cases() {
		names = append(names, c.Name)
		if re.MatchString(c.Name) {
			cases = append(cases, c)
		}
	}
	list, err := expect.ParseFile(*expFile, servers.All, names)
	if err != nil {
		fmt.Fprintln(os.Stderr, "s3conform:", err)
		os.Exit(2)
	}
	run := &report.Run{Date: time.Now().UTC().Format("2006-01-02"), Servers: strings.Split(*only, ",")}
	rows := make([]report.Row, len(cases))
	for i, c := range cases {
		rows[i] = report.Row{Case: c.Name, Area: c.Area(), Cite: c.Cite, Results: map[string]report.Cell{}}
	}
	failing := map[string]map[string]bool{}
	scratch, err := os.MkdirTemp("", "s3conform-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "s3conform:", err)
		os.Exit(2)
	}
	defer os.RemoveAll(scratch)
	for _, name := range run.Servers {
		start := time.Now()
		fmt.Printf("s3conform: %s: starting, %d cases\n", name, len(cases))
		srv, err := servers.Start(name, *lhv1, scratch+"/"+name)
		if err != nil {
			run.Errors = append(run.Errors, err.Error())
			fmt.Fprintln(os.Stderr, "s3conform:", err)
			continue
		}
		tgt := suite.NewTarget(name, srv.Endpoint, servers.AccessKey, servers.SecretKey)
		failing[name] = map[string]bool{}
		area := ""
		for i, c := range cases {
			if c.Area() != area {
				area = c.Area()
				fmt.Printf("s3conform: %s: %s (%d/%d, %.1f s)\n", name, area, i, len(cases), time.Since(start).Seconds())
			}
			res := suite.RunCase(tgt, c, i+1)
			v := list.Judge(name, c.Name, res.Pass)
			e, _ := list.Lookup(name, c.Name)
			rows[i].Results[name] = report.Cell{Verdict: v, Failures: res.Failures, Reason: e.Reason,
				Seconds: res.Duration.Seconds()}
			if !res.Pass {
				failing[name][c.Name] = true
			}
			switch {
			case v == expect.XPass:
				fmt.Printf("s3conform: %s: %s: %s: listed (%s) but passes: remove its line\n", name, c.Name, v, e.Reason)
			case v.Bad() || (*verbose && !res.Pass):
				fmt.Printf("s3conform: %s: %s: %s: %s\n", name, c.Name, v, strings.Join(res.Failures, "; "))
			}
		}
		if err := srv.Close(); err != nil {
			run.Errors = append(run.Errors, err.Error())
			fmt.Fprintln(os.Stderr, "s3conform:", err)
		}
		fmt.Printf("s3conform: %s: done in %.1f s\n", name, time.Since(start).Seconds())
	}
	run.Rows = rows
	run.Tally()
	if err := run.WriteAll(*out); err != nil {
		fmt.Fprintln(os.Stderr, "s3conform:", err)
		os.Exit(2)
	}
	if *writeList != "" {
		f, err := os.Create(*writeList)
		if err == nil {
			err = expect.Write(f, failing, list, listHeader)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "s3conform:", err)
			os.Exit(2)
		}
	}
	for _, s := range run.Servers {
		c := run.Counts[s]
		fmt.Printf("s3conform: %-12s %3d pass, %3d listed failures, %d unexpected failures, %d unexpected passes\n",
			s, c.Pass, c.ExpectedFail, c.UnexpectedFail, c.UnexpectedPass)
	}
	fmt.Printf("s3conform: reports in %s\n", *out)
	if !run.OK {
		fmt.Println("s3conform: FAILED (unexpected results above; the expectations file lists what is known)")
		os.Exit(1)
	}
	fmt.Println("s3conform: ok")
}
