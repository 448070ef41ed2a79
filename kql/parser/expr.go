package parser

import (
	"github.com/rmmhunt/rmmhunt/kql/ast"
	"github.com/rmmhunt/rmmhunt/kql/scanner"
	"github.com/rmmhunt/rmmhunt/kql/token"
)

// Precedence, lowest first: or, and, comparison and string operators
// (including in, has_any, between), additive, multiplicative, unary sign,
// postfix (.name, [index], call).

// parseExpr parses a scalar expression.
func (p *parser) parseExpr() ast.Expr {
	defer p.enter()()
	return p.parseOr()
}

func (p *parser) parseOr() ast.Expr {
	x := p.parseAnd()
	for p.isKeyword("or") {
		opPos := p.tok.Span
		p.next()
		y := p.parseAnd()
		x = &ast.BinaryExpr{Op: "or", OpPos: opPos, X: x, Y: y}
	}
	return x
}

func (p *parser) parseAnd() ast.Expr {
	x := p.parseComparison()
	for p.isKeyword("and") {
		opPos := p.tok.Span
		p.next()
		y := p.parseComparison()
		x = &ast.BinaryExpr{Op: "and", OpPos: opPos, X: x, Y: y}
	}
	return x
}

// opClass tells how the right side of a comparison-level operator is
// parsed.
type opClass int

const (
	opNone    opClass = iota
	opBinary          // X op Y
	opList            // X op (a, b, ...)
	opBetween         // X op (lo .. hi)
)

// wordOps maps the word operators of the comparison level to their
// canonical spelling (the legacy containscs/notcontains forms are
// normalised).
var wordOps = map[string]string{
	"has": "has", "has_cs": "has_cs",
	"hasprefix": "hasprefix", "hasprefix_cs": "hasprefix_cs",
	"hassuffix": "hassuffix", "hassuffix_cs": "hassuffix_cs",
	"contains": "contains", "contains_cs": "contains_cs",
	"startswith": "startswith", "startswith_cs": "startswith_cs",
	"endswith": "endswith", "endswith_cs": "endswith_cs",
	"like": "like", "likecs": "likecs", "notlike": "notlike", "notlikecs": "notlikecs",
	"containscs": "contains_cs", "notcontains": "!contains", "notcontainscs": "!contains_cs",
	"in": "in", "in~": "in~", "has_any": "has_any", "has_all": "has_all",
	"between": "between",
}

// negatableOps are the words that may follow a glued `!`.
var negatableOps = map[string]bool{
	"has": true, "has_cs": true, "hasprefix": true, "hasprefix_cs": true,
	"hassuffix": true, "hassuffix_cs": true, "contains": true, "contains_cs": true,
	"startswith": true, "startswith_cs": true, "endswith": true, "endswith_cs": true,
	"in": true, "in~": true, "between": true,
}

var symbolOps = map[token.Kind]string{
	token.EQ: "==", token.NE: "!=", token.LT: "<", token.LE: "<=", token.GT: ">",
	token.GE: ">=", token.TILDEEQ: "=~", token.BANGTILDE: "!~",
}

// comparisonOp recognises a comparison-level operator at the current token
// without consuming it. It returns the canonical operator, the number of
// tokens it spans and its class.
func (p *parser) comparisonOp() (string, int, opClass) {
	t := p.tok
	if op, ok := symbolOps[t.Kind]; ok {
		return op, 1, opBinary
	}
	switch {
	case t.Kind == token.IDENT && !t.Quoted:
		if t.Value == "matches" && isKw(p.peek(1), "regex") {
			return "matches regex", 2, opBinary
		}
		if op, ok := wordOps[t.Value]; ok {
			return op, 1, classOf(op)
		}
	case t.Kind == token.BANG:
		w := p.peek(1)
		if w.Kind == token.IDENT && !w.Quoted && !w.SpaceBefore {
			if negatableOps[w.Value] {
				op := "!" + w.Value
				return op, 2, classOf(op)
			}
			p.fail(t.Span.Join(w.Span), "unknown operator %q", "!"+w.Value)
		}
		p.fail(t.Span, "unexpected \"!\"")
	}
	return "", 0, opNone
}

func classOf(op string) opClass {
	switch op {
	case "in", "!in", "in~", "!in~", "has_any", "has_all":
		return opList
	case "between", "!between":
		return opBetween
	}
	return opBinary
}

func (p *parser) parseComparison() ast.Expr {
	x := p.parseAdditive()
	for {
		op, n, class := p.comparisonOp()
		if class == opNone {
			return x
		}
		opPos := p.tok.Span
		for i := 0; i < n; i++ {
			opPos = opPos.Join(p.tok.Span)
			p.next()
		}
		switch class {
		case opBinary:
			y := p.parseAdditive()
			x = &ast.BinaryExpr{Op: op, OpPos: opPos, X: x, Y: y}
		case opList:
			list := p.parseExprList()
			x = &ast.InExpr{Op: op, OpPos: opPos, X: x, List: list, Pos: p.spanFrom(x.Span().Start)}
		case opBetween:
			p.expect(token.LPAREN)
			lo := p.parseExpr()
			p.expect(token.DOTDOT)
			hi := p.parseExpr()
			p.expect(token.RPAREN)
			x = &ast.BetweenExpr{Not: op == "!between", X: x, Lo: lo, Hi: hi, Pos: p.spanFrom(x.Span().Start)}
		}
	}
}

// parseExprList parses `(item, ...)` where an item may be a tabular
// expression.
func (p *parser) parseExprList() []ast.Expr {
	p.expect(token.LPAREN)
	var list []ast.Expr
	for {
		list = append(list, p.parsePipe())
		if !p.is(token.COMMA) {
			break
		}
		p.next()
	}
	p.expect(token.RPAREN)
	return list
}

func (p *parser) parseAdditive() ast.Expr {
	x := p.parseMultiplicative()
	for p.is(token.PLUS) || p.is(token.MINUS) {
		op, opPos := p.tok.Text, p.tok.Span
		p.next()
		y := p.parseMultiplicative()
		x = &ast.BinaryExpr{Op: op, OpPos: opPos, X: x, Y: y}
	}
	return x
}

func (p *parser) parseMultiplicative() ast.Expr {
	x := p.parseUnary()
	for p.is(token.STAR) || p.is(token.SLASH) || p.is(token.PERCENT) {
		op, opPos := p.tok.Text, p.tok.Span
		p.next()
		y := p.parseUnary()
		x = &ast.BinaryExpr{Op: op, OpPos: opPos, X: x, Y: y}
	}
	return x
}

func (p *parser) parseUnary() ast.Expr {
	defer p.enter()()
	if p.is(token.MINUS) || p.is(token.PLUS) {
		start, op := p.tok.Span.Start, p.tok.Text
		p.next()
		x := p.parseUnary()
		return &ast.UnaryExpr{Op: op, X: x, Pos: p.spanFrom(start)}
	}
	return p.parsePostfix()
}

// isBracketIdent reports whether t is a bracket-quoted name ['x'], which in
// postfix position is an index and inside dynamic(...) or datatable values
// a one-element array.
func isBracketIdent(t token.Token) bool {
	return t.Kind == token.IDENT && t.Quoted && len(t.Text) > 0 && t.Text[0] == '['
}

// bracketString returns the string literal inside a bracket-quoted name.
func bracketString(t token.Token) *ast.BasicLit {
	return &ast.BasicLit{Kind: ast.LitString, Value: t.Value,
		Pos: token.Span{Start: t.Span.Start + 1, End: t.Span.End - 1}}
}

func (p *parser) parsePostfix() ast.Expr {
	x := p.parsePrimary()
	for {
		switch {
		case p.is(token.DOT):
			p.next()
			sel := p.parseIdent()
			x = &ast.SelectorExpr{X: x, Sel: sel, Pos: p.spanFrom(x.Span().Start)}
			if p.is(token.LPAREN) {
				p.failUnsupported(x.Span(), "calls on a qualified name such as .%s(...) are not supported", sel.Name)
			}
		case p.is(token.LBRACK):
			p.next()
			idx := p.parseExpr()
			p.expect(token.RBRACK)
			x = &ast.IndexExpr{X: x, Index: idx, Pos: p.spanFrom(x.Span().Start)}
		case isBracketIdent(p.tok):
			idx := bracketString(p.tok)
			p.next()
			x = &ast.IndexExpr{X: x, Index: idx, Pos: p.spanFrom(x.Span().Start)}
		default:
			return x
		}
	}
}

// parsePrimary parses a literal, name, call, parenthesised expression,
// $left/$right or `*`.
func (p *parser) parsePrimary() ast.Expr {
	defer p.enter()()
	t := p.tok
	switch t.Kind {
	case token.INT, token.REAL, token.TIMESPAN, token.STRING:
		return p.parseBasicLit()
	case token.IDENT:
		return p.parseIdentExpr()
	case token.LPAREN:
		p.next()
		x := p.parsePipe()
		p.expect(token.RPAREN)
		return &ast.ParenExpr{X: x, Pos: p.spanFrom(t.Span.Start)}
	case token.STAR:
		p.next()
		return &ast.StarExpr{Pos: t.Span}
	case token.DOLLAR:
		n := p.peek(1)
		if n.Kind == token.IDENT && !n.Quoted && !n.SpaceBefore {
			if n.Value == "left" || n.Value == "right" {
				p.next()
				p.next()
				return &ast.DollarIdent{Name: n.Value, Pos: t.Span.Join(n.Span)}
			}
			return p.parseIdent()
		}
	}
	p.failExpected("expression")
	return nil
}

// boolWords are the spellings of the boolean literals.
var boolWords = map[string]string{
	"true": "true", "True": "true", "TRUE": "true",
	"false": "false", "False": "false", "FALSE": "false",
}

// parseIdentExpr parses an expression that starts with a name: a boolean,
// a typed or dynamic literal, typeof(T), a call, or a plain name.
func (p *parser) parseIdentExpr() ast.Expr {
	t := p.tok
	next := p.peek(1)
	if !t.Quoted {
		if v, ok := boolWords[t.Value]; ok {
			p.next()
			return &ast.BasicLit{Kind: ast.LitBool, Value: v, Pos: t.Span}
		}
		if next.Kind == token.LPAREN {
			switch {
			case scanner.IsTypedLiteralKeyword(t.Value) && !next.SpaceBefore:
				return p.parseTypedLit()
			case t.Value == "dynamic":
				return p.parseDynamicLit()
			case t.Value == "typeof":
				return p.parseTypeof()
			}
		}
	}
	id := &ast.Ident{Name: t.Value, Quoted: t.Quoted, Pos: t.Span}
	p.next()
	if p.is(token.LPAREN) {
		return p.parseCall(id)
	}
	return id
}
