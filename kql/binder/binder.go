// Package binder resolves the names of a parsed KQL query against a catalog
// of tables, types every expression, and computes each tabular operator's
// output schema with Kusto's column naming (count_, min_Timestamp, Column1,
// numeric suffixes on clashes).
//
// Its output is a bound tree (Node and Expr) that the engine executes and a
// SQL translator can consume; the binder never touches data. Constructs that
// are valid KQL but not implemented are reported as "unsupported"
// diagnostics, never answered approximately.
package binder

import (
	"fmt"
	"sort"
	"strings"

	"github.com/rmmhunt/rmmhunt/kql/ast"
	"github.com/rmmhunt/rmmhunt/kql/diag"
	"github.com/rmmhunt/rmmhunt/kql/token"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/schema"
	"github.com/rmmhunt/rmmhunt/table"
)

// TableInfo is what the binder knows of one table.
type TableInfo struct {
	Name string
	// Columns are the table's columns, in order (the documented schema, plus
	// any extra columns the data brought).
	Columns table.Schema
	// Optional columns resolve when a query names them and read as null when
	// the data lacks them (Sentinel's TenantId, Type, MachineGroup, ...).
	Optional table.Schema
	// Aliases maps a column name that the table lacks to the column that
	// stands for it (TimeGenerated → Timestamp).
	Aliases map[string]string
}

// Catalog resolves table names.
type Catalog interface {
	Table(name string) (*TableInfo, bool)
	TableNames() []string
}

// Options configure binding.
type Options struct {
	Catalog Catalog
	// Params are values for `declare query_parameters` and predefined
	// scalar names.
	Params map[string]types.Value
}

// Bind binds a parsed query that has one result. The diagnostics are those
// of binding only; the returned Node is nil when there are errors. A query
// with several tabular expression statements (which Kusto answers with one
// result table each) is reported as an error here; BindAll binds those.
func Bind(q *ast.Query, file *token.File, opts Options) (Node, *diag.List) {
	roots, diags := BindAll(q, file, opts)
	if len(roots) > 1 {
		diags.Errorf(resultSpans(q)[1], "this query has %d results (one per tabular expression statement); only a query with one result can be used here", len(roots))
		diags.Sort()
		return nil, diags
	}
	if len(roots) == 0 {
		return nil, diags
	}
	return roots[0], diags
}

// BindAll binds a parsed query and returns one Node per tabular expression
// statement, in order: Kusto runs each and returns one result table for
// each. The diagnostics are those of binding only; no Node is returned when
// there are errors.
func BindAll(q *ast.Query, file *token.File, opts Options) ([]Node, *diag.List) {
	b := &binder{diags: &diag.List{File: file}, cat: opts.Catalog, file: file}
	if b.cat == nil {
		b.cat = SchemaCatalog(schema.Default())
	}
	b.collectNames(q)
	roots := b.bindQuery(q, opts.Params)
	b.diags.Sort()
	if b.diags.HasErrors() {
		return nil, b.diags
	}
	return roots, b.diags
}

// resultSpans returns the spans of q's tabular expression statements.
func resultSpans(q *ast.Query) []token.Span {
	var out []token.Span
	for _, st := range q.Stmts {
		if es, ok := st.(*ast.ExprStmt); ok {
			out = append(out, es.Span())
		}
	}
	return out
}

type binder struct {
	diags *diag.List
	cat   Catalog
	file  *token.File
	// mentioned holds every identifier written in the query, so that a
	// table's optional columns are scanned only when named.
	mentioned map[string]bool
	// tupleOK is set by extend, project and print just before binding an
	// item's expression: a tuple-valued call is allowed only there, at the
	// top of the item. bindScalar consumes it.
	tupleOK bool
	// tupleCall passes tupleOK from bindScalar to bindCall.
	tupleCall bool
}

// binding is what a let name stands for.
type binding struct {
	scalar  Expr
	tabular Node
	fn      *ast.FuncLit
	fnScope *scope
	// failed marks a tabular let whose value did not bind (already
	// reported): its uses fail quietly.
	failed bool
}

type scope struct {
	parent *scope
	names  map[string]*binding
}

func (s *scope) lookup(name string) *binding {
	for ; s != nil; s = s.parent {
		if b, ok := s.names[name]; ok {
			return b
		}
	}
	return nil
}

func (s *scope) child() *scope { return &scope{parent: s, names: map[string]*binding{}} }

func (b *binder) errorf(span token.Span, format string, args ...any) {
	b.diags.Errorf(span, format, args...)
}

func (b *binder) unsupported(span token.Span, format string, args ...any) {
	b.diags.Unsupportedf(span, format, args...)
}

func (b *binder) collectNames(q *ast.Query) {
	b.mentioned = map[string]bool{}
	// The file's text is the simplest complete source of identifiers.
	if b.file != nil {
		src := b.file.Src
		start := -1
		for i := 0; i <= len(src); i++ {
			c := byte(' ')
			if i < len(src) {
				c = src[i]
			}
			isID := c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
			if isID && start < 0 {
				start = i
			} else if !isID && start >= 0 {
				b.mentioned[src[start:i]] = true
				start = -1
			}
		}
	}
}

func (b *binder) bindQuery(q *ast.Query, params map[string]types.Value) []Node {
	sc := &scope{names: map[string]*binding{}}
	for name, v := range params {
		sc.names[name] = &binding{scalar: &Const{V: v, Pos: token.Span{Start: token.NoPos}}}
	}
	var roots []Node
	var queryNow *Const
	for _, st := range q.Stmts {
		switch st := st.(type) {
		case *ast.LetStmt:
			b.bindLet(sc, st)
		case *ast.SetStmt:
			// Request options do not change results offline, except
			// query_now, the reference time of now() and ago().
			if st.Name.Name == "query_now" {
				queryNow = b.bindQueryNow(sc, st)
				continue
			}
			if !knownSetOption(st.Name.Name) {
				b.diags.Warnf(st.Name.Pos, "unknown request option %q ignored", st.Name.Name)
			}
		case *ast.DeclareStmt:
			for _, p := range st.Params {
				if sc.lookup(p.Name.Name) != nil {
					continue
				}
				if p.Default != nil {
					sc.names[p.Name.Name] = &binding{scalar: b.bindScalar(sc, nil, p.Default)}
					continue
				}
				t := types.String
				if p.Type != nil {
					if tt, ok := types.Parse(p.Type.Name); ok {
						t = tt
					}
				}
				b.diags.Warnf(p.Pos, "query parameter %s has no value; it reads as null", p.Name.Name)
				sc.names[p.Name.Name] = &binding{scalar: &Const{V: types.NullOf(t), Pos: p.Pos}}
			}
		case *ast.ExprStmt:
			if root := b.bindTabular(sc, st.X); root != nil {
				roots = append(roots, root)
			}
		}
	}
	if queryNow != nil {
		for i, r := range roots {
			roots[i] = &QueryNow{Input: r, Now: queryNow.V.I}
		}
	}
	if len(roots) == 0 && !b.diags.HasErrors() {
		b.errorf(q.Pos, "the query has no tabular expression to run")
	}
	return roots
}

func knownSetOption(name string) bool {
	switch name {
	case "notruncation", "truncationmaxrecords", "truncationmaxsize", "query_now", "querytrace",
		"maxmemoryconsumptionperiterator", "max_memory_consumption_per_query_per_node",
		"query_take_max_records", "query_datetimescope_column", "query_datetimescope_from",
		"query_datetimescope_to", "servertimeout", "query_results_cache_max_age", "request_readonly":
		return true
	}
	return false
}

func (b *binder) bindLet(sc *scope, st *ast.LetStmt) {
	name := st.Name.Name
	switch v := st.Value.(type) {
	case *ast.FuncLit:
		sc.names[name] = &binding{fn: v, fnScope: sc}
		return
	}
	if b.isTabular(sc, st.Value) {
		n := b.bindTabular(sc, st.Value)
		if n == nil {
			sc.names[name] = &binding{failed: true}
			return
		}
		sc.names[name] = &binding{tabular: n}
		return
	}
	e, n := b.bindAny(sc, nil, st.Value)
	if n != nil {
		sc.names[name] = &binding{tabular: n}
	} else if e != nil {
		sc.names[name] = &binding{scalar: e}
	} else {
		// Bind failed; record an unknown scalar so later uses do not cascade.
		sc.names[name] = &binding{scalar: &Const{V: types.NullOf(types.Unknown), Pos: st.Pos}}
	}
}

// isTabular reports whether an AST expression denotes a table in scope sc.
func (b *binder) isTabular(sc *scope, e ast.Expr) bool {
	switch x := e.(type) {
	case *ast.PipeExpr, *ast.DatatableExpr, *ast.SourceOpExpr:
		return true
	case *ast.ParenExpr:
		return b.isTabular(sc, x.X)
	case *ast.Ident:
		if bd := sc.lookup(x.Name); bd != nil {
			return bd.tabular != nil || bd.failed
		}
		_, ok := b.cat.Table(x.Name)
		return ok
	case *ast.CallExpr:
		switch x.Fun.Name {
		case "materialize", "view":
			return true
		}
		if bd := sc.lookup(x.Fun.Name); bd != nil && bd.fn != nil {
			return fnBodyIsTabular(b, bd)
		}
		if sc.lookup(x.Fun.Name) == nil && isDefenderFunction(x.Fun.Name) {
			return true
		}
	}
	return false
}

func fnBodyIsTabular(b *binder, bd *binding) bool {
	if len(bd.fn.Body) == 0 {
		return false
	}
	last, ok := bd.fn.Body[len(bd.fn.Body)-1].(*ast.ExprStmt)
	if !ok {
		return false
	}
	inner := bd.fnScope.child()
	for _, p := range bd.fn.Params {
		inner.names[p.Name.Name] = &binding{scalar: &Const{V: types.NullOf(types.String)}}
		if p.Type != nil && p.Type.Name == "" {
			inner.names[p.Name.Name] = &binding{tabular: &Values{}}
		}
	}
	for _, st := range bd.fn.Body {
		if l, ok := st.(*ast.LetStmt); ok {
			if _, isFn := l.Value.(*ast.FuncLit); isFn {
				continue
			}
			if b.isTabular(inner, l.Value) {
				inner.names[l.Name.Name] = &binding{tabular: &Values{}}
			}
		}
	}
	return b.isTabular(inner, last.X)
}

// bindAny binds e as a tabular expression if it is one, else as a scalar.
func (b *binder) bindAny(sc *scope, row *rowScope, e ast.Expr) (Expr, Node) {
	if b.isTabular(sc, e) {
		n := b.bindTabular(sc, e)
		if n == nil {
			// Already reported; an unknown scalar stops the cascade.
			return unknownExpr(e.Span()), nil
		}
		return nil, n
	}
	return b.bindScalar(sc, row, e), nil
}

// rowScope is the input row visible to an operator's expressions.
type rowScope struct {
	schema table.Schema
	// left/right are the two inputs of a join condition ($left/$right).
	left, right table.Schema
}

func (r *rowScope) find(name string) (int, bool) {
	if r == nil {
		return -1, false
	}
	i := r.schema.Index(name)
	return i, i >= 0
}

func sortedKeys(m map[string]*binding) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// suggestColumn returns a "did you mean" suffix for an unknown column.
func suggestColumn(name string, s table.Schema, sc *scope) string {
	var cands []string
	for _, f := range s {
		cands = append(cands, f.Name)
	}
	for x := sc; x != nil; x = x.parent {
		cands = append(cands, sortedKeys(x.names)...)
	}
	if c := schema.Closest(name, cands); c != "" {
		return fmt.Sprintf(" (did you mean %q?)", c)
	}
	return ""
}

func describeSchema(s table.Schema) string {
	var names []string
	for _, f := range s {
		names = append(names, f.Name)
	}
	if len(names) > 8 {
		names = append(names[:8], "...")
	}
	return strings.Join(names, ", ")
}

// bindQueryNow binds `set query_now = datetime(...)`.
func (b *binder) bindQueryNow(sc *scope, st *ast.SetStmt) *Const {
	if st.Value == nil {
		b.errorf(st.Pos, "query_now needs a datetime value")
		return nil
	}
	e := b.bindScalar(sc, nil, st.Value)
	c, ok := fold(e)
	if !ok || c.Type != types.Datetime || c.Null {
		if !isUnknown(e) {
			b.errorf(st.Value.Span(), "query_now must be a constant datetime")
		}
		return nil
	}
	return &Const{V: c, Pos: st.Pos}
}
