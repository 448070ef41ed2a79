package builtin

import (
	"context"
	"testing"

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
