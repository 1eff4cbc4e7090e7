// Command gen writes go/lhv1test/anchors_table.go from the C table
// (run by `go generate` in go/lhv1test).
package main

import (
	"fmt"
	"os"

	"github.com/lhv1/harness/go/lhv1test/internal/anchorgen"
)

func main() {
	header, err := os.ReadFile(anchorgen.HeaderPath)
	if err == nil {
		var src []byte
		if src, err = anchorgen.Generate(header); err == nil {
			err = os.WriteFile("anchors_table.go", src, 0o644)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
