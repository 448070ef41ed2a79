package builtin_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rmmhunt/rmmhunt/engine"
	"github.com/rmmhunt/rmmhunt/gen"
	"github.com/rmmhunt/rmmhunt/hunt"
	"github.com/rmmhunt/rmmhunt/ingest"
	"github.com/rmmhunt/rmmhunt/kql/ast"
	"github.com/rmmhunt/rmmhunt/kql/parser"
	"github.com/rmmhunt/rmmhunt/kql/token"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/pack"
	"github.com/rmmhunt/rmmhunt/pack/builtin"
	"github.com/rmmhunt/rmmhunt/rules"
	"github.com/rmmhunt/rmmhunt/rules/ruletest"
	"github.com/rmmhunt/rmmhunt/table"
)

// queryShape is what a pack rule's query says, read back from its text.
type queryShape struct {
	table string
	where *pack.Pred
	lets  map[string]letShape
	by    []string
	aggs  []string
}

type letShape struct {
	table, distinct string
	where           *pack.Pred
}

// pipeline flattens a | b | c into its source and operators.
func pipeline(x ast.Expr) (ast.Expr, []ast.Operator) {
	var ops []ast.Operator
	for {
		p, ok := x.(*ast.PipeExpr)
		if !ok {
			break
		}
		ops = append([]ast.Operator{p.Op}, ops...)
		x = p.Source
	}
	return x, ops
}

// wheres returns the predicates of the where operators after the time
// filter (the first where).
func wheres(t *testing.T, name string, ops []ast.Operator) (*pack.Pred, []ast.Operator) {
	t.Helper()
	var preds []*pack.Pred
	i := 0
	for ; i < len(ops); i++ {
		w, ok := ops[i].(*ast.WhereOp)
		if !ok {
			break
		}
		if i == 0 {
			if _, ok := w.Pred.(*ast.BetweenExpr); !ok {
				t.Errorf("%s: the first where is not the time filter", name)
			}
			continue
		}
		p, err := pack.PredFromAST(w.Pred)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		preds = append(preds, p)
	}
	return pack.And(preds...), ops[i:]
}

func readShape(t *testing.T, r *rules.Rule) queryShape {
	t.Helper()
	q, diags := parser.ParseQuery(token.NewFile(r.Path, r.Query))
	if diags.HasErrors() {
		t.Fatalf("%s: %s", r.Path, diags.Format())
	}
	s := queryShape{lets: map[string]letShape{}}
	for _, st := range q.Stmts {
		switch x := st.(type) {
		case *ast.LetStmt:
			src, ops := pipeline(x.Value)
			id, ok := src.(*ast.Ident)
			if !ok || len(ops) == 0 {
				continue
			}
			w, rest := wheres(t, r.Path, ops)
			l := letShape{table: id.Name, where: w}
			if len(rest) == 1 {
				if d, ok := rest[0].(*ast.DistinctOp); ok && len(d.Columns) == 1 {
					if c, ok := d.Columns[0].X.(*ast.Ident); ok {
						l.distinct = c.Name
					}
				}
			}
			s.lets[x.Name.Name] = l
		case *ast.ExprStmt:
			src, ops := pipeline(x.X)
			if id, ok := src.(*ast.Ident); ok {
				s.table = id.Name
			}
			var rest []ast.Operator
			s.where, rest = wheres(t, r.Path, ops)
			for _, op := range rest {
				if sm, ok := op.(*ast.SummarizeOp); ok {
					for _, b := range sm.By {
						if id, ok := b.X.(*ast.Ident); ok {
							s.by = append(s.by, id.Name)
						}
					}
					for _, a := range sm.Aggs {
						if len(a.Names) == 1 {
							s.aggs = append(s.aggs, a.Names[0].Name)
						}
					}
				}
			}
		}
	}
	return s
}

// correctedKeys returns the published summarize keys as the pack groups
// them: DeviceNetworkEvents has no AccountUpn.
func correctedKeys(pr *pack.PublishedRule) []string {
	out := append([]string(nil), pr.SummarizeBy...)
	if pr.Table == pack.TableNetwork {
		for i, k := range out {
			if k == "AccountUpn" {
				out[i] = "InitiatingProcessAccountUpn"
			}
		}
	}
	return out
}

// publishedQuery writes the query a published rule's facts describe, with
// its defects corrected as recorded, independently of the pack's renderer.
func publishedQuery(pub *pack.Published, pr *pack.PublishedRule) string {
	var b strings.Builder
	fmt.Fprintf(&b, "let Time_start = %s;\nlet Time_end = %s;\n", pub.Common.WindowStart, pub.Common.WindowEnd)
	for _, l := range pr.Lets {
		distinct := l.Distinct
		if distinct == "Sha1" {
			distinct = "SHA1" // recorded defect: the column is SHA1
		}
		fmt.Fprintf(&b, "let %s = %s | where Timestamp between (Time_start..Time_end) | where %s | distinct %s;\n",
			l.Name, l.Table, l.Where.KQL(), distinct)
	}
	fmt.Fprintf(&b, "%s\n| where Timestamp between (Time_start..Time_end)\n| where %s\n| summarize %s by %s\n",
		pr.Table, pr.Where.KQL(), strings.Join(pub.Common.Aggregates, ", "), strings.Join(correctedKeys(pr), ", "))
	return b.String()
}

// TestPackKeepsPublishedLogic checks, for every published rule, that the
// pack has a rule with the same id, name, tool and variant whose query
// reads the same table with the same predicate (columns, operators, terms
// and how they combine), the same tabular lets and the same summarize,
// the published defects corrected as recorded; and that both give the same
// findings over the pack's test rows for the rule and over a generated
// fleet.
func TestPackKeepsPublishedLogic(t *testing.T) {
	pub, err := pack.LoadPublished()
	if err != nil {
		t.Fatal(err)
	}
	rs, _, err := builtin.Rules()
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]*rules.Rule{}
	for _, r := range rs {
		byID[r.ID] = r
	}
	files, err := builtin.Tests()
	if err != nil {
		t.Fatal(err)
	}
	// A fleet shared by every comparison.
	dir := t.TempDir()
	truth, err := gen.Generate(gen.Options{Devices: 60, Days: 8, Seed: 31, OutDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	fleet, err := ingest.Load([]string{dir}, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fleetNow := types.TimeFromTicks(int64(truth.ReferenceTime))
	tools := map[string]bool{}
	compared := 0
	for _, pr := range pub.Rules {
		tools[pr.Tool] = true
		r := byID[pr.ID]
		if r == nil {
			t.Errorf("%s: the pack has no rule with the published id %s", pr.File, pr.ID)
			continue
		}
		if r.Name != pr.Name || r.Tool() != pr.Tool || r.Variant() != pr.Variant {
			t.Errorf("%s: pack rule %q is %s/%s", pr.File, r.Name, r.Tool(), r.Variant())
		}
		s := readShape(t, r)
		if s.table != pr.Table {
			t.Errorf("%s: pack reads %s, published %s", pr.File, s.table, pr.Table)
		}
		if !s.where.Equal(pr.Where) {
			t.Errorf("%s: predicate differs:\n pack:      %s\n published: %s", pr.File, s.where.KQL(), pr.Where.KQL())
		}
		for _, l := range pr.Lets {
			got, ok := s.lets[l.Name]
			if !ok || got.table != l.Table || !got.where.Equal(l.Where) || !strings.EqualFold(got.distinct, l.Distinct) {
				t.Errorf("%s: let %s differs: %+v", pr.File, l.Name, got)
			}
		}
		if got, want := strings.Join(s.by, ","), strings.Join(correctedKeys(pr), ","); got != want {
			t.Errorf("%s: summarize by %s, want %s", pr.File, got, want)
		}
		if got := strings.Join(s.aggs, ","); got != "FirstSeen,LastSeen,Report,Count" {
			t.Errorf("%s: aggregates %s", pr.File, got)
		}
		// Both over the same data.
		ref, l := rules.Parse("published/"+pr.File, []byte(fmt.Sprintf("id: %s\nname: %s\nquery: |\n%s", pr.ID, pr.Name, indentLines(publishedQuery(pub, pr)))))
		if l.HasErrors() {
			t.Fatalf("%s: %s", pr.File, l.Format())
		}
		compareRuns(t, pr.File+" over a generated fleet", ref, r, fleet.Tables, fleetNow)
		n := 0
		for _, f := range files {
			for _, tc := range f.Tests {
				if tc.Rule != pr.ID {
					continue
				}
				tables, problems := f.Tables(tc)
				if len(problems) > 0 {
					t.Fatalf("%s: %v", tc.Name, problems)
				}
				compareRuns(t, pr.File+" over "+tc.Name, ref, r, tables, tc.Now)
				n++
			}
		}
		if n == 0 {
			t.Errorf("%s: no shipped test exercises the rule", pr.File)
		}
		compared++
	}
	t.Logf("%d published rules of %d tools compared", compared, len(tools))
	if compared != len(pub.Rules) || len(pub.Rules) < 160 {
		t.Errorf("compared %d of %d published rules", compared, len(pub.Rules))
	}
}

func indentLines(s string) string {
	var b strings.Builder
	for _, l := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		b.WriteString("  " + l + "\n")
	}
	return b.String()
}

// compareRuns runs the published rule's facts and the pack rule over the
// same tables and fails when their findings differ.
func compareRuns(t *testing.T, what string, ref, r *rules.Rule, tables map[string]*table.Table, now time.Time) {
	t.Helper()
	src := engine.NewMemSource(tables)
	res := hunt.RunEach(context.Background(), []*rules.Rule{ref, r}, src, now)
	for _, rr := range res.Rules {
		if rr.Err != nil {
			t.Fatalf("%s: %s: %v", what, rr.Rule.Path, rr.Err)
		}
	}
	a, b := findingText(res.Rules[0].Findings), findingText(res.Rules[1].Findings)
	if a != b {
		t.Errorf("%s: published facts give\n%s\npack rule gives\n%s", what, a, b)
	}
}

func findingText(fs []hunt.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		for i, c := range f.Schema {
			fmt.Fprintf(&b, "%s=%s ", c.Name, f.Row[i].String())
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// TestAllToolsKeepsPublishedRows checks that every row of the published
// All Tools datatable is in the pack's, for the same tool, or listed on
// the pack's rule as dropped with a reason; and that the rule keeps the
// published id.
func TestAllToolsKeepsPublishedRows(t *testing.T) {
	p, err := pack.Load()
	if err != nil {
		t.Fatal(err)
	}
	var at *pack.Rule
	for _, r := range p.Rules {
		if r.Tool == pack.AllTools {
			at = r
		}
	}
	if at == nil || at.ID != p.Published.AllTools.ID {
		t.Fatalf("All Tools rule missing or with another id")
	}
	rows := map[string]string{}
	for _, r := range at.Rows {
		rows[r.URI] = r.Tool
	}
	dropped := map[string]string{}
	for _, in := range at.Indicators {
		if in.Status == pack.StatusDropped {
			dropped[strings.ToLower(in.Value)] = in.Reason
		}
	}
	kept := 0
	for _, pr := range p.Published.AllTools.Rows {
		u := strings.ToLower(pr.URI)
		tool, ok := rows[u]
		switch {
		case ok:
			if p.Tool(pr.Tool) == nil || p.Tool(pr.Tool).Tool.Name != tool {
				t.Errorf("%s: published for %q, pack says %q", pr.URI, pr.Tool, tool)
			}
			kept++
		case dropped[u] != "":
			t.Logf("%s (%s) dropped: %s", pr.URI, pr.Tool, dropped[u])
		default:
			t.Errorf("%s (%s): neither in the pack's datatable nor listed as dropped", pr.URI, pr.Tool)
		}
	}
	t.Logf("%d of %d published rows kept; the pack's datatable has %d rows", kept, len(p.Published.AllTools.Rows), len(at.Rows))
	// The pack's rule over the shipped tests of its own.
	rs, _, err := builtin.Rules()
	if err != nil {
		t.Fatal(err)
	}
	files, err := builtin.Tests()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		for _, res := range ruletest.RunFile(context.Background(), f, rs) {
			if res.Test.Rule == at.ID && !res.Pass {
				t.Errorf("%s: %v", res.Test.Name, res.Problems)
			}
		}
	}
}
