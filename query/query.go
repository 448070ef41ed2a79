// Package query is the library entry point for running KQL: it parses and
// binds query text against a catalog of tables, and runs the bound query on
// the in-memory engine with a chosen reference time.
//
// It wires the front end (kql/parser, kql/binder) to the executor (engine)
// and owns no semantics of its own.
package query

import (
	"context"
	"fmt"
	"time"

	"github.com/rmmhunt/rmmhunt/engine"
	"github.com/rmmhunt/rmmhunt/kql/ast"
	"github.com/rmmhunt/rmmhunt/kql/binder"
	"github.com/rmmhunt/rmmhunt/kql/diag"
	"github.com/rmmhunt/rmmhunt/kql/parser"
	"github.com/rmmhunt/rmmhunt/kql/token"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/table"
)

// Query is a parsed and bound query.
type Query struct {
	File *token.File
	AST  *ast.Query
	// Root is the bound query when it has one result (Compile).
	Root binder.Node
	// Roots are the bound tabular expression statements, one per result
	// table, in order (CompileAll; Compile sets it to Root alone).
	Roots []binder.Node
	Diags *diag.List
}

// Compile parses and binds the query in f against cat (nil: the documented
// Defender tables). The query must have one result: several tabular
// expression statements are an error here (see CompileAll). On failure it
// returns the query with its diagnostics and a *diag.ListError.
func Compile(f *token.File, cat binder.Catalog) (*Query, error) {
	return compile(f, cat, false)
}

// CompileAll is Compile for a query that may have several tabular
// expression statements: Kusto runs each and returns one table per
// statement, and so does RunAll.
func CompileAll(f *token.File, cat binder.Catalog) (*Query, error) {
	return compile(f, cat, true)
}

func compile(f *token.File, cat binder.Catalog, all bool) (*Query, error) {
	q := &Query{File: f}
	tree, pd := parser.ParseQuery(f)
	q.AST = tree
	q.Diags = &diag.List{File: f}
	if pd != nil {
		q.Diags.Items = append(q.Diags.Items, pd.Items...)
	}
	if q.Diags.HasErrors() {
		q.Diags.Sort()
		return q, q.Diags.Err()
	}
	var bd *diag.List
	if all {
		q.Roots, bd = binder.BindAll(tree, f, binder.Options{Catalog: cat})
		if len(q.Roots) == 1 {
			q.Root = q.Roots[0]
		}
	} else {
		q.Root, bd = binder.Bind(tree, f, binder.Options{Catalog: cat})
		if q.Root != nil {
			q.Roots = []binder.Node{q.Root}
		}
	}
	if bd != nil {
		q.Diags.Items = append(q.Diags.Items, bd.Items...)
	}
	q.Diags.Sort()
	if q.Diags.HasErrors() {
		return q, q.Diags.Err()
	}
	return q, nil
}

// CompileString is Compile for a query given as text.
func CompileString(name, text string, cat binder.Catalog) (*Query, error) {
	return Compile(token.NewFile(name, text), cat)
}

// Run executes a query with one result over src with now as the reference
// time.
func (q *Query) Run(ctx context.Context, src engine.Source, now time.Time) (*table.Table, error) {
	if q.Root == nil {
		if len(q.Roots) > 1 {
			return nil, fmt.Errorf("query %s has %d results; run it with RunAll", q.File.Name, len(q.Roots))
		}
		return nil, fmt.Errorf("query %s did not compile", q.File.Name)
	}
	return engine.Run(ctx, q.Root, src, engine.Options{Now: types.TicksFromTime(now)})
}

// RunAll executes every tabular expression statement of the query over src
// with now as the reference time and returns one table per statement, in
// order.
func (q *Query) RunAll(ctx context.Context, src engine.Source, now time.Time) ([]*table.Table, error) {
	if len(q.Roots) == 0 {
		return nil, fmt.Errorf("query %s did not compile", q.File.Name)
	}
	out := make([]*table.Table, 0, len(q.Roots))
	for _, r := range q.Roots {
		t, err := engine.Run(ctx, r, src, engine.Options{Now: types.TicksFromTime(now)})
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// ReadsTables returns the names of the tables the query scans.
func (q *Query) ReadsTables() []string {
	seen := map[string]bool{}
	var out []string
	var walk func(n binder.Node)
	walk = func(n binder.Node) {
		switch x := n.(type) {
		case *binder.Scan:
			if !seen[x.Table] {
				seen[x.Table] = true
				out = append(out, x.Table)
			}
		case *binder.Filter:
			walk(x.Input)
			walkExpr(x.Pred, walk)
		case *binder.Project:
			walk(x.Input)
			for _, e := range x.Exprs {
				walkExpr(e, walk)
			}
		case *binder.Summarize:
			walk(x.Input)
		case *binder.Take:
			walk(x.Input)
		case *binder.Sort:
			walk(x.Input)
		case *binder.Top:
			walk(x.Input)
		case *binder.Count:
			walk(x.Input)
		case *binder.Distinct:
			walk(x.Input)
		case *binder.Union:
			for _, in := range x.Inputs {
				walk(in)
			}
		case *binder.Join:
			walk(x.Left)
			walk(x.Right)
		default:
			for _, in := range binder.Inputs(n) {
				walk(in)
			}
		}
	}
	for _, r := range q.Roots {
		walk(r)
	}
	return out
}

// walkExpr visits the tabular subqueries inside an expression.
func walkExpr(e binder.Expr, visit func(binder.Node)) {
	switch x := e.(type) {
	case *binder.InList:
		for _, n := range x.Tabular {
			visit(n)
		}
		for _, it := range x.Items {
			walkExpr(it, visit)
		}
		walkExpr(x.X, visit)
	case *binder.Call:
		for _, a := range x.Args {
			walkExpr(a, visit)
		}
	case *binder.Scalar:
		visit(x.Input)
	case *binder.Between:
		walkExpr(x.X, visit)
		walkExpr(x.Lo, visit)
		walkExpr(x.Hi, visit)
	}
}
