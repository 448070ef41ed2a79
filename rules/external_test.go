package rules

import (
	"os"
	"testing"
)

// TestLoadExternal loads a directory of published rule files named by the
// RMMHUNT_RULES_DIR environment variable (for instance a local copy of a
// public rule collection) and fails on any error. It is skipped when the
// variable is not set.
func TestLoadExternal(t *testing.T) {
	dir := os.Getenv("RMMHUNT_RULES_DIR")
	if dir == "" {
		t.Skip("RMMHUNT_RULES_DIR not set")
	}
	rules, ds, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d rules loaded\n%s", len(rules), ds.Format())
	for _, r := range rules {
		t.Logf("%s: query at %d:%d exact=%v tables=%v tactics=%v", r.Path, r.QueryLine, r.QueryCol, r.QueryPosExact, r.DataTypes(), r.Tactics)
	}
	if ds.HasErrors() {
		t.Error(ds.Err())
	}
}
