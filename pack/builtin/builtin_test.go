package builtin

import (
	"bytes"
	"context"
	"io/fs"
	"testing"

	"github.com/rmmhunt/rmmhunt/pack"
	"github.com/rmmhunt/rmmhunt/rules/ruletest"
)

// TestPackTests runs every detection test shipped with the pack.
func TestPackTests(t *testing.T) {
	rs, _, err := Rules()
	if err != nil {
		t.Fatal(err)
	}
	files, err := Tests()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range files {
		for _, res := range ruletest.RunFile(context.Background(), f, rs) {
			n++
			if !res.Pass {
				t.Errorf("%s: %s:\n  %v", res.Where(), res.Test.Name, res.Problems)
			}
		}
	}
	if n == 0 {
		t.Fatal("the pack ships no test")
	}
	t.Logf("%d tests in %d files", n, len(files))
}

// TestPackUpToDate checks that the embedded files are what the generator
// writes from the current catalog, facts and policy (run `go generate
// ./pack/...` when it fails).
func TestPackUpToDate(t *testing.T) {
	p, err := pack.Load()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]byte{}
	for _, r := range p.Rules {
		want["rules/"+r.FileName()] = r.YAML()
	}
	tests, err := p.Tests()
	if err != nil {
		t.Fatal(err)
	}
	for _, tf := range tests {
		want["tests/"+tf.FileName] = tf.YAML()
	}
	have := map[string]bool{}
	for _, dir := range []string{"rules", "tests"} {
		var sub fs.FS = RulesFS()
		if dir == "tests" {
			sub = TestsFS()
		}
		names, err := fs.Glob(sub, "*.yaml")
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range names {
			name := dir + "/" + n
			have[name] = true
			b, _ := fs.ReadFile(sub, n)
			if w, ok := want[name]; !ok {
				t.Errorf("%s is not generated any more", name)
			} else if !bytes.Equal(b, w) {
				t.Errorf("%s is out of date", name)
			}
		}
	}
	for name := range want {
		if !have[name] {
			t.Errorf("%s is missing", name)
		}
	}
}
