package parser

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/rmmhunt/rmmhunt/kql/ast"
	"github.com/rmmhunt/rmmhunt/kql/token"
)

// walk calls f for every ast.Node reachable from n, parents first.
func walk(n any, f func(ast.Node)) {
	walkValue(reflect.ValueOf(n), f)
}

func walkValue(v reflect.Value, f func(ast.Node)) {
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer:
		if v.IsNil() {
			return
		}
		if v.Kind() == reflect.Pointer {
			if n, ok := v.Interface().(ast.Node); ok {
				f(n)
			}
		}
		walkValue(v.Elem(), f)
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				walkValue(v.Field(i), f)
			}
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			walkValue(v.Index(i), f)
		}
	}
}

// spanTexts returns the source text of every node of the type of sample
// in the tree of src, in tree order.
func spanTexts(t *testing.T, src string, sample ast.Node) []string {
	t.Helper()
	q, d := ParseQuery(token.NewFile("q", src))
	if d.HasErrors() {
		t.Fatalf("%s:\n%s", src, d.Format())
	}
	want := reflect.TypeOf(sample)
	var out []string
	walk(q, func(n ast.Node) {
		if reflect.TypeOf(n) == want {
			s := n.Span()
			if s.Start < 0 || s.End > token.Pos(len(src)) || s.Start > s.End {
				t.Fatalf("%T span %v out of bounds", n, s)
			}
			out = append(out, src[s.Start:s.End])
		}
	})
	return out
}

// TestSpans checks the source text covered by the span of selected nodes.
func TestSpans(t *testing.T) {
	const signer = `DeviceFileCertificateInfo
| where Signer has_any (
'AmidaWare',
'Tactical Techs'
)
| summarize Count=count() by DeviceId`
	tests := []struct {
		src    string
		sample ast.Node
		want   []string
	}{
		{signer, &ast.InExpr{}, []string{"Signer has_any (\n'AmidaWare',\n'Tactical Techs'\n)"}},
		{signer, &ast.WhereOp{}, []string{"where Signer has_any (\n'AmidaWare',\n'Tactical Techs'\n)"}},
		{signer, &ast.SummarizeOp{}, []string{"summarize Count=count() by DeviceId"}},
		{signer, &ast.PipeExpr{}, []string{signer, signer[:len(signer)-len("\n| summarize Count=count() by DeviceId")]}},
		{`T | where a !in~ ("x") | take 5 | count`, &ast.InExpr{}, []string{`a !in~ ("x")`}},
		{`T | where a !in~ ("x") | take 5 | count`, &ast.TakeOp{}, []string{"take 5"}},
		{`T | where a !in~ ("x") | take 5 | count`, &ast.CountOp{}, []string{"count"}},
		{`T | where t between (ago(1d) .. now())`, &ast.BetweenExpr{}, []string{"t between (ago(1d) .. now())"}},
		{`T | where a has "x" and b == 1`, &ast.BinaryExpr{}, []string{`a has "x" and b == 1`, `a has "x"`, "b == 1"}},
		{`T | extend x = datetime(2020-01-01) , y = dynamic(["a"])`, &ast.TypedLit{}, []string{"datetime(2020-01-01)"}},
		{`T | extend x = datetime(2020-01-01) , y = dynamic(["a"])`, &ast.DynamicLit{}, []string{`dynamic(["a"])`}},
		{`T | extend x = datetime(2020-01-01) , y = dynamic(["a"])`, &ast.NamedExpr{}, []string{"x = datetime(2020-01-01)", `y = dynamic(["a"])`}},
		{`T | extend s = "a" 'b'`, &ast.BasicLit{}, []string{`"a" 'b'`}},
		{`T | join kind=inner (U) on $left.A == $right.B`, &ast.JoinOp{}, []string{"join kind=inner (U) on $left.A == $right.B"}},
		{`T | join kind=inner (U) on $left.A == $right.B`, &ast.OpParam{}, []string{"kind=inner"}},
		{`T | join kind=inner (U) on $left.A == $right.B`, &ast.SelectorExpr{}, []string{"$left.A", "$right.B"}},
		{`T | mv-expand x to typeof(string) limit 3`, &ast.MvExpandOp{}, []string{"mv-expand x to typeof(string) limit 3"}},
		{`T | mv-expand x to typeof(string) limit 3`, &ast.TypeExpr{}, []string{"typeof(string)"}},
		{`T | parse s with * "a" n:long`, &ast.ParsePart{}, []string{"*", `"a"`, "n:long"}},
		{`T | project-away A*, B | render timechart`, &ast.ProjectOp{}, []string{"project-away A*, B"}},
		{`T | project-away A*, B | render timechart`, &ast.GenericOp{}, []string{"render timechart"}},
		{`T | sort by a asc nulls first, b`, &ast.SortKey{}, []string{"a asc nulls first", "b"}},
		{`let f = (a:long = 1) { a };`, &ast.Param{}, []string{"a:long = 1"}},
		{`let f = (a:long = 1) { a };`, &ast.FuncLit{}, []string{"(a:long = 1) { a }"}},
		{`let f = (a:long = 1) { a };`, &ast.LetStmt{}, []string{"let f = (a:long = 1) { a }"}},
		{`T | where x[0].y["z"] > 1`, &ast.IndexExpr{}, []string{`x[0].y["z"]`, "x[0]"}},
		{`T | extend d = a-b, e = mv-expand`, &ast.BinaryExpr{}, []string{"a-b", "mv-expand"}},
		{`T | mv-expand e = a-b`, &ast.MvExpandOp{}, []string{"mv-expand e = a-b"}},
	}
	for i, tt := range tests {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			got := spanTexts(t, tt.src, tt.sample)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("%s: spans of %T:\n got  %q\n want %q", tt.src, tt.sample, got, tt.want)
			}
		})
	}
}

// TestOpPos checks the span of the operator itself in binary and list
// expressions.
func TestOpPos(t *testing.T) {
	tests := []struct{ src, want string }{
		{`T | where a has_any ("x")`, "has_any"},
		{`T | where a !in~ ("x")`, "!in~"},
		{`T | where a !contains_cs "x"`, "!contains_cs"},
		{`T | where a matches regex "x"`, "matches regex"},
		{`T | where a <> "x"`, "<>"},
	}
	for _, tt := range tests {
		q, d := ParseQuery(token.NewFile("q", tt.src))
		if d.HasErrors() {
			t.Fatalf("%s:\n%s", tt.src, d.Format())
		}
		var got string
		walk(q, func(n ast.Node) {
			switch x := n.(type) {
			case *ast.BinaryExpr:
				got = tt.src[x.OpPos.Start:x.OpPos.End]
			case *ast.InExpr:
				got = tt.src[x.OpPos.Start:x.OpPos.End]
			}
		})
		if got != tt.want {
			t.Errorf("%s: operator span covers %q, want %q", tt.src, got, tt.want)
		}
	}
}
