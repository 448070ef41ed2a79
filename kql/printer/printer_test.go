package printer

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rmmhunt/rmmhunt/kql/ast"
	"github.com/rmmhunt/rmmhunt/kql/parser"
	"github.com/rmmhunt/rmmhunt/kql/parser/parsertest"
	"github.com/rmmhunt/rmmhunt/kql/token"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// parseCases are the parser's golden inputs: they cover the grammar.
func parseCases(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("../parser/testdata/parse/*.kql")
	if err != nil || len(files) == 0 {
		t.Fatalf("no parser test files: %v", err)
	}
	return files
}

// TestGolden prints the parser's test queries and compares the text with
// testdata/<name>.golden. Run with -update to rewrite them.
func TestGolden(t *testing.T) {
	for _, file := range parseCases(t) {
		name := strings.TrimSuffix(filepath.Base(file), ".kql")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			q, d := parser.ParseQuery(token.NewFile(file, string(src)))
			if d.HasErrors() {
				t.Fatalf("parse errors:\n%s", d.Format())
			}
			got := Print(q) + "\n"
			golden := filepath.Join("testdata", name+".golden")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("printed text differs from %s:\n--- got:\n%s--- want:\n%s", golden, got, want)
			}
		})
	}
}

// TestRoundTripCases round-trips the parser's test queries and a few more
// shapes.
func TestRoundTripCases(t *testing.T) {
	for _, file := range parseCases(t) {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		roundTrip(t, file, string(src))
	}
	for _, src := range []string{
		`T | where a == "it's \"quoted\"" and b == @"C:\dir\" and c == "tab\there"`,
		`T | project ['a b'], ['it\'s'], ["x\"y"], $table`,
		`T | where x in (dynamic(["a"]), "b") | extend y = dynamic(["c"])`,
		`T | extend a = -(-1), b = - -1, c = -1d, d = dynamic([-1, - 2, +3])`,
		`T | extend m = (a + b) * c, n = a - (b - c), o = (a or b) and c, p = not(a)`,
		`T | where (T2 | count) > 0`,
		"T | where a == 1 // trailing comment\n| take 1;",
		`let f = view () { T }; f`,
		`print x = 1, 'y'`,
		`T | summarize make_set(x, 10) by k = tolower(y) | mvexpand x limit 3`,
		`T | join (U) on $left.a == $right.b and $left.c == $right.d`,
		"T\n| make-series n = count() on Timestamp from ago(1d) to now() step 1h // c\n| render timechart",
	} {
		roundTrip(t, src, src)
	}
	for _, src := range parsertest.ValidQueries {
		roundTrip(t, src, src)
	}
}

// TestParentheses prints hand-built trees whose structure needs
// parentheses that the tree does not hold.
func TestParentheses(t *testing.T) {
	id := func(n string) *ast.Ident { return &ast.Ident{Name: n} }
	bin := func(op string, x, y ast.Expr) *ast.BinaryExpr { return &ast.BinaryExpr{Op: op, X: x, Y: y} }
	tests := []struct {
		n    ast.Node
		want string
	}{
		{bin("*", bin("+", id("a"), id("b")), id("c")), "(a + b) * c"},
		{bin("-", id("a"), bin("-", id("b"), id("c"))), "a - (b - c)"},
		{bin("and", bin("or", id("a"), id("b")), id("c")), "(a or b) and c"},
		{&ast.UnaryExpr{Op: "-", X: bin("+", id("a"), id("b"))}, "-(a + b)"},
		{&ast.SelectorExpr{X: bin("+", id("a"), id("b")), Sel: id("c")}, "(a + b).c"},
		{bin(">", &ast.PipeExpr{Source: id("T"), Op: &ast.CountOp{}}, &ast.BasicLit{Kind: ast.LitLong, Value: "0"}), "(T\n    | count) > 0"},
		{&ast.Ident{Name: "my col"}, "['my col']"},
		{&ast.Ident{Name: "x", Quoted: true}, "['x']"},
		{&ast.BasicLit{Kind: ast.LitString, Value: "a\x01b"}, `"a\u0001b"`},
		{&ast.WhereOp{Pred: id("p")}, "where p"},
		{&ast.SortKey{X: id("a")}, "a asc"},
	}
	for _, tt := range tests {
		if got := Print(tt.n); got != tt.want {
			t.Errorf("Print(%T) = %q, want %q", tt.n, got, tt.want)
		}
	}
}
