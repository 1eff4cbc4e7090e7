// Command lhv1golden writes LHV1's golden objects with Go's own verdicts
// (docs/GOLDENS.md):
//
//	go run ./cmd/lhv1golden -out ..            # regenerate golden/ (Go-written objects kept)
//	go run ./cmd/lhv1golden -out .. -rebuild   # ... and rebuild those with coder/hnsw too
//	lhv1golden -dump-store DIR -dump-out OUT   # load every index of a directory store, dump each
//	lhv1golden -behaviour FILE...              # what Go's loader does with each file
//	lhv1golden -behaviour -dump-dir D FILE...  # ... and Go's dump of each that loads
//	lhv1golden -mutants DIR -n N -seed S       # N edited goldens, for differential runs
//	lhv1golden -envelope-edits DIR -n N -seed S  # N goldens with edited envelopes
//	lhv1golden -envelope-values FILE...        # what DecodeEnvelope reads from each file
//
// -child-load is internal: the generator re-executes itself with it to
// observe Go's loader on one object in a child process.
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	out := flag.String("out", "", "golden directory to regenerate (objects/, expected/, MANIFEST.tsv)")
	reuse := flag.String("reuse", "", "golden directory whose Go-written objects to keep (default: -out)")
	rebuild := flag.Bool("rebuild", false, "build every Go-written golden afresh with coder/hnsw")
	dumpStore := flag.String("dump-store", "", "directory store whose indexes to load and dump")
	dumpOut := flag.String("dump-out", "", "where -dump-store writes <name>.dump")
	behave := flag.Bool("behaviour", false, "print Go's behaviour (ok/error/panic/fatal) on each file argument")
	behaveDumps := flag.String("dump-dir", "", "with -behaviour: write Go's dump of each object that loads here")
	mutantDir := flag.String("mutants", "", "write -n objects derived from golden/objects (-from) by random edits here")
	mutantN := flag.Int("n", 1000, "how many -mutants")
	mutantSeed := flag.Int64("seed", 1, "seed of -mutants")
	mutantFrom := flag.String("from", "", "objects -mutants and -envelope-edits start from")
	envEdits := flag.String("envelope-edits", "", "write -n objects whose envelopes are edited goldens' (-from) here")
	envValues := flag.Bool("envelope-values", false, "print what DecodeEnvelope reads from each file argument")
	childFile := flag.String("child-load", "", "internal: load this object in this process")
	childName := flag.String("child-name", "", "internal: the name to load it as")
	childDump := flag.String("child-dump", "", "internal: write the dump here when it loads")
	flag.Parse()
	var err error
	switch {
	case *childFile != "":
		childLoad(*childFile, *childName, *childDump)
		return
	case *envEdits != "":
		err = envelopeEdits(*mutantFrom, *envEdits, *mutantN, *mutantSeed)
	case *envValues:
		err = envelopeValues(flag.Args())
	case *mutantDir != "":
		err = mutants(*mutantFrom, *mutantDir, *mutantN, *mutantSeed)
	case *behave:
		err = behaviour(flag.Args(), *behaveDumps)
	case *dumpStore != "":
		err = dumpAll(*dumpStore, *dumpOut)
	case *out != "":
		from := *reuse
		if from == "" {
			from = *out
		}
		if *rebuild {
			from = ""
		}
		err = generate(*out, from)
	default:
		flag.Usage()
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "lhv1golden:", err)
		os.Exit(1)
	}
}
