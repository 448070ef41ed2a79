package parser

import (
	"strconv"
	"strings"

	"github.com/rmmhunt/rmmhunt/kql/ast"
	"github.com/rmmhunt/rmmhunt/kql/scanner"
	"github.com/rmmhunt/rmmhunt/kql/token"
)

// parseBasicLit parses a number, timespan or string literal. Adjacent
// string literals are joined.
func (p *parser) parseBasicLit() *ast.BasicLit {
	t := p.tok
	switch t.Kind {
	case token.INT:
		p.next()
		return &ast.BasicLit{Kind: ast.LitLong, Value: p.intValue(t), Pos: t.Span}
	case token.REAL:
		p.next()
		return &ast.BasicLit{Kind: ast.LitReal, Value: t.Text, Pos: t.Span}
	case token.TIMESPAN:
		p.next()
		return &ast.BasicLit{Kind: ast.LitTimespan, Value: t.Text, Pos: t.Span}
	case token.STRING:
		var b strings.Builder
		span := t.Span
		for p.is(token.STRING) {
			b.WriteString(p.tok.Value)
			span = span.Join(p.tok.Span)
			p.next()
		}
		return &ast.BasicLit{Kind: ast.LitString, Value: b.String(), Pos: span}
	}
	p.failExpected("literal")
	return nil
}

// intValue returns the decimal text of an integer token: hex is converted
// (0xFFFFFFFFFFFFFFFF is -1, as a 64-bit pattern); a literal out of range,
// already reported by the scanner, is kept as written.
func (p *parser) intValue(t token.Token) string {
	s := t.Text
	if len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		if u, err := strconv.ParseUint(s[2:], 16, 64); err == nil {
			return strconv.FormatInt(int64(u), 10)
		}
	}
	return s
}

// parseTypedLit parses datetime(...), guid(...), long(...) and the other
// typed literals; the scanner hands over the body as one raw STRING token.
func (p *parser) parseTypedLit() *ast.TypedLit {
	start := p.tok.Span.Start
	typ := p.tok.Value
	p.next()
	p.expect(token.LPAREN)
	text := ""
	if p.is(token.STRING) && p.tok.Verbatim {
		text = p.tok.Value
		p.next()
	}
	p.expect(token.RPAREN)
	return &ast.TypedLit{Type: typ, Text: text, Pos: p.spanFrom(start)}
}

// parseDynamicLit parses dynamic(value).
func (p *parser) parseDynamicLit() *ast.DynamicLit {
	start := p.tok.Span.Start
	p.next()
	p.expect(token.LPAREN)
	v := p.parseDynamicValue()
	p.expect(token.RPAREN)
	return &ast.DynamicLit{Value: v, Pos: p.spanFrom(start)}
}

// parseDynamicValue parses a JSON-like value inside dynamic(...): an array,
// a property bag, a string, number, timespan, boolean, null, or a typed
// literal.
func (p *parser) parseDynamicValue() ast.Expr {
	defer p.enter()()
	t := p.tok
	switch t.Kind {
	case token.LBRACK:
		p.next()
		arr := &ast.ArrayLit{}
		p.commaList(token.RBRACK, func() {
			arr.Elems = append(arr.Elems, p.parseDynamicValue())
		})
		p.expect(token.RBRACK)
		arr.Pos = p.spanFrom(t.Span.Start)
		return arr
	case token.LBRACE:
		return p.parseBagLit()
	case token.INT, token.REAL, token.TIMESPAN, token.STRING:
		return p.parseBasicLit()
	case token.MINUS, token.PLUS:
		n := p.peek(1)
		if n.Kind == token.INT || n.Kind == token.REAL {
			p.next()
			lit := p.parseBasicLit()
			if t.Kind == token.MINUS {
				lit.Value = "-" + lit.Value
			}
			lit.Pos = t.Span.Join(lit.Pos)
			return lit
		}
		p.next()
		x := p.parseDynamicValue()
		if lit, ok := x.(*ast.BasicLit); ok && (lit.Kind == ast.LitLong || lit.Kind == ast.LitReal) {
			// Signs in front of a number fold into it (++0 is 0, --5
			// is 5), as for a single sign above.
			if t.Kind == token.MINUS {
				if v, neg := strings.CutPrefix(lit.Value, "-"); neg {
					lit.Value = v
				} else {
					lit.Value = "-" + lit.Value
				}
			}
			lit.Pos = t.Span.Join(lit.Pos)
			return lit
		}
		return &ast.UnaryExpr{Op: t.Text, X: x, Pos: t.Span.Join(x.Span())}
	case token.IDENT:
		if isBracketIdent(t) {
			p.next()
			return &ast.ArrayLit{Elems: []ast.Expr{bracketString(t)}, Pos: t.Span}
		}
		if !t.Quoted {
			if v, ok := boolWords[t.Value]; ok {
				p.next()
				return &ast.BasicLit{Kind: ast.LitBool, Value: v, Pos: t.Span}
			}
			if t.Value == "null" {
				p.next()
				return &ast.BasicLit{Kind: ast.LitNull, Value: "null", Pos: t.Span}
			}
			if n := p.peek(1); n.Kind == token.LPAREN {
				if scanner.IsTypedLiteralKeyword(t.Value) && !n.SpaceBefore {
					return p.parseTypedLit()
				}
				if t.Value == "dynamic" {
					return p.parseDynamicLit()
				}
			}
		}
	}
	p.failExpected("literal value")
	return nil
}

// parseBagLit parses `{"key": value, ...}` inside dynamic(...). Keys may be
// strings or bare names.
func (p *parser) parseBagLit() *ast.BagLit {
	start := p.tok.Span.Start
	p.next()
	bag := &ast.BagLit{}
	p.commaList(token.RBRACE, func() {
		var key string
		switch {
		case p.is(token.STRING):
			key = p.parseBasicLit().Value
		case p.is(token.IDENT):
			key = p.tok.Value
			p.next()
		default:
			p.failExpected("property name")
		}
		p.expect(token.COLON)
		bag.Keys = append(bag.Keys, key)
		bag.Vals = append(bag.Vals, p.parseDynamicValue())
	})
	p.expect(token.RBRACE)
	bag.Pos = p.spanFrom(start)
	return bag
}
