package parser

import (
	"strings"
	"testing"

	"github.com/rmmhunt/rmmhunt/kql/token"
)

func TestEditorQueries(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string // the text of each query
	}{
		{"one query", "T\n| take 1", []string{"T\n| take 1"}},
		{"two queries", "T | take 1\n\nU | take 2\n", []string{"T | take 1", "U | take 2"}},
		{"comments between", "T | take 1\n\n// the second\nU | count", []string{"T | take 1", "U | count"}},
		{"blank line before a pipe continues", "T\n\n| take 1", []string{"T\n\n| take 1"}},
		{"let statements stay with their query", "let x = 1;\n\nT | where A == x\n\nU", []string{"let x = 1;\n\nT | where A == x", "U"}},
		{"open parenthesis continues", "T | where A in (\n\n1, 2)\n\nU", []string{"T | where A in (\n\n1, 2)", "U"}},
		{"trailing operator continues", "T | where A == 1 and\n\nB == 2\n\nU", []string{"T | where A == 1 and\n\nB == 2", "U"}},
		{"blank line in a multi-line string", "print x = ```a\n\nb```\n\nU", []string{"print x = ```a\n\nb```", "U"}},
		{"white space only lines split", "T\n   \t\nU", []string{"T", "U"}},
		{"comment line is not blank", "T\n// note\nU", []string{"T\n// note\nU"}},
		{"empty text", "", []string{""}},
		{"CRLF", "T\r\n\r\nU\r\n", []string{"T", "U"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := token.NewFile("q", tc.src)
			spans := EditorQueries(f)
			var got []string
			for _, sp := range spans {
				got = append(got, tc.src[sp.Start:sp.End])
			}
			if strings.Join(got, "\x00") != strings.Join(tc.want, "\x00") {
				t.Fatalf("EditorQueries(%q) = %q, want %q", tc.src, got, tc.want)
			}
		})
	}
}

func TestEditorQueryFileKeepsPositions(t *testing.T) {
	src := "T | take 1\n\nU | wher x\n"
	f := token.NewFile("q", src)
	spans := EditorQueries(f)
	if len(spans) != 2 {
		t.Fatalf("got %d queries, want 2", len(spans))
	}
	second := EditorQueryFile(f, spans[1])
	if len(second.Src) != len(src) || strings.Contains(second.Src, "take") {
		t.Fatalf("second query file %q: want the first query blanked, same length", second.Src)
	}
	_, d := ParseQuery(second)
	if d == nil || !d.HasErrors() {
		t.Fatal("want a parse error in the second query")
	}
	d.Sort()
	if pos := d.Position(d.Items[0]); pos.Line != 3 {
		t.Fatalf("error at %v, want line 3 of the whole text", pos)
	}
}
