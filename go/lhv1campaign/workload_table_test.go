package lhv1campaign

import (
	"strings"
	"testing"
)

// The table's checks refuse what would build a different workload than the
// rows say: a save of an undefined content, an index never loaded.
func TestWorkloadTableRefusesBadRows(t *testing.T) {
	for name, edit := range map[string][2]string{
		"save of no content": {"save\tbeta\t2\n", "save\tbeta\t9\n"},
		"index not loaded":   {"load\tghost\n", ""},
		"index loaded twice": {"load\tghost\n", "load\tghost\nload\tghost\n"},
		"content twice":      {"content\talpha\t2\t", "content\talpha\t1\t"},
		"short row":          {"delete\tgamma\n", "delete\n"},
		"dim not a number":   {"content\tbeta\t1\t8\t", "content\tbeta\t1\tx\t"},
		"m below 2":          {"content\tbeta\t1\t8\t20\t2\t6\t", "content\tbeta\t1\t8\t20\t2\t1\t"},
	} {
		bad := strings.Replace(workloadTSV, edit[0], edit[1], 1)
		if bad == workloadTSV {
			t.Fatalf("%s: the edit does not apply", name)
		}
		if _, _, _, err := parseWorkload(bad); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, _, _, err := parseWorkload(workloadTSV); err != nil {
		t.Fatal(err)
	}
}
