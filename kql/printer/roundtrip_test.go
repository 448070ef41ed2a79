package printer

import (
	"testing"

	"github.com/rmmhunt/rmmhunt/kql/parser"
	"github.com/rmmhunt/rmmhunt/kql/parser/parsertest"
	"github.com/rmmhunt/rmmhunt/kql/token"
)

// roundTrip parses src, prints it, parses the output and prints again. It
// fails when the output does not parse, gives a different tree, or prints
// differently the second time.
func roundTrip(t *testing.T, name, src string) {
	t.Helper()
	q1, d := parser.ParseQuery(token.NewFile(name, src))
	if d.HasErrors() {
		t.Errorf("%s: source does not parse:\n%s", name, d.Format())
		return
	}
	p1 := Print(q1)
	q2, d := parser.ParseQuery(token.NewFile(name+" (printed)", p1))
	if d.HasErrors() {
		t.Errorf("%s: printed query does not parse:\n%s\n--- printed:\n%s", name, d.Format(), p1)
		return
	}
	if !parsertest.EqualTrees(q1, q2) {
		t.Errorf("%s: printed query parses to a different tree\n--- source:\n%s\n--- printed:\n%s", name, src, p1)
		return
	}
	if p2 := Print(q2); p2 != p1 {
		t.Errorf("%s: second print differs\n--- first:\n%s\n--- second:\n%s", name, p1, p2)
	}
}

// TestRoundTripCorpus round-trips every corpus query that parses cleanly.
func TestRoundTripCorpus(t *testing.T) {
	n := 0
	for _, q := range parsertest.LoadCorpus(t) {
		if _, d := parser.ParseQuery(token.NewFile(q.Name, q.Query)); d.HasErrors() {
			continue
		}
		roundTrip(t, q.Path+": "+q.Name, q.Query)
		n++
	}
	t.Logf("round-tripped %d corpus queries", n)
}
