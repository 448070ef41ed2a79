package parser

import (
	"github.com/rmmhunt/rmmhunt/kql/ast"
	"github.com/rmmhunt/rmmhunt/kql/token"
)

// parseCall parses the argument list of a call to fun.
func (p *parser) parseCall(fun *ast.Ident) *ast.CallExpr {
	p.expect(token.LPAREN)
	c := &ast.CallExpr{Fun: fun}
	p.commaList(token.RPAREN, func() {
		c.Args = append(c.Args, p.parseArg())
	})
	p.expect(token.RPAREN)
	c.Pos = p.spanFrom(fun.Pos.Start)
	return c
}

// parseArg parses one call argument: `name = value` or an expression
// (possibly tabular).
func (p *parser) parseArg() ast.Expr {
	if p.is(token.IDENT) && p.peek(1).Kind == token.ASSIGN {
		name := p.parseIdent()
		p.next()
		x := p.parsePipe()
		return &ast.NamedExpr{Names: []*ast.Ident{name}, X: x, Pos: p.spanFrom(name.Pos.Start)}
	}
	return p.parsePipe()
}

// parseTypeof parses typeof(T) or typeof(a:long, ...).
func (p *parser) parseTypeof() *ast.TypeExpr {
	start := p.tok.Span.Start
	p.next()
	p.expect(token.LPAREN)
	t := &ast.TypeExpr{}
	switch {
	case p.is(token.STAR):
		p.next()
		t.Star = true
	case p.is(token.IDENT) && p.peek(1).Kind == token.COLON:
		for {
			t.Columns = append(t.Columns, p.parseParam(false))
			if !p.is(token.COMMA) {
				break
			}
			p.next()
		}
	case p.is(token.IDENT) && !p.tok.Quoted:
		t.Name = p.tok.Value
		p.next()
	default:
		p.failExpected("type name")
	}
	p.expect(token.RPAREN)
	t.Pos = p.spanFrom(start)
	return t
}

// parseNamedExpr parses a projection item: `Name = X`, `(A, B) = X` or X.
func (p *parser) parseNamedExpr() *ast.NamedExpr {
	start := p.tok.Span.Start
	var names []*ast.Ident
	switch {
	case p.is(token.IDENT) && p.peek(1).Kind == token.ASSIGN:
		names = append(names, p.parseIdent())
		p.next()
	case p.is(token.LPAREN) && p.looksLikeNameTuple():
		p.next()
		for {
			names = append(names, p.parseIdent())
			if !p.is(token.COMMA) {
				break
			}
			p.next()
		}
		p.expect(token.RPAREN)
		p.expect(token.ASSIGN)
	}
	x := p.parseExpr()
	return &ast.NamedExpr{Names: names, X: x, Pos: p.spanFrom(start)}
}

// looksLikeNameTuple reports whether `(` starts `(A, B, ...) =`.
func (p *parser) looksLikeNameTuple() bool {
	for i := 1; ; i += 2 {
		if p.peek(i).Kind != token.IDENT {
			return false
		}
		switch p.peek(i + 1).Kind {
		case token.COMMA:
			continue
		case token.RPAREN:
			return p.peek(i+2).Kind == token.ASSIGN
		default:
			return false
		}
	}
}

// parseNamedList parses comma-separated projection items.
func (p *parser) parseNamedList() []*ast.NamedExpr {
	var list []*ast.NamedExpr
	for {
		list = append(list, p.parseNamedExpr())
		if !p.is(token.COMMA) {
			return list
		}
		p.next()
	}
}
