package twowriters

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Row is one plan's results under every mode.
type Row struct {
	Plan    string          `json:"plan"`
	Steps   string          `json:"steps"`
	Create  bool            `json:"create"`
	Racy    bool            `json:"racy"`
	Results map[Mode]Result `json:"results"`
}

// Markdown is the table of docs/S3.md's two-writer section.
func Markdown(rows []Row) string {
	var b strings.Builder
	b.WriteString("# Two writers: lost updates vs detected conflicts\n\n")
	b.WriteString("Two writers (two vectord persistors over aws-sdk-go-v2) update index `shared` on `lhv1 serve`, " +
		"interleaved as the steps say: `Ar` A loads and adds a vector, `Aw` A saves. " +
		"*plain*: `Persistor` (unconditional PUT); *conditional*: `ConditionalPersistor` " +
		"(`If-Match` on the ETag last read, `If-None-Match: *` on create); *+ retry*: on a conflict the writer reloads, " +
		"reapplies its additions and saves again.\n\n")
	b.WriteString("| plan | steps | plain | conditional | conditional + retry |\n| --- | --- | --- | --- | --- |\n")
	for _, r := range rows {
		steps := r.Steps
		if r.Create {
			steps += " (empty store)"
		}
		fmt.Fprintf(&b, "| %s | `%s` | %s | %s | %s |\n", r.Plan, steps,
			r.Results[Plain].Verdict(), r.Results[Conditional].Verdict(), r.Results[Retry].Verdict())
	}
	return b.String()
}

// WriteReport writes two-writers.md and two-writers.json into dir.
func WriteReport(dir string, rows []Row) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	js, err := json.MarshalIndent(rows, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "two-writers.json"), append(js, '\n'), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "two-writers.md"), []byte(Markdown(rows)), 0o644)
}
