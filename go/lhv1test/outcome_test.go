package lhv1test

import (
	"errors"
	"os"
	"regexp"
	"strings"
	"testing"
)

// The outcomes are the C campaign's columns, in its order.
func TestOutcomesMatchTheCTable(t *testing.T) {
	src, err := os.ReadFile("../../src/testing/include/lhv1testing/fault_kinds.h")
	if err != nil {
		t.Fatal(err)
	}
	rows := regexp.MustCompile(`X\((\w+), "([A-Za-z-]+)"\)`).FindAllSubmatch(src, -1)
	if len(rows) != NumOutcomes {
		t.Fatalf("C has %d outcomes, Go %d", len(rows), NumOutcomes)
	}
	for i, r := range rows {
		if Outcome(i).String() != string(r[2]) {
			t.Errorf("outcome %d: C %q, Go %q", i, r[2], Outcome(i))
		}
	}
}

func TestJudgeLoad(t *testing.T) {
	g1, g2, g3 := []byte("gen 1\nvectors A\n"), []byte("gen 2\nvectors B\n"), []byte("gen 3\nvectors C\n")
	states := []KnownState{{1, RoleOlder, g1}, {2, RoleAcked, g2}, {3, RoleInFlight, g3}}
	failed := errors.New("load failed")
	for _, c := range []struct {
		r      LoadResult
		states []KnownState
		want   Outcome
		detail string
	}{
		{LoadResult{Dump: g2}, states, Latest, ""},
		{LoadResult{Dump: g3}, states, InFlight, ""},
		{LoadResult{Dump: g1}, states, Stale, "loads x generation 1; acknowledged: a newer generation"},
		{LoadResult{Dump: []byte("gen 2\nvectors Z\n")}, states, SilentWrong, "dump line 2: vectors Z"},
		{LoadResult{Dump: g1}, []KnownState{{1, RoleOlder, g1}, {0, RoleAcked, nil}}, Stale, "acknowledged: its deletion"},
		{LoadResult{Dump: g1}, []KnownState{{0, RoleAcked, nil}}, SilentWrong, "the last acknowledged op deleted it"},
		{LoadResult{Err: failed, Missing: true}, states, Missing, "load failed"},
		{LoadResult{Err: failed, Missing: true}, []KnownState{{0, RoleAcked, nil}}, Latest, ""},
		{LoadResult{Err: failed, Missing: true}, append(states, KnownState{0, RoleInFlight, nil}), InFlight, ""},
		{LoadResult{Err: failed, StoreFailed: true}, states, StoreError, ""},
		{LoadResult{Err: failed, BadFormat: true}, states, BadFormat, ""},
		{LoadResult{Err: failed, NotLoaded: true}, states, DecodeError, ""},
		{LoadResult{Err: failed}, states, DecodeError, ""},
	} {
		got, detail := JudgeLoad("x", c.r, c.states)
		if got != c.want || !strings.Contains(detail, c.detail) {
			t.Errorf("%+v: %s %q, want %s %q", c.r, got, detail, c.want, c.detail)
		}
	}
}
