package parser

import (
	"github.com/rmmhunt/rmmhunt/kql/ast"
	"github.com/rmmhunt/rmmhunt/kql/token"
)

// parsePipe parses a source followed by `| operator` stages. The source may
// be any scalar expression, so parsePipe is used wherever a tabular
// expression may appear (statements, parentheses, call arguments, list
// items). An operator with a syntax error is reported and dropped, and
// parsing resumes at the next `|`.
func (p *parser) parsePipe() ast.Expr {
	x := p.parseSource()
	p.recoverOp(p.checkOpEnd)
	for p.is(token.PIPE) {
		p.next()
		var op ast.Operator
		p.recoverOp(func() {
			op = p.parseOperator()
			p.checkOpEnd()
		})
		if op != nil {
			x = &ast.PipeExpr{Source: x, Op: op, Pos: x.Span().Join(op.Span())}
		}
	}
	return x
}

// recoverOp runs f; after a syntax error it skips to the end of the
// operator (next `|`, `;` or unmatched closing bracket).
func (p *parser) recoverOp(f func()) {
	m := p.mark()
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(bailout); !ok || p.quiet > 0 {
				panic(r)
			}
			p.skipToOpEnd(m)
		}
	}()
	f()
}

// atOpEnd reports whether the current token can follow a complete
// operator.
func (p *parser) atOpEnd() bool {
	switch p.tok.Kind {
	case token.PIPE, token.SEMI, token.EOF, token.RPAREN, token.RBRACE, token.RBRACK, token.COMMA:
		return true
	}
	return false
}

// checkOpEnd fails unless the current token can follow an operator.
func (p *parser) checkOpEnd() {
	if !p.atOpEnd() {
		p.failExpected(`"|"`)
	}
}

// parseSource parses what a pipeline starts with: a source operator (union,
// range, print, datatable, externaldata, find, search, evaluate) or any
// expression (a table or let name, a call, a parenthesised query, a
// scalar).
func (p *parser) parseSource() ast.Expr {
	if p.is(token.IDENT) && !p.tok.Quoted {
		next := p.peek(1)
		switch p.tok.Value {
		case "union":
			if next.Kind == token.IDENT || next.Kind == token.LPAREN || next.Kind == token.STAR {
				return &ast.SourceOpExpr{Op: p.parseUnion()}
			}
		case "range":
			if next.Kind == token.IDENT && isKw(p.peek(2), "from") {
				return &ast.SourceOpExpr{Op: p.parseRange()}
			}
		case "print":
			if !p.followsName(next) {
				return &ast.SourceOpExpr{Op: p.parsePrint()}
			}
		case "datatable":
			if next.Kind == token.LPAREN {
				return p.parseDatatable()
			}
		case "externaldata":
			if next.Kind == token.LPAREN {
				return &ast.SourceOpExpr{Op: p.parseExternalData()}
			}
		case "find", "search":
			if next.Kind == token.IDENT || next.Kind == token.STRING || next.Kind == token.LPAREN || next.Kind == token.STAR {
				start, name := p.tok.Span.Start, p.tok.Value
				p.next()
				return &ast.SourceOpExpr{Op: p.parseGenericOp(start, name)}
			}
		case "evaluate":
			if next.Kind == token.IDENT {
				return &ast.SourceOpExpr{Op: p.parseEvaluate()}
			}
		}
	}
	return p.parseExpr()
}

// followsName reports whether t, following a word, shows that the word is
// used as a plain name (for example `print` as a column).
func (p *parser) followsName(t token.Token) bool {
	switch t.Kind {
	case token.PIPE, token.SEMI, token.EOF, token.RPAREN, token.RBRACE, token.RBRACK, token.COMMA,
		token.DOT, token.ASSIGN, token.EQ, token.NE, token.LT, token.LE, token.GT, token.GE,
		token.TILDEEQ, token.BANGTILDE, token.SLASH, token.PERCENT, token.DOTDOT:
		return true
	}
	return false
}

// parseRange parses `range x from A to B step S`.
func (p *parser) parseRange() *ast.RangeOp {
	start := p.tok.Span.Start
	p.next()
	r := &ast.RangeOp{Name: p.parseIdent()}
	p.expectKeyword("from")
	r.From = p.parseExpr()
	p.expectKeyword("to")
	r.To = p.parseExpr()
	p.expectKeyword("step")
	r.Step = p.parseExpr()
	r.Pos = p.spanFrom(start)
	return r
}

// parsePrint parses `print [Name =] X, ...`.
func (p *parser) parsePrint() *ast.PrintOp {
	start := p.tok.Span.Start
	p.next()
	cols := p.parseNamedList()
	return &ast.PrintOp{Columns: cols, Pos: p.spanFrom(start)}
}

// parseDatatable parses `datatable(a:long, ...) [v1, v2, ...]`.
func (p *parser) parseDatatable() *ast.DatatableExpr {
	start := p.tok.Span.Start
	p.next()
	d := &ast.DatatableExpr{}
	p.expect(token.LPAREN)
	p.commaList(token.RPAREN, func() {
		d.Columns = append(d.Columns, p.parseParam(false))
	})
	p.expect(token.RPAREN)
	if isBracketIdent(p.tok) {
		d.Values = []ast.Expr{bracketString(p.tok)}
		p.next()
	} else {
		p.expect(token.LBRACK)
		p.commaListTrailing(token.RBRACK, func() {
			d.Values = append(d.Values, p.parseExpr())
		})
		p.expect(token.RBRACK)
	}
	d.Pos = p.spanFrom(start)
	return d
}

// parseExternalData parses `externaldata (schema) [urls] [with (props)]`
// into a GenericOp whose Args are the schema (*ast.TypeExpr), the URL
// literals and the properties (*ast.NamedExpr).
func (p *parser) parseExternalData() *ast.GenericOp {
	start := p.tok.Span.Start
	p.next()
	tstart := p.tok.Span.Start
	schema := &ast.TypeExpr{}
	p.expect(token.LPAREN)
	p.commaList(token.RPAREN, func() {
		schema.Columns = append(schema.Columns, p.parseParam(false))
	})
	p.expect(token.RPAREN)
	schema.Pos = p.spanFrom(tstart)
	args := []ast.Expr{schema}
	if isBracketIdent(p.tok) {
		args = append(args, bracketString(p.tok))
		p.next()
	} else {
		p.expect(token.LBRACK)
		p.commaList(token.RBRACK, func() {
			args = append(args, p.parseBasicLit())
		})
		p.expect(token.RBRACK)
	}
	if p.isKeyword("with") {
		p.next()
		p.expect(token.LPAREN)
		p.commaList(token.RPAREN, func() {
			args = append(args, p.parseNamedExpr())
		})
		p.expect(token.RPAREN)
	}
	sp := p.spanFrom(start)
	return &ast.GenericOp{Name: "externaldata", Args: args, Text: p.src[sp.Start:sp.End], Pos: sp}
}

// parseUnion parses `union [params] leg, ...` (as a source or after a pipe).
func (p *parser) parseUnion() *ast.UnionOp {
	start := p.tok.Span.Start
	p.next()
	u := &ast.UnionOp{Params: p.parseParams(unionParams)}
	for {
		u.Tables = append(u.Tables, p.parseTableRef())
		if !p.is(token.COMMA) {
			break
		}
		p.next()
	}
	u.Pos = p.spanFrom(start)
	return u
}

// parseTableRef parses a union leg or join right side: a parenthesised
// query (stored without its parentheses), a wildcard pattern, or a name or
// call.
func (p *parser) parseTableRef() ast.Expr {
	if p.is(token.LPAREN) {
		p.next()
		x := p.parsePipe()
		p.expect(token.RPAREN)
		return unparen(x)
	}
	if id := p.parsePattern(); id != nil {
		return id
	}
	if !p.is(token.IDENT) {
		p.failExpected("table")
	}
	return p.parsePostfix()
}

// unparen removes any number of enclosing parentheses.
func unparen(x ast.Expr) ast.Expr {
	for {
		pe, ok := x.(*ast.ParenExpr)
		if !ok {
			return x
		}
		x = pe.X
	}
}

// parsePattern parses a name pattern with wildcards written without spaces
// (Device*, *Events, Col*Id, *). It returns nil, consuming nothing, when the
// text at the current token is not such a pattern.
func (p *parser) parsePattern() *ast.Ident {
	if !p.is(token.STAR) && !(p.is(token.IDENT) && !p.tok.Quoted) {
		return nil
	}
	n, star := 0, false
	for {
		t := p.peek(n)
		if n > 0 && t.SpaceBefore {
			break
		}
		if t.Kind == token.STAR {
			star = true
		} else if !(t.Kind == token.IDENT && !t.Quoted) {
			break
		}
		n++
	}
	if !star {
		return nil
	}
	start := p.tok.Span.Start
	name := ""
	for i := 0; i < n; i++ {
		name += p.tok.Text
		p.next()
	}
	return &ast.Ident{Name: name, Pos: p.spanFrom(start)}
}
