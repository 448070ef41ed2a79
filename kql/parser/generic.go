package parser

import (
	"github.com/rmmhunt/rmmhunt/kql/ast"
	"github.com/rmmhunt/rmmhunt/kql/token"
)

// genericOps are the tabular operators kept as *ast.GenericOp.
var genericOps = map[string]bool{
	"render": true, "serialize": true, "sample": true, "sample-distinct": true,
	"getschema": true, "make-series": true, "top-nested": true, "top-hitters": true,
	"mv-apply": true, "mvapply": true, "project-smart": true, "consume": true, "fork": true,
	"facet": true, "reduce": true, "scan": true, "partition": true, "search": true,
	"find": true, "parse-kv": true, "assert-schema": true, "macro-expand": true,
	"make-graph": true, "graph-match": true, "graph-merge": true, "graph-to-table": true,
	"graph-shortest-paths": true, "graph-mark-components": true, "execute-and-cache": true,
}

// parseRender parses `render visualization [name=value ...] [with (props)]`
// into a GenericOp whose Args are the visualization name and the
// properties (*ast.NamedExpr).
func (p *parser) parseRender(start token.Pos) *ast.GenericOp {
	g := &ast.GenericOp{Name: "render"}
	g.Args = append(g.Args, p.parseIdent())
	for p.is(token.IDENT) && !p.isKeyword("with") && p.peek(1).Kind == token.ASSIGN {
		g.Args = append(g.Args, p.parseNamedExpr())
	}
	if p.isKeyword("with") {
		p.next()
		p.expect(token.LPAREN)
		p.commaList(token.RPAREN, func() {
			g.Args = append(g.Args, p.parseNamedExpr())
		})
		p.expect(token.RPAREN)
	}
	g.Pos = p.spanFrom(start)
	g.Text = p.src[g.Pos.Start:g.Pos.End]
	return g
}

// parseGenericOp parses an operator kept as raw text. The current token
// follows the operator name, which started at start. Args are filled in
// when the rest of the operator is a plain expression list.
func (p *parser) parseGenericOp(start token.Pos, name string) *ast.GenericOp {
	g := &ast.GenericOp{Name: name}
	m := p.mark()
	if !p.atOpEnd() {
		p.try(func() {
			list := p.parseNamedList()
			if !p.atOpEnd() {
				p.fail(p.tok.Span, "")
			}
			for _, x := range list {
				if len(x.Names) == 0 {
					g.Args = append(g.Args, x.X)
				} else {
					g.Args = append(g.Args, x)
				}
			}
		})
	}
	p.skipOperator(m)
	g.Pos = p.spanFrom(start)
	g.Text = p.src[g.Pos.Start:g.Pos.End]
	return g
}
