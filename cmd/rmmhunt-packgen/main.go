// Command rmmhunt-packgen writes rmmhunt's built-in RMM rule pack: one
// Sentinel YAML rule per tool and variant, the All Tools rule, and the
// detection tests of every rule, built by package pack from the embedded
// catalog, the published rule facts and the quality policy.
//
//	rmmhunt-packgen -out pack/builtin
//
// It replaces the .yaml files under OUT/rules and OUT/tests. It is run by
// `go generate ./pack/...`.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/rmmhunt/rmmhunt/pack"
)

func main() {
	out := flag.String("out", ".", "directory that receives rules/ and tests/")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintf(os.Stderr, "rmmhunt-packgen: %v\n", err)
		os.Exit(1)
	}
}

func run(out string) error {
	p, err := pack.Load()
	if err != nil {
		return err
	}
	files := map[string][]byte{}
	for _, r := range p.Rules {
		files[filepath.Join("rules", r.FileName())] = r.YAML()
	}
	tests, err := p.Tests()
	if err != nil {
		return err
	}
	for _, tf := range tests {
		files[filepath.Join("tests", tf.FileName)] = tf.YAML()
	}
	for _, dir := range []string{"rules", "tests"} {
		d := filepath.Join(out, dir)
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
		old, err := os.ReadDir(d)
		if err != nil {
			return err
		}
		for _, e := range old {
			if strings.HasSuffix(e.Name(), ".yaml") {
				if _, keep := files[filepath.Join(dir, e.Name())]; !keep {
					if err := os.Remove(filepath.Join(d, e.Name())); err != nil {
						return err
					}
				}
			}
		}
	}
	for name, data := range files {
		if err := writeIfChanged(filepath.Join(out, name), data); err != nil {
			return err
		}
	}
	fmt.Printf("rmmhunt-packgen: %d rules, %d test files in %s\n", len(p.Rules), len(tests), out)
	return nil
}

// writeIfChanged writes data unless the file already holds it, so that
// regenerating an unchanged pack leaves modification times alone.
func writeIfChanged(path string, data []byte) error {
	if old, err := os.ReadFile(path); err == nil && string(old) == string(data) {
		return nil
	}
	return os.WriteFile(path, data, 0o644)
}
