package hunt

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/rmmhunt/rmmhunt/engine"
	"github.com/rmmhunt/rmmhunt/kql/ast"
	"github.com/rmmhunt/rmmhunt/kql/binder"
	"github.com/rmmhunt/rmmhunt/kql/diag"
	"github.com/rmmhunt/rmmhunt/kql/parser"
	"github.com/rmmhunt/rmmhunt/kql/token"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/schema"
	"github.com/rmmhunt/rmmhunt/table"
)

// enrichedTable is the name the where predicates' rows are bound under.
const enrichedTable = "AllowlistRows"

// findingColumn holds, in each enriched row, the index of its finding.
const findingColumn = "__finding"

// EnrichedSchema returns the columns an allowlist `where` predicate sees.
// A finding has one enriched row per observation of its binary on its
// device (a process creation, a network connection it made, else its file
// or certificate rows); the predicate must hold on every one of them.
//
//   - RuleId, RuleName, Tool, Variant: the rule and what it detects;
//   - DeviceId, DeviceName, FirstSeen, LastSeen, Count, Report: the
//     finding;
//   - SHA1, FileName, FolderPath, Signer: the binary;
//   - ProcessCommandLine, AccountDomain, AccountName, AccountUpn: the
//     process of the binary (in DeviceNetworkEvents, the process that made
//     the connection);
//   - InitiatingProcessFileName, InitiatingProcessCommandLine,
//     InitiatingProcessFolderPath: its parent;
//   - RemoteUrl, RemoteIP, RemotePort: the connection, for connections;
//   - Source: the table of the observation;
//   - Row: the finding's own result row as a property bag.
func EnrichedSchema() table.Schema {
	s := table.Schema{
		{Name: "RuleId", Type: types.String},
		{Name: "RuleName", Type: types.String},
		{Name: "Tool", Type: types.String},
		{Name: "Variant", Type: types.String},
		{Name: "DeviceId", Type: types.String},
		{Name: "DeviceName", Type: types.String},
		{Name: "FirstSeen", Type: types.Datetime},
		{Name: "LastSeen", Type: types.Datetime},
		{Name: "Count", Type: types.Long},
		{Name: "Report", Type: types.Dynamic},
	}
	for _, n := range obsFieldNames {
		s = append(s, table.Field{Name: n, Type: types.String})
	}
	return append(s,
		table.Field{Name: "RemotePort", Type: types.Long},
		table.Field{Name: "Source", Type: types.String},
		table.Field{Name: "Row", Type: types.Dynamic},
	)
}

// FieldAliases maps the dotted field names an allowlist predicate may use
// (the names of the rules' false-positive notes) to enriched-row columns.
var FieldAliases = map[string]string{
	"process.name":                "FileName",
	"process.path":                "FolderPath",
	"process.hash":                "SHA1",
	"process.sha1":                "SHA1",
	"process.signer":              "Signer",
	"process.command_line":        "ProcessCommandLine",
	"process.user":                "AccountName",
	"process.user_domain":         "AccountDomain",
	"process.user_upn":            "AccountUpn",
	"process.parent_process_name": "InitiatingProcessFileName",
	"process.parent_name":         "InitiatingProcessFileName",
	"process.parent_command_line": "InitiatingProcessCommandLine",
	"process.parent_path":         "InitiatingProcessFolderPath",
	"file.name":                   "FileName",
	"file.path":                   "FolderPath",
	"file.hash":                   "SHA1",
	"file.sha1":                   "SHA1",
	"file.signer":                 "Signer",
	"device.name":                 "DeviceName",
	"device.id":                   "DeviceId",
	"network.remote_url":          "RemoteUrl",
	"network.remote_ip":           "RemoteIP",
	"network.remote_port":         "RemotePort",
	"rule.id":                     "RuleId",
	"rule.name":                   "RuleName",
}

// aliasRoots are the first parts of the dotted names.
var aliasRoots = func() map[string][]string {
	m := map[string][]string{}
	for k := range FieldAliases {
		root, rest, _ := strings.Cut(k, ".")
		m[root] = append(m[root], rest)
	}
	for _, v := range m {
		sort.Strings(v)
	}
	return m
}()

// wherePred is a compiled where predicate.
type wherePred struct {
	root binder.Node
}

// compileWhere parses and binds a predicate whose text f holds. Dotted
// field names are rewritten to columns before binding. Diagnostics go to l,
// whose file has the same offsets as f.
func compileWhere(f *token.File, l *diag.List) *wherePred {
	x, pd := parser.ParseExpr(f)
	if pd != nil {
		l.Items = append(l.Items, pd.Items...)
	}
	if x == nil || (pd != nil && pd.HasErrors()) {
		return nil
	}
	cols := EnrichedSchema()
	ok := true
	x = rewriteAliases(x, cols, func(span token.Span, format string, args ...any) {
		l.Errorf(span, format, args...)
		ok = false
	})
	if !ok {
		return nil
	}
	span := x.Span()
	q := &ast.Query{Pos: span, Stmts: []ast.Stmt{&ast.ExprStmt{X: &ast.PipeExpr{
		Source: &ast.Ident{Name: enrichedTable, Pos: span},
		Op:     &ast.WhereOp{Pred: x, Pos: span},
		Pos:    span,
	}}}}
	bound := append(cols, table.Field{Name: findingColumn, Type: types.Long})
	info := &binder.TableInfo{Name: enrichedTable, Columns: bound, Aliases: map[string]string{}}
	cat := &binder.MapCatalog{Tables: map[string]*binder.TableInfo{enrichedTable: info}}
	root, bd := binder.Bind(q, f, binder.Options{Catalog: cat})
	if bd != nil {
		l.Items = append(l.Items, bd.Items...)
	}
	if root == nil || (bd != nil && bd.HasErrors()) {
		return nil
	}
	return &wherePred{root: root}
}

// rewriteAliases replaces dotted field names (process.name) with the
// columns they stand for, reporting unknown ones.
func rewriteAliases(x ast.Expr, cols table.Schema, errorf func(token.Span, string, ...any)) ast.Expr {
	var rw func(e ast.Expr) ast.Expr
	rw = func(e ast.Expr) ast.Expr {
		switch n := e.(type) {
		case *ast.SelectorExpr:
			if name, ok := dottedName(n); ok {
				root, rest, _ := strings.Cut(name, ".")
				if subs, isAlias := aliasRoots[root]; isAlias && cols.Index(root) < 0 {
					if col, ok := FieldAliases[name]; ok {
						return &ast.Ident{Name: col, Pos: n.Pos}
					}
					hint := ""
					if c := schema.Closest(rest, subs); c != "" {
						hint = fmt.Sprintf(" (did you mean %s.%s?)", root, c)
					}
					errorf(n.Pos, "unknown field %s%s; %s fields are %s", name, hint, root, root+"."+strings.Join(subs, ", "+root+"."))
					return e
				}
			}
			n.X = rw(n.X)
		case *ast.BinaryExpr:
			n.X, n.Y = rw(n.X), rw(n.Y)
		case *ast.UnaryExpr:
			n.X = rw(n.X)
		case *ast.ParenExpr:
			n.X = rw(n.X)
		case *ast.InExpr:
			n.X = rw(n.X)
			for i := range n.List {
				n.List[i] = rw(n.List[i])
			}
		case *ast.BetweenExpr:
			n.X, n.Lo, n.Hi = rw(n.X), rw(n.Lo), rw(n.Hi)
		case *ast.CallExpr:
			for i := range n.Args {
				n.Args[i] = rw(n.Args[i])
			}
		case *ast.IndexExpr:
			n.X, n.Index = rw(n.X), rw(n.Index)
		case *ast.NamedExpr:
			n.X = rw(n.X)
		}
		return e
	}
	return rw(x)
}

// dottedName returns a.b.c for a chain of plain identifiers.
func dottedName(s *ast.SelectorExpr) (string, bool) {
	parts := []string{s.Sel.Name}
	e := s.X
	for {
		switch n := e.(type) {
		case *ast.SelectorExpr:
			parts = append(parts, n.Sel.Name)
			e = n.X
			continue
		case *ast.Ident:
			if n.Quoted {
				return "", false
			}
			parts = append(parts, n.Name)
			for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
				parts[i], parts[j] = parts[j], parts[i]
			}
			return strings.Join(parts, "."), true
		}
		return "", false
	}
}

// evalWhere evaluates every entry's where predicate over the enriched rows
// of the findings whose tool the entry names, and returns, per entry and
// finding, whether the predicate held on all of the finding's rows.
func (a *Allowlist) evalWhere(ctx context.Context, o *Outcome) ([][]bool, error) {
	out := make([][]bool, len(a.Entries))
	tools := map[string]bool{}
	some := false
	for i, e := range a.Entries {
		out[i] = make([]bool, len(o.Items))
		if e.where != nil {
			tools[strings.ToLower(e.Tool)] = true
			some = true
		}
	}
	if !some {
		return out, nil
	}
	t, rows := enrichedRows(o, func(it *Explained) bool { return tools[strings.ToLower(it.Tool)] })
	if t.Rows() == 0 {
		return out, nil
	}
	src := engine.NewMemSource(map[string]*table.Table{enrichedTable: t})
	now := types.TicksFromTime(o.Result.ReferenceTime)
	for ei, e := range a.Entries {
		if e.where == nil {
			continue
		}
		res, err := engine.Run(ctx, e.where.root, src, engine.Options{Now: now})
		if err != nil {
			return nil, fmt.Errorf("%s: where: %v", e.Position(a), err)
		}
		held := make([]int, len(o.Items))
		col := res.Schema.Index(findingColumn)
		if col < 0 {
			return nil, fmt.Errorf("%s: where: the result lost its finding column", e.Position(a))
		}
		for _, b := range res.Batches {
			c := b.Cols[col]
			for i := 0; i < b.N; i++ {
				held[c.Ints[i]]++
			}
		}
		for fi := range o.Items {
			out[ei][fi] = rows[fi] > 0 && held[fi] == rows[fi]
		}
	}
	return out, nil
}

// enrichedRows builds the enriched rows of the findings keep selects, and
// returns the number of rows of each finding.
func enrichedRows(o *Outcome, keep func(*Explained) bool) (*table.Table, []int) {
	s := append(EnrichedSchema(), table.Field{Name: findingColumn, Type: types.Long})
	b := table.NewBatch(s, 0)
	rows := make([]int, len(o.Items))
	vals := make([]types.Value, len(s))
	for fi, it := range o.Items {
		if !keep(it) {
			continue
		}
		c := it.Context
		bag := types.NewBag()
		for i, f := range it.Schema {
			bag.Set(f.Name, it.Row[i].ToDynamic())
		}
		var report []any
		for _, r := range c.ReportIDs {
			report = append(report, r)
		}
		tm := func(t time.Time) types.Value {
			if t.IsZero() {
				return types.NullOf(types.Datetime)
			}
			return types.NewDatetime(types.TicksFromTime(t))
		}
		for _, ob := range it.obs {
			vals[0] = types.NewString(it.Rule.ID)
			vals[1] = types.NewString(it.Rule.Name)
			vals[2] = types.NewString(it.Tool)
			vals[3] = types.NewString(it.Variant)
			vals[4] = types.NewString(c.DeviceID)
			vals[5] = types.NewString(c.DeviceName)
			vals[6] = tm(c.FirstSeen)
			vals[7] = tm(c.LastSeen)
			vals[8] = types.NewLong(c.Count)
			vals[9] = types.NewDynamic(report)
			if report == nil {
				vals[9] = types.NewDynamic([]any{})
			}
			k := 10
			for _, v := range ob.vals {
				vals[k] = types.NewString(v)
				k++
			}
			if ob.hasPort {
				vals[k] = types.NewLong(ob.port)
			} else {
				vals[k] = types.NullOf(types.Long)
			}
			vals[k+1] = types.NewString(ob.table)
			vals[k+2] = types.NewDynamic(bag)
			vals[k+3] = types.NewLong(int64(fi))
			b.AppendRow(vals)
			rows[fi]++
		}
	}
	return &table.Table{Name: enrichedTable, Schema: s, Batches: []*table.Batch{b}}, rows
}
