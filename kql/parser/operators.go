package parser

import (
	"github.com/rmmhunt/rmmhunt/kql/ast"
	"github.com/rmmhunt/rmmhunt/kql/token"
)

// dedicatedOps are the tabular operators with their own node.
var dedicatedOps = map[string]bool{
	"where": true, "filter": true, "project": true, "extend": true, "project-away": true,
	"project-keep": true, "project-rename": true, "project-reorder": true, "summarize": true,
	"take": true, "limit": true, "sort": true, "order": true, "top": true, "count": true,
	"distinct": true, "join": true, "lookup": true, "union": true, "mv-expand": true,
	"mvexpand": true, "parse": true, "parse-where": true, "as": true, "invoke": true,
	"evaluate": true,
}

// operatorName reads the operator name at the current token, joining the
// parts of a dashed name written without spaces (mv-expand). It returns the
// name and how many tokens it spans, preferring the longest known name.
func (p *parser) operatorName() (string, int) {
	t := p.tok
	if t.Kind != token.IDENT || t.Quoted {
		return "", 0
	}
	name, n := t.Value, 1
	best, bestN := name, 1
	for {
		dash, w := p.peek(n), p.peek(n+1)
		if dash.Kind != token.MINUS || dash.SpaceBefore || w.Kind != token.IDENT || w.Quoted || w.SpaceBefore {
			break
		}
		name += "-" + w.Value
		n += 2
		if dedicatedOps[name] || genericOps[name] {
			best, bestN = name, n
		}
	}
	return best, bestN
}

// parseOperator parses one tabular operator after `|`.
func (p *parser) parseOperator() ast.Operator {
	start := p.tok.Span.Start
	name, n := p.operatorName()
	if n == 0 {
		p.failExpected("tabular operator")
	}
	if !dedicatedOps[name] && !genericOps[name] {
		p.fail(p.tok.Span, "unknown tabular operator %q", name)
	}
	if name == "union" || name == "evaluate" {
		// These parse their own keyword.
		if name == "union" {
			return p.parseUnion()
		}
		return p.parseEvaluate()
	}
	for i := 0; i < n; i++ {
		p.next()
	}
	switch name {
	case "where", "filter":
		pred := p.parseExpr()
		return &ast.WhereOp{Pred: pred, Pos: p.spanFrom(start)}
	case "project", "extend":
		cols := p.parseNamedList()
		return &ast.ProjectOp{Kind: name, Columns: cols, Pos: p.spanFrom(start)}
	case "project-rename":
		return p.parseProjectRename(start)
	case "project-away", "project-keep", "project-reorder":
		return p.parseProjectNames(start, name)
	case "summarize":
		return p.parseSummarize(start)
	case "take", "limit":
		x := p.parseExpr()
		return &ast.TakeOp{N: x, Pos: p.spanFrom(start)}
	case "sort", "order":
		p.expectKeyword("by")
		keys := p.parseSortKeys()
		return &ast.SortOp{Keys: keys, Pos: p.spanFrom(start)}
	case "top":
		x := p.parseExpr()
		p.expectKeyword("by")
		keys := p.parseSortKeys()
		return &ast.TopOp{N: x, Keys: keys, Pos: p.spanFrom(start)}
	case "count":
		return &ast.CountOp{Pos: p.spanFrom(start)}
	case "distinct":
		return p.parseDistinct(start)
	case "join", "lookup":
		return p.parseJoin(start, name == "lookup")
	case "mv-expand", "mvexpand":
		m := p.parseMvExpand(start)
		m.Legacy = name == "mvexpand"
		return m
	case "parse", "parse-where":
		return p.parseParse(start, name == "parse-where")
	case "as":
		a := &ast.AsOp{Params: p.parseParams(asParams)}
		a.Name = p.parseIdent()
		a.Pos = p.spanFrom(start)
		return a
	case "render":
		return p.parseRender(start)
	case "invoke":
		fun := p.parseIdent()
		if !p.is(token.LPAREN) {
			p.failExpected(`"("`)
		}
		call := p.parseCall(fun)
		return &ast.InvokeOp{Call: call, Pos: p.spanFrom(start)}
	}
	return p.parseGenericOp(start, name)
}

// parseEvaluate parses `evaluate [params] plugin(args)`.
func (p *parser) parseEvaluate() *ast.EvaluateOp {
	start := p.tok.Span.Start
	p.next()
	e := &ast.EvaluateOp{Params: p.parseParams(hintParams)}
	fun := p.parseIdent()
	if !p.is(token.LPAREN) {
		p.failExpected(`"("`)
	}
	e.Call = p.parseCall(fun)
	e.Pos = p.spanFrom(start)
	return e
}

// parseProjectRename parses `project-rename New = Old, ...`.
func (p *parser) parseProjectRename(start token.Pos) *ast.ProjectOp {
	op := &ast.ProjectOp{Kind: "project-rename"}
	for {
		cstart := p.tok.Span.Start
		newName := p.parseIdent()
		p.expect(token.ASSIGN)
		old := p.parseIdent()
		op.Columns = append(op.Columns, &ast.NamedExpr{Names: []*ast.Ident{newName}, X: old, Pos: p.spanFrom(cstart)})
		if !p.is(token.COMMA) {
			break
		}
		p.next()
	}
	op.Pos = p.spanFrom(start)
	return op
}

// parseProjectNames parses the column list of project-away, project-keep
// and project-reorder: names or wildcard patterns, with an optional order
// for project-reorder.
func (p *parser) parseProjectNames(start token.Pos, kind string) *ast.ProjectOp {
	op := &ast.ProjectOp{Kind: kind}
	for {
		id := p.parsePattern()
		if id == nil {
			id = p.parseIdent()
		}
		op.Columns = append(op.Columns, &ast.NamedExpr{X: id, Pos: id.Pos})
		if kind == "project-reorder" {
			op.Order = append(op.Order, p.parseReorderOrder())
		}
		if !p.is(token.COMMA) {
			break
		}
		p.next()
	}
	op.Pos = p.spanFrom(start)
	return op
}

// parseReorderOrder parses the optional asc, desc, granny-asc or
// granny-desc after a project-reorder column.
func (p *parser) parseReorderOrder() string {
	switch {
	case p.isKeyword("asc") || p.isKeyword("desc"):
		v := p.tok.Value
		p.next()
		return v
	case p.isKeyword("granny") && p.peek(1).Kind == token.MINUS && p.glued(1) && p.glued(2) &&
		(isKw(p.peek(2), "asc") || isKw(p.peek(2), "desc")):
		v := "granny-" + p.peek(2).Value
		p.next()
		p.next()
		p.next()
		return v
	}
	return ""
}

// parseSummarize parses `summarize [params] aggs [by keys]`.
func (p *parser) parseSummarize(start token.Pos) *ast.SummarizeOp {
	s := &ast.SummarizeOp{Params: p.parseParams(hintParams)}
	if !p.isKeyword("by") {
		s.Aggs = p.parseNamedList()
	}
	if p.isKeyword("by") {
		p.next()
		s.By = p.parseNamedList()
	}
	s.Pos = p.spanFrom(start)
	return s
}

// parseSortKeys parses `expr [asc|desc] [nulls first|last], ...`.
func (p *parser) parseSortKeys() []*ast.SortKey {
	var keys []*ast.SortKey
	for {
		kstart := p.tok.Span.Start
		k := &ast.SortKey{X: p.parseExpr(), Desc: true}
		switch {
		case p.isKeyword("asc"):
			k.Desc = false
			p.next()
		case p.isKeyword("desc"):
			p.next()
		}
		if p.isKeyword("nulls") {
			p.next()
			switch {
			case p.isKeyword("first"), p.isKeyword("last"):
				k.Nulls = p.tok.Value
				p.next()
			default:
				p.failExpected(`"first" or "last"`)
			}
		}
		k.Pos = p.spanFrom(kstart)
		keys = append(keys, k)
		if !p.is(token.COMMA) {
			return keys
		}
		p.next()
	}
}

// parseDistinct parses `distinct *` or `distinct cols`.
func (p *parser) parseDistinct(start token.Pos) *ast.DistinctOp {
	d := &ast.DistinctOp{}
	if p.is(token.STAR) && p.atOpEndAt(1) {
		d.Columns = []*ast.NamedExpr{{X: &ast.StarExpr{Pos: p.tok.Span}, Pos: p.tok.Span}}
		p.next()
	} else {
		d.Columns = p.parseNamedList()
	}
	d.Pos = p.spanFrom(start)
	return d
}

// atOpEndAt reports whether the token n ahead can follow an operator.
func (p *parser) atOpEndAt(n int) bool {
	switch p.peek(n).Kind {
	case token.PIPE, token.SEMI, token.EOF, token.RPAREN, token.RBRACE, token.RBRACK, token.COMMA:
		return true
	}
	return false
}

// parseJoin parses `join|lookup [params] Right on Conds`.
func (p *parser) parseJoin(start token.Pos, lookup bool) *ast.JoinOp {
	j := &ast.JoinOp{Lookup: lookup, Params: p.parseParams(joinParams)}
	j.Right = p.parseTableRef()
	p.expectKeyword("on")
	for {
		j.On = append(j.On, splitAnd(p.parseExpr())...)
		if !p.is(token.COMMA) {
			break
		}
		p.next()
	}
	j.Pos = p.spanFrom(start)
	return j
}

// splitAnd splits `a and b and c` into its operands.
func splitAnd(x ast.Expr) []ast.Expr {
	if b, ok := x.(*ast.BinaryExpr); ok && b.Op == "and" {
		return append(splitAnd(b.X), splitAnd(b.Y)...)
	}
	return []ast.Expr{x}
}

// parseMvExpand parses `mv-expand [params] [Name =] X [to typeof(T)], ...
// [limit N]`.
func (p *parser) parseMvExpand(start token.Pos) *ast.MvExpandOp {
	m := &ast.MvExpandOp{Params: p.parseParams(mvExpandParams)}
	for {
		cstart := p.tok.Span.Start
		c := &ast.MvExpandColumn{X: p.parseNamedExpr()}
		if p.isKeyword("to") && isKw(p.peek(1), "typeof") {
			p.next()
			c.ToType = p.parseTypeof()
		}
		c.Pos = p.spanFrom(cstart)
		m.Columns = append(m.Columns, c)
		if !p.is(token.COMMA) {
			break
		}
		p.next()
	}
	if p.isKeyword("limit") {
		p.next()
		m.Limit = p.parseExpr()
	}
	m.Pos = p.spanFrom(start)
	return m
}

// parseParse parses `parse[-where] [params] X with pattern`.
func (p *parser) parseParse(start token.Pos, where bool) *ast.ParseOp {
	op := &ast.ParseOp{Where: where, Params: p.parseParams(parseParams)}
	op.X = p.parseExpr()
	p.expectKeyword("with")
	for !p.atOpEnd() {
		op.Pattern = append(op.Pattern, p.parseParsePart())
	}
	if len(op.Pattern) == 0 {
		p.failExpected("parse pattern")
	}
	op.Pos = p.spanFrom(start)
	return op
}

// parseParsePart parses one element of a parse pattern.
func (p *parser) parseParsePart() *ast.ParsePart {
	t := p.tok
	switch t.Kind {
	case token.STRING:
		lit := p.parseBasicLit()
		return &ast.ParsePart{Lit: lit, Pos: lit.Pos}
	case token.STAR:
		p.next()
		return &ast.ParsePart{Star: true, Pos: t.Span}
	case token.IDENT:
		part := &ast.ParsePart{Column: p.parseIdent()}
		if p.is(token.COLON) {
			p.next()
			if !p.is(token.IDENT) || p.tok.Quoted {
				p.failExpected("type name")
			}
			part.Type = &ast.TypeExpr{Name: p.tok.Value, Pos: p.tok.Span}
			p.next()
		}
		part.Pos = p.spanFrom(t.Span.Start)
		return part
	}
	p.failExpected("string, * or column in parse pattern")
	return nil
}
