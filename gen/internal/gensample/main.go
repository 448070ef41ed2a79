// Command gensample regenerates the sample data set committed under
// examples/data, with gen.ExampleOptions. Run it through go generate ./gen.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/rmmhunt/rmmhunt/gen"
)

func main() {
	out := flag.String("out", "examples/data", "output directory")
	flag.Parse()
	tr, err := gen.Generate(gen.ExampleOptions(*out))
	if err != nil {
		fmt.Fprintln(os.Stderr, "gensample:", err)
		os.Exit(1)
	}
	var total int64
	for _, f := range append([]string{gen.TruthFile}, files(tr)...) {
		if st, err := os.Stat(filepath.Join(*out, f)); err == nil {
			total += st.Size()
		}
	}
	fmt.Printf("gensample: %d devices, %d installs, %d decoys, %d bytes in %s\n",
		len(tr.Devices), len(tr.Installs), len(tr.Decoys), total, *out)
}

func files(tr *gen.Truth) []string {
	var out []string
	for _, f := range tr.Files {
		out = append(out, f.File)
	}
	return out
}
