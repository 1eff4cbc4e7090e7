package lhv1campaign

import (
	_ "embed"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// workloadTSV is the campaign's workload, shared with the C campaign
// (src/testing/campaign_workload_gen.py makes its initialisers from the
// same file); the file's comment says what its rows are.
//
//go:embed workload.tsv
var workloadTSV string

var specs, ops, names = mustParseWorkload(workloadTSV)

type spec struct {
	index                string
	gen                  int
	dim, nNodes, nLayers int
	m                    int
	distance             string
	valueSeed            uint64
	metaGen              int
}

type op struct {
	index   string
	content int // into specs; -1: delete
}

func mustParseWorkload(tsv string) ([]spec, []op, []string) {
	s, o, n, err := parseWorkload(tsv)
	if err != nil {
		panic(err)
	}
	return s, o, n
}

// parseWorkload reads workload.tsv and checks it as the C generator does:
// rows of the right width, contents unique, every save naming a content
// above it, the load rows naming every index once.
func parseWorkload(tsv string) (specs []spec, ops []op, names []string, err error) {
	width := map[string]int{"content": 10, "save": 3, "delete": 2, "load": 2}
	for n, line := range strings.Split(tsv, "\n") {
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if width[f[0]] != len(f) || slices.Contains(f, "") {
			return nil, nil, nil, fmt.Errorf("workload.tsv:%d: want a row of content (10 cells), save (3), delete (2) or load (2)", n+1)
		}
		// The numbers: every cell after the index but a content's distance.
		var nums []uint64
		for i, c := range f[2:] {
			if v, err := strconv.ParseUint(c, 10, 64); err == nil && (f[0] != "content" || i != 5) {
				nums = append(nums, v)
			}
		}
		bad := func(msg string, a ...any) error {
			return fmt.Errorf("workload.tsv:%d: %s", n+1, fmt.Sprintf(msg, a...))
		}
		switch index := f[1]; f[0] {
		case "content":
			if len(nums) != 7 || nums[4] < 2 {
				return nil, nil, nil, bad("want gen, dim, n_nodes, n_layers, m (2 or more), a distance, value_seed and meta_gen")
			}
			s := spec{index, int(nums[0]), int(nums[1]), int(nums[2]), int(nums[3]), int(nums[4]), f[7], nums[5], int(nums[6])}
			if slices.ContainsFunc(specs, func(o spec) bool { return o.index == index && o.gen == s.gen }) {
				return nil, nil, nil, bad("%s/%d twice", index, s.gen)
			}
			specs = append(specs, s)
		case "save":
			at := slices.IndexFunc(specs, func(s spec) bool { return len(nums) == 1 && s.index == index && uint64(s.gen) == nums[0] })
			if at < 0 {
				return nil, nil, nil, bad("save of %s/%s, which no content row above defines", index, f[2])
			}
			ops = append(ops, op{index, at})
		case "delete":
			ops = append(ops, op{index, -1})
		case "load":
			if slices.Contains(names, index) {
				return nil, nil, nil, bad("%s loaded twice", index)
			}
			names = append(names, index)
		}
	}
	touched := map[string]bool{}
	for _, s := range specs {
		touched[s.index] = true
	}
	for _, o := range ops {
		touched[o.index] = true
	}
	if len(touched) != len(names) || len(ops) == 0 || slices.ContainsFunc(names, func(n string) bool { return !touched[n] }) {
		return nil, nil, nil, errors.New("workload.tsv: the load rows must name each index of the contents and operations once")
	}
	return specs, ops, names, nil
}
