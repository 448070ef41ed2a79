package parser

import (
	"strings"

	"github.com/rmmhunt/rmmhunt/kql/ast"
	"github.com/rmmhunt/rmmhunt/kql/token"
)

// Accepted parameter names per operator; hint.* is accepted where hints
// are.
func hintParams(n string) bool { return strings.HasPrefix(n, "hint.") }
func joinParams(n string) bool { return n == "kind" || hintParams(n) }
func unionParams(n string) bool {
	return n == "kind" || n == "withsource" || n == "isfuzzy" || hintParams(n)
}
func asParams(n string) bool    { return hintParams(n) }
func parseParams(n string) bool { return n == "kind" || n == "flags" }
func mvExpandParams(n string) bool {
	return n == "kind" || n == "bagexpansion" || n == "with_itemindex" || hintParams(n)
}

// parseParams parses `name=value` operator parameters for which accept is
// true. Dotted names (hint.strategy) are joined.
func (p *parser) parseParams(accept func(string) bool) []*ast.OpParam {
	var params []*ast.OpParam
	for p.is(token.IDENT) && !p.tok.Quoted {
		name, n := p.tok.Value, 1
		for p.peek(n).Kind == token.DOT && p.peek(n+1).Kind == token.IDENT {
			name += "." + p.peek(n+1).Value
			n += 2
		}
		if p.peek(n).Kind != token.ASSIGN || !accept(name) {
			break
		}
		start := p.tok.Span.Start
		for i := 0; i <= n; i++ {
			p.next()
		}
		val := p.parseParamValue()
		params = append(params, &ast.OpParam{Name: name, Value: val, Pos: p.spanFrom(start)})
	}
	return params
}

// parseParamValue parses the value of an operator parameter: a bare word
// (as *ast.Ident) or a literal.
func (p *parser) parseParamValue() ast.Expr {
	t := p.tok
	switch t.Kind {
	case token.IDENT:
		if v, ok := boolWords[t.Value]; ok && !t.Quoted {
			p.next()
			return &ast.BasicLit{Kind: ast.LitBool, Value: v, Pos: t.Span}
		}
		p.next()
		return &ast.Ident{Name: t.Value, Quoted: t.Quoted, Pos: t.Span}
	case token.INT, token.REAL, token.STRING, token.TIMESPAN:
		return p.parseBasicLit()
	}
	p.failExpected("parameter value")
	return nil
}
