// Package builtin embeds rmmhunt's built-in RMM rule pack ("rmm"): the
// Sentinel YAML rules and detection tests that package pack builds and the
// rmmhunt-packgen command writes into the rules and tests directories here.
// Regenerate them with `go generate ./pack/...` after changing the catalog,
// the published rule facts or the quality policy.
package builtin

//go:generate go run ../../cmd/rmmhunt-packgen -out .

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"sync"

	"github.com/rmmhunt/rmmhunt/rules"
	"github.com/rmmhunt/rmmhunt/rules/ruletest"
)

// Name is the name of the pack on the command line (--pack rmm).
const Name = "rmm"

//go:embed rules/*.yaml tests/*.yaml
var files embed.FS

// RulesFS returns the pack's rule files (one directory level, *.yaml).
func RulesFS() fs.FS {
	sub, err := fs.Sub(files, "rules")
	if err != nil {
		panic(err)
	}
	return sub
}

// TestsFS returns the pack's detection test files.
func TestsFS() fs.FS {
	sub, err := fs.Sub(files, "tests")
	if err != nil {
		panic(err)
	}
	return sub
}

var (
	loadOnce  sync.Once
	loaded    []*rules.Rule
	loadDiags *rules.Diagnostics
	loadErr   error
)

// Rules returns the pack's rules, parsed once; their paths read
// "rmm/<file>". The rules are shared: do not modify them.
func Rules() ([]*rules.Rule, *rules.Diagnostics, error) {
	loadOnce.Do(func() {
		loaded, loadDiags, loadErr = parseAll(RulesFS())
	})
	return loaded, loadDiags, loadErr
}

func parseAll(fsys fs.FS) ([]*rules.Rule, *rules.Diagnostics, error) {
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, nil, err
	}
	sort.Strings(names)
	ds := &rules.Diagnostics{}
	var out []*rules.Rule
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, nil, err
		}
		r, l := rules.Parse(path.Join(Name, n), b)
		if l != nil && len(l.Items) > 0 {
			ds.Lists = append(ds.Lists, l)
		}
		if r == nil || l.HasErrors() {
			continue
		}
		out = append(out, r)
	}
	if ds.HasErrors() {
		return out, ds, fmt.Errorf("builtin pack: %w", ds.Err())
	}
	return out, ds, nil
}

// Tests returns the pack's detection test files.
func Tests() ([]*ruletest.File, error) {
	return ruletest.LoadFS(TestsFS(), ".")
}
