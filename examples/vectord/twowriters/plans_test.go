package twowriters

import "testing"

// TestParsePlans: the shared table parses into the plans the workload
// plays, and a malformed line is refused, never half-read.
func TestParsePlans(t *testing.T) {
	if len(Plans) != 7 || Plans[3].Name != "both create the missing index" || !Plans[3].Create || !Plans[3].Racy {
		t.Fatalf("plans.tsv parsed as %+v", Plans)
	}
	for _, bad := range []string{
		"name\tAr Aw\tno",            // a column missing
		"name\tAr Aw\tno\tno\textra", // one too many
		"name\tAr Xw\tno\tno",        // not a step
		"name\tAr Aw\tmaybe\tno",     // not yes or no
		"\tAr Aw\tno\tno",            // no name
		"# only a comment",
	} {
		if _, err := ParsePlans(bad); err == nil {
			t.Errorf("ParsePlans(%q) accepted it", bad)
		}
	}
}
