package printer

import (
	"testing"

	"github.com/rmmhunt/rmmhunt/kql/parser"
	"github.com/rmmhunt/rmmhunt/kql/parser/parsertest"
	"github.com/rmmhunt/rmmhunt/kql/token"
)

// FuzzRoundTrip checks, for every input that parses without errors, that
// the printed query parses to the same tree and prints the same way again.
func FuzzRoundTrip(f *testing.F) {
	for _, s := range []string{
		"T | where a has_any ('x', \"y\") and b between (1 .. 2) | summarize count() by c",
		`let f = (T:(*), n:long = 2) { T | take n }; f(T) | parse s with * 'x=' v:long`,
		"print dynamic({\"a\": [1, -2, null]}), datetime(2020-01-01), 1.5h, @'x''y', ['a b']",
		"union kind=outer A*, (B | where c !in~ ('x')) | join (C) on $left.k == $right.k",
	} {
		f.Add(s)
	}
	for _, s := range parsertest.ValidQueries {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		q1, d := parser.ParseQuery(token.NewFile("", src))
		if d.HasErrors() {
			return
		}
		p1 := Print(q1)
		q2, d := parser.ParseQuery(token.NewFile("", p1))
		if d.HasErrors() {
			t.Fatalf("printed query does not parse:\n%s\n--- source:\n%q\n--- printed:\n%s", d.Format(), src, p1)
		}
		if !parsertest.EqualTrees(q1, q2) {
			t.Fatalf("printed query parses to another tree\n--- source:\n%q\n--- printed:\n%s", src, p1)
		}
		if p2 := Print(q2); p2 != p1 {
			t.Fatalf("second print differs\n--- first:\n%s\n--- second:\n%s", p1, p2)
		}
	})
}
