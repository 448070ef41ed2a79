package parser

import (
	"testing"

	"github.com/rmmhunt/rmmhunt/kql/parser/parsertest"
	"github.com/rmmhunt/rmmhunt/kql/token"
)

// TestValidQueries parses each of parsertest.ValidQueries, which must give
// no diagnostic at all.
func TestValidQueries(t *testing.T) {
	for _, src := range parsertest.ValidQueries {
		_, d := ParseQuery(token.NewFile("q", src))
		if len(d.Items) > 0 {
			t.Errorf("%s:\n%s", src, d.Format())
		}
	}
}
