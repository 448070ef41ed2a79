package printer

import (
	"github.com/rmmhunt/rmmhunt/kql/ast"
)

// operator prints a tabular operator without its leading pipe.
func (p *printer) operator(op ast.Operator) {
	switch op := op.(type) {
	case *ast.WhereOp:
		p.write("where ")
		p.expr(op.Pred, precOr)
	case *ast.ProjectOp:
		p.project(op)
	case *ast.SummarizeOp:
		p.write("summarize")
		p.opParams(op.Params)
		if len(op.Aggs) > 0 {
			p.write(" ")
			p.namedList(op.Aggs)
		}
		if len(op.By) > 0 {
			p.write(" by ")
			p.namedList(op.By)
		}
	case *ast.TakeOp:
		p.write("take ")
		p.expr(op.N, precOr)
	case *ast.SortOp:
		p.write("sort by ")
		p.sortKeys(op.Keys)
	case *ast.TopOp:
		p.write("top ")
		p.expr(op.N, precOr)
		p.write(" by ")
		p.sortKeys(op.Keys)
	case *ast.CountOp:
		p.write("count")
	case *ast.DistinctOp:
		p.write("distinct ")
		p.namedList(op.Columns)
	case *ast.JoinOp:
		if op.Lookup {
			p.write("lookup")
		} else {
			p.write("join")
		}
		p.opParams(op.Params)
		if id, ok := op.Right.(*ast.Ident); ok {
			// A name or a name pattern (Device*, *): parentheses would
			// turn a pattern into an expression.
			p.write(" ")
			p.expr(id, precPostfix)
			p.write(" on ")
		} else {
			p.write(" (")
			p.indent++
			p.expr(op.Right, precPipe)
			p.indent--
			p.write(") on ")
		}
		p.list(op.On, precOr)
	case *ast.UnionOp:
		p.write("union")
		p.opParams(op.Params)
		p.write(" ")
		for i, t := range op.Tables {
			if i > 0 {
				p.write(", ")
			}
			p.tableRef(t)
		}
	case *ast.MvExpandOp:
		if op.Legacy {
			p.write("mvexpand")
		} else {
			p.write("mv-expand")
		}
		p.opParams(op.Params)
		p.write(" ")
		for i, c := range op.Columns {
			if i > 0 {
				p.write(", ")
			}
			p.mvColumn(c)
		}
		if op.Limit != nil {
			p.write(" limit ")
			p.expr(op.Limit, precOr)
		}
	case *ast.ParseOp:
		if op.Where {
			p.write("parse-where")
		} else {
			p.write("parse")
		}
		p.opParams(op.Params)
		p.write(" ")
		p.expr(op.X, precOr)
		p.write(" with")
		for _, part := range op.Pattern {
			p.write(" ")
			p.parsePart(part)
		}
	case *ast.AsOp:
		p.write("as")
		p.opParams(op.Params)
		p.write(" ")
		p.ident(op.Name)
	case *ast.GenericOp:
		p.generic(op)
	case *ast.RangeOp:
		p.write("range ")
		p.ident(op.Name)
		p.write(" from ")
		p.expr(op.From, precOr)
		p.write(" to ")
		p.expr(op.To, precOr)
		p.write(" step ")
		p.expr(op.Step, precOr)
	case *ast.PrintOp:
		p.write("print ")
		p.namedList(op.Columns)
	case *ast.InvokeOp:
		p.write("invoke ")
		p.expr(op.Call, precPostfix)
	case *ast.EvaluateOp:
		p.write("evaluate")
		p.opParams(op.Params)
		p.write(" ")
		p.expr(op.Call, precPostfix)
	}
}

// project prints project, extend and the project-* operators.
func (p *printer) project(op *ast.ProjectOp) {
	p.write(op.Kind + " ")
	for i, c := range op.Columns {
		if i > 0 {
			p.write(", ")
		}
		p.named(c, false)
		if op.Kind == "project-reorder" && i < len(op.Order) && op.Order[i] != "" {
			p.write(" " + op.Order[i])
		}
	}
}

// tableRef prints a union leg: a name, pattern or call as it is, anything
// else in parentheses.
func (p *printer) tableRef(x ast.Expr) {
	switch x.(type) {
	case *ast.Ident, *ast.CallExpr, *ast.SelectorExpr, *ast.IndexExpr:
		p.expr(x, precPostfix)
	default:
		p.write("(")
		p.indent++
		p.expr(x, precPipe)
		p.indent--
		p.write(")")
	}
}

// generic prints an operator kept as raw text.
func (p *printer) generic(op *ast.GenericOp) {
	if op.Text != "" {
		p.write(op.Text)
		return
	}
	p.write(op.Name)
	for i, a := range op.Args {
		if i == 0 {
			p.write(" ")
		} else {
			p.write(", ")
		}
		p.expr(a, precOr)
	}
}

// opParams prints operator parameters, each preceded by a space.
func (p *printer) opParams(list []*ast.OpParam) {
	for _, prm := range list {
		p.write(" ")
		p.opParam(prm)
	}
}

// opParam prints `name=value`.
func (p *printer) opParam(prm *ast.OpParam) {
	p.write(prm.Name + "=")
	p.expr(prm.Value, precPostfix)
}

// sortKeys prints sort keys separated by commas.
func (p *printer) sortKeys(keys []*ast.SortKey) {
	for i, k := range keys {
		if i > 0 {
			p.write(", ")
		}
		p.sortKey(k)
	}
}

// sortKey prints `X asc|desc [nulls first|last]`.
func (p *printer) sortKey(k *ast.SortKey) {
	p.expr(k.X, precOr)
	if k.Desc {
		p.write(" desc")
	} else {
		p.write(" asc")
	}
	if k.Nulls != "" {
		p.write(" nulls " + k.Nulls)
	}
}

// mvColumn prints one mv-expand column.
func (p *printer) mvColumn(c *ast.MvExpandColumn) {
	if c.X != nil {
		p.named(c.X, false)
	}
	if c.ToType != nil {
		p.write(" to ")
		p.typeof(c.ToType)
	}
}

// parsePart prints one element of a parse pattern.
func (p *printer) parsePart(part *ast.ParsePart) {
	switch {
	case part.Star:
		p.write("*")
	case part.Lit != nil:
		p.basicLit(part.Lit)
	case part.Column != nil:
		p.ident(part.Column)
		if part.Type != nil {
			p.write(":" + part.Type.Name)
		}
	}
}
