package printer

import (
	"github.com/rmmhunt/rmmhunt/kql/ast"
)

// Precedence levels, lowest first. precPipe is the level of a tabular
// expression: it is printed bare only where the parser accepts a pipeline
// (statement, let value, parentheses, call argument, list item).
const (
	precPipe = iota
	precOr
	precAnd
	precCompare
	precAdd
	precMul
	precUnary
	precPostfix
)

// binaryPrec returns the precedence of a binary operator.
func binaryPrec(op string) int {
	switch op {
	case "or":
		return precOr
	case "and":
		return precAnd
	case "+", "-":
		return precAdd
	case "*", "/", "%":
		return precMul
	}
	return precCompare
}

// prec returns the precedence of an expression.
func prec(x ast.Expr) int {
	switch x := x.(type) {
	case *ast.BinaryExpr:
		return binaryPrec(x.Op)
	case *ast.InExpr, *ast.BetweenExpr:
		return precCompare
	case *ast.UnaryExpr:
		return precUnary
	case *ast.PipeExpr, *ast.SourceOpExpr, *ast.DatatableExpr, *ast.FuncLit, *ast.NamedExpr, *ast.Param:
		return precPipe
	}
	return precPostfix
}

// expr prints x, in parentheses when its precedence is below min.
func (p *printer) expr(x ast.Expr, min int) {
	if x == nil {
		return
	}
	if prec(x) < min {
		p.write("(")
		p.indent++
		p.expr(x, precPipe)
		p.indent--
		p.write(")")
		return
	}
	switch x := x.(type) {
	case *ast.Ident:
		p.ident(x)
	case *ast.BasicLit:
		p.basicLit(x)
	case *ast.TypedLit:
		p.write(x.Type + "(" + x.Text + ")")
	case *ast.DynamicLit:
		p.write("dynamic(")
		p.expr(x.Value, precPostfix)
		p.write(")")
	case *ast.ArrayLit:
		p.write("[")
		for i, e := range x.Elems {
			if i > 0 {
				p.write(", ")
			}
			p.expr(e, precUnary)
		}
		p.write("]")
	case *ast.BagLit:
		p.write("{")
		for i, k := range x.Keys {
			if i > 0 {
				p.write(", ")
			}
			p.write(quoteString(k) + ": ")
			if i < len(x.Vals) {
				p.expr(x.Vals[i], precUnary)
			}
		}
		p.write("}")
	case *ast.UnaryExpr:
		p.write(x.Op)
		p.expr(x.X, precUnary)
	case *ast.BinaryExpr:
		pr := binaryPrec(x.Op)
		p.expr(x.X, pr)
		p.write(" " + x.Op + " ")
		p.expr(x.Y, pr+1)
	case *ast.InExpr:
		p.expr(x.X, precCompare)
		p.write(" " + x.Op + " (")
		p.indent++
		p.list(x.List, precPipe)
		p.indent--
		p.write(")")
	case *ast.BetweenExpr:
		p.expr(x.X, precCompare)
		if x.Not {
			p.write(" !between (")
		} else {
			p.write(" between (")
		}
		p.expr(x.Lo, precOr)
		p.write(" .. ")
		p.expr(x.Hi, precOr)
		p.write(")")
	case *ast.CallExpr:
		p.ident(x.Fun)
		p.write("(")
		p.indent++
		defer func() { p.indent-- }()
		for i, a := range x.Args {
			if i > 0 {
				p.write(", ")
			}
			if n, ok := a.(*ast.NamedExpr); ok {
				p.named(n, true)
			} else {
				p.expr(a, precPipe)
			}
		}
		p.write(")")
	case *ast.SelectorExpr:
		p.expr(x.X, precPostfix)
		p.write(".")
		p.ident(x.Sel)
	case *ast.IndexExpr:
		p.expr(x.X, precPostfix)
		p.write("[")
		p.expr(x.Index, precOr)
		p.write("]")
	case *ast.ParenExpr:
		p.write("(")
		p.indent++
		p.expr(x.X, precPipe)
		p.indent--
		p.write(")")
	case *ast.StarExpr:
		p.write("*")
	case *ast.DollarIdent:
		p.write("$" + x.Name)
	case *ast.TypeExpr:
		p.typeof(x)
	case *ast.NamedExpr:
		p.named(x, true)
	case *ast.FuncLit:
		p.funcLit(x)
	case *ast.Param:
		p.param(x)
	case *ast.PipeExpr:
		p.expr(x.Source, precPipe)
		p.newline()
		p.write("| ")
		p.operator(x.Op)
	case *ast.SourceOpExpr:
		p.operator(x.Op)
	case *ast.DatatableExpr:
		p.write("datatable(")
		p.params(x.Columns)
		p.write(")[")
		p.list(x.Values, precOr)
		p.write("]")
	}
}

// list prints expressions separated by commas.
func (p *printer) list(xs []ast.Expr, min int) {
	for i, x := range xs {
		if i > 0 {
			p.write(", ")
		}
		p.expr(x, min)
	}
}

// named prints `Name = X`, `(A, B) = X` or X. In a call argument (arg) the
// value may be a bare pipeline.
func (p *printer) named(n *ast.NamedExpr, arg bool) {
	switch len(n.Names) {
	case 0:
	case 1:
		p.ident(n.Names[0])
		p.write(" = ")
	default:
		p.write("(")
		for i, id := range n.Names {
			if i > 0 {
				p.write(", ")
			}
			p.ident(id)
		}
		p.write(") = ")
	}
	if arg {
		p.expr(n.X, precPipe)
	} else {
		p.expr(n.X, precOr)
	}
}

// namedList prints projection items separated by commas.
func (p *printer) namedList(list []*ast.NamedExpr) {
	for i, n := range list {
		if i > 0 {
			p.write(", ")
		}
		p.named(n, false)
	}
}

// funcLit prints `[view] (params) { body }`.
func (p *printer) funcLit(f *ast.FuncLit) {
	if f.View {
		p.write("view ")
	}
	p.write("(")
	p.params(f.Params)
	p.write(") {")
	p.indent++
	p.newline()
	p.stmts(f.Body, true)
	p.indent--
	p.newline()
	p.write("}")
}
