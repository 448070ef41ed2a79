package parser

import (
	"github.com/rmmhunt/rmmhunt/kql/ast"
	"github.com/rmmhunt/rmmhunt/kql/token"
)

// parseStmtList parses statements separated by `;` up to end (EOF for a
// query, RBRACE for a function body), which is not consumed. Empty
// statements (`;;`, a trailing `;`) are allowed.
func (p *parser) parseStmtList(end token.Kind) []ast.Stmt {
	var stmts []ast.Stmt
	for !p.is(end) && !p.is(token.EOF) {
		if p.is(token.SEMI) {
			p.next()
			continue
		}
		if s := p.parseStmtRecover(end); s != nil {
			stmts = append(stmts, s)
		}
	}
	return stmts
}

// parseStmtRecover parses one statement and checks what follows it; after an
// error it skips to the end of the statement and returns nil.
func (p *parser) parseStmtRecover(end token.Kind) (s ast.Stmt) {
	start, m := p.pos, p.mark()
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(bailout); !ok || p.quiet > 0 {
				panic(r)
			}
			s = nil
			p.skipStmt(m)
			if p.pos == start && !p.is(token.EOF) && !p.is(token.SEMI) && !p.is(end) {
				p.next() // always make progress
			}
		}
	}()
	s = p.parseStmt()
	if !p.is(token.SEMI) && !p.is(end) && !p.is(token.EOF) {
		if end == token.RBRACE {
			p.failExpected(`";" or "}"`)
		}
		p.failExpected(`";" or "|"`)
	}
	return s
}

// parseStmt parses a let, set or declare statement, or an expression
// statement.
func (p *parser) parseStmt() ast.Stmt {
	next := p.peek(1)
	switch {
	case p.isKeyword("let") && next.Kind == token.IDENT:
		return p.parseLet()
	case p.isKeyword("set") && next.Kind == token.IDENT:
		return p.parseSet()
	case p.isKeyword("declare") && isKw(next, "query_parameters"):
		return p.parseDeclare()
	}
	return &ast.ExprStmt{X: p.parsePipe()}
}

// parseLet parses `let Name = Value`.
func (p *parser) parseLet() *ast.LetStmt {
	start := p.tok.Span.Start
	p.next()
	name := p.parseIdent()
	p.expect(token.ASSIGN)
	val := p.parseLetValue()
	return &ast.LetStmt{Name: name, Value: val, Pos: p.spanFrom(start)}
}

// parseLetValue parses the value of a let: a view, a function literal, or
// any scalar or tabular expression.
func (p *parser) parseLetValue() ast.Expr {
	if p.isKeyword("view") && p.peek(1).Kind == token.LPAREN {
		return p.parseFuncLit(true)
	}
	if p.is(token.LPAREN) && p.looksLikeParams() {
		return p.parseFuncLit(false)
	}
	return p.parsePipe()
}

// looksLikeParams reports whether the `(` at the current token starts a
// function parameter list: `() {`, `(name:` or `(['name']:`.
func (p *parser) looksLikeParams() bool {
	a, b := p.peek(1), p.peek(2)
	if a.Kind == token.RPAREN && b.Kind == token.LBRACE {
		return true
	}
	return a.Kind == token.IDENT && b.Kind == token.COLON
}

// parseFuncLit parses `[view] (params) { body }`.
func (p *parser) parseFuncLit(view bool) *ast.FuncLit {
	start := p.tok.Span.Start
	if view {
		p.next()
	}
	params := p.parseParamList()
	p.expect(token.LBRACE)
	body := p.parseStmtList(token.RBRACE)
	p.expect(token.RBRACE)
	return &ast.FuncLit{View: view, Params: params, Body: body, Pos: p.spanFrom(start)}
}

// parseParamList parses `(name:type [= default], ...)`.
func (p *parser) parseParamList() []*ast.Param {
	p.expect(token.LPAREN)
	var params []*ast.Param
	p.commaList(token.RPAREN, func() {
		params = append(params, p.parseParam(true))
	})
	p.expect(token.RPAREN)
	return params
}

// parseParam parses `name:type`, with `= default` when allowDefault.
func (p *parser) parseParam(allowDefault bool) *ast.Param {
	start := p.tok.Span.Start
	name := p.parseIdent()
	p.expect(token.COLON)
	prm := &ast.Param{Name: name, Type: p.parseParamType()}
	if allowDefault && p.is(token.ASSIGN) {
		p.next()
		prm.Default = p.parseExpr()
	}
	prm.Pos = p.spanFrom(start)
	return prm
}

// parseParamType parses a scalar type name or a tabular schema `(*)` /
// `(a:long, ...)`.
func (p *parser) parseParamType() *ast.TypeExpr {
	start := p.tok.Span.Start
	if p.is(token.LPAREN) {
		p.next()
		t := &ast.TypeExpr{}
		if p.is(token.STAR) {
			p.next()
			t.Star = true
		} else {
			p.commaList(token.RPAREN, func() {
				t.Columns = append(t.Columns, p.parseParam(false))
			})
		}
		p.expect(token.RPAREN)
		t.Pos = p.spanFrom(start)
		return t
	}
	if !p.is(token.IDENT) || p.tok.Quoted {
		p.failExpected("type name")
	}
	t := &ast.TypeExpr{Name: p.tok.Value, Pos: p.tok.Span}
	p.next()
	return t
}

// parseSet parses `set Name [= Value]`.
func (p *parser) parseSet() *ast.SetStmt {
	start := p.tok.Span.Start
	p.next()
	s := &ast.SetStmt{Name: p.parseIdent()}
	if p.is(token.ASSIGN) {
		p.next()
		s.Value = p.parseExpr()
	}
	s.Pos = p.spanFrom(start)
	return s
}

// parseDeclare parses `declare query_parameters(params)`.
func (p *parser) parseDeclare() *ast.DeclareStmt {
	start := p.tok.Span.Start
	p.next()
	p.next() // query_parameters
	params := p.parseParamList()
	return &ast.DeclareStmt{Params: params, Pos: p.spanFrom(start)}
}

// parseIdent parses a plain or bracket-quoted name. A name may start with
// `$` ($table, the source column of search and union).
func (p *parser) parseIdent() *ast.Ident {
	if p.is(token.DOLLAR) {
		n := p.peek(1)
		if n.Kind == token.IDENT && !n.Quoted && !n.SpaceBefore {
			id := &ast.Ident{Name: "$" + n.Value, Pos: p.tok.Span.Join(n.Span)}
			p.next()
			p.next()
			return id
		}
	}
	if !p.is(token.IDENT) {
		p.failExpected("name")
	}
	id := &ast.Ident{Name: p.tok.Value, Quoted: p.tok.Quoted, Pos: p.tok.Span}
	p.next()
	return id
}
