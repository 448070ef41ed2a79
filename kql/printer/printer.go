// Package printer turns a KQL syntax tree back into query text.
//
// The output is canonical rather than faithful: one operator per line,
// single spaces, explicit sort directions, strings in double quotes (or
// verbatim @"..." when they hold backslashes), comments dropped. Its one
// promise is that parsing the output gives back the same tree, spans aside,
// for every tree the parser produces; printing that tree again gives the
// same text. Raw operators (ast.GenericOp) are printed from their source
// text.
//
// Parentheses are added where the tree's structure needs them (for
// example a hand-built BinaryExpr whose operand has lower precedence); a
// tree from the parser already carries its parentheses as ParenExpr nodes.
package printer

import (
	"strings"

	"github.com/rmmhunt/rmmhunt/kql/ast"
)

// Print returns the KQL text of n: a query, statement, expression, operator
// or any other node.
func Print(n ast.Node) string {
	p := &printer{}
	p.node(n)
	return p.b.String()
}

// printer accumulates the output.
type printer struct {
	b      strings.Builder
	indent int
}

func (p *printer) write(s string) { p.b.WriteString(s) }

// newline starts a new line at the current indentation.
func (p *printer) newline() {
	p.b.WriteByte('\n')
	p.write(strings.Repeat("    ", p.indent))
}

// node prints any node.
func (p *printer) node(n ast.Node) {
	switch n := n.(type) {
	case nil:
	case *ast.Query:
		p.stmts(n.Stmts, false)
	case ast.Stmt:
		p.stmt(n)
	case ast.Operator:
		p.operator(n)
	case *ast.Param:
		p.param(n)
	case *ast.NamedExpr:
		p.named(n, false)
	case *ast.TypeExpr:
		p.typeof(n)
	case ast.Expr:
		p.expr(n, precPipe)
	case *ast.OpParam:
		p.opParam(n)
	case *ast.SortKey:
		p.sortKey(n)
	case *ast.MvExpandColumn:
		p.mvColumn(n)
	case *ast.ParsePart:
		p.parsePart(n)
	}
}

// stmts prints statements separated by `;`. In a function body they go on
// their own indented lines.
func (p *printer) stmts(list []ast.Stmt, body bool) {
	for i, s := range list {
		if i > 0 {
			p.write(";")
			if body {
				p.newline()
			} else {
				p.write("\n")
			}
		}
		p.stmt(s)
	}
}

// stmt prints one statement.
func (p *printer) stmt(s ast.Stmt) {
	switch s := s.(type) {
	case *ast.LetStmt:
		p.write("let ")
		p.ident(s.Name)
		p.write(" = ")
		p.expr(s.Value, precPipe)
	case *ast.SetStmt:
		p.write("set ")
		p.ident(s.Name)
		if s.Value != nil {
			p.write(" = ")
			p.expr(s.Value, precOr)
		}
	case *ast.DeclareStmt:
		p.write("declare query_parameters(")
		p.params(s.Params)
		p.write(")")
	case *ast.ExprStmt:
		p.expr(s.X, precPipe)
	}
}

// params prints a parameter list without its parentheses.
func (p *printer) params(list []*ast.Param) {
	for i, prm := range list {
		if i > 0 {
			p.write(", ")
		}
		p.param(prm)
	}
}

// param prints `name:type [= default]`.
func (p *printer) param(prm *ast.Param) {
	p.ident(prm.Name)
	p.write(":")
	p.paramType(prm.Type)
	if prm.Default != nil {
		p.write(" = ")
		p.expr(prm.Default, precOr)
	}
}

// paramType prints a declared type: a name, (*) or (a:long, ...).
func (p *printer) paramType(t *ast.TypeExpr) {
	switch {
	case t == nil:
	case t.Star:
		p.write("(*)")
	case t.Name == "" || len(t.Columns) > 0:
		p.write("(")
		p.params(t.Columns)
		p.write(")")
	default:
		p.write(t.Name)
	}
}

// typeof prints a type in expression position: typeof(T).
func (p *printer) typeof(t *ast.TypeExpr) {
	p.write("typeof(")
	switch {
	case t.Star:
		p.write("*")
	case len(t.Columns) > 0:
		p.params(t.Columns)
	default:
		p.write(t.Name)
	}
	p.write(")")
}
