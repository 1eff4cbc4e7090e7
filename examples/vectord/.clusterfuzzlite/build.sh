#!/bin/bash -eu
# ClusterFuzzLite / OSS-Fuzz build: FuzzLoad (fuzz/load_test.go) compiled
# with libFuzzer by compile_native_go_fuzzer, the harness's Go modules from
# its checkout (same revision as the goldens), and every golden object as
# the seed corpus (raw files: the target's one argument is []byte).
"$SRC/lhv1-harness/go/use-checkout"
compile_native_go_fuzzer github.com/lhv1/harness/examples/vectord/fuzz FuzzLoad fuzz_load
zip -q -j "$OUT/fuzz_load_seed_corpus.zip" "$SRC"/lhv1-harness/golden/objects/*
