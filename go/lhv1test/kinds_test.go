package lhv1test

import (
	"os"
	"regexp"
	"testing"
)

// The C table (LHV1_FAULT_KINDS) is the one list of fault kinds; this test
// keeps the Go mirror equal to it, row for row.
func TestKindsMatchTheCTable(t *testing.T) {
	src, err := os.ReadFile("../../src/testing/include/lhv1testing/fault_kinds.h")
	if err != nil {
		t.Fatalf("the C fault-kind table: %v", err)
	}
	rows := regexp.MustCompile(`X\((\w+), "([a-z-]+)", LHV1_OP_(\w+)[,)]`).FindAllSubmatch(src, -1)
	if len(rows) == 0 {
		t.Fatal("no X(...) row found in LHV1_FAULT_KINDS")
	}
	cOp := map[string]Op{"PUT": OpPut, "GET": OpGet, "LIST": OpList, "DEL": OpDelete, "COUNT": opCount}
	if len(rows) != int(kindCount) {
		t.Errorf("C has %d kinds, Go %d", len(rows), kindCount)
	}
	for i, row := range rows {
		name, op := string(row[2]), string(row[3])
		if i >= int(kindCount) {
			t.Errorf("C kind %q (%s) is missing in Go", name, op)
			continue
		}
		k := Kind(i)
		if k.String() != name || k.Op() != cOp[op] {
			t.Errorf("kind %d: C %q on %s, Go %q on %s", i, name, op, k, k.Op())
		}
	}
}
