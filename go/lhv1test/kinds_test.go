package lhv1test

import "testing"

// The generated table (kinds_table.go) holds together: names unique and
// found again, store kinds on an operation, torn writes the Put kinds that
// take cut, every field a kind takes a field of the table.
func TestKindsTable(t *testing.T) {
	seen := map[string]bool{}
	for _, row := range allKinds {
		if seen[row.name] {
			t.Errorf("kind %q twice", row.name)
		}
		seen[row.name] = true
		for _, f := range row.takes {
			if fr, ok := fieldByName(f); !ok || fr.common {
				t.Errorf("%s takes %q, no field of a kind's own", row.name, f)
			}
		}
	}
	for _, k := range Kinds() {
		if got, ok := KindByName(k.String()); !ok || got != k {
			t.Errorf("%s: KindByName gives %v, %v", k, got, ok)
		}
		if k.Op() < OpPut || k.Op() >= opCount {
			t.Errorf("%s on no operation", k)
		}
		if k.torn() != (k == PutTornPrefix || k == PutTornOverOld) {
			t.Errorf("%s: torn %v", k, k.torn())
		}
		if k.Meaning() == "" {
			t.Errorf("%s: no meaning", k)
		}
	}
	if allKinds[kindCount].name != "http-body-cut" || !allKinds[kindCount].http {
		t.Errorf("the HTTP kinds do not follow the store kinds: %+v", allKinds[kindCount])
	}
}
