package binder

import (
	"github.com/rmmhunt/rmmhunt/kql/ast"
	"github.com/rmmhunt/rmmhunt/kql/token"
	"github.com/rmmhunt/rmmhunt/kql/types"
)

// bindMvApply binds `mv-apply [with_itemindex=I] [Name =] Expr [to
// typeof(T)], ... [limit N] on (Subquery)`. Each input row is expanded as
// mv-expand would; the subquery runs over those rows; its results are
// prefixed with the input row's columns that were not expanded in place
// and that the subquery does not output itself.
func (b *binder) bindMvApply(sc *scope, in Node, x *ast.GenericOp) Node {
	r := b.newOpReader(x)
	if r == nil {
		return nil
	}
	spec := expandSpec{apply: true, pos: x.Pos}
	// Parameters.
	for r.tok().Kind == token.IDENT && r.peek(1).Kind == token.ASSIGN &&
		(r.tok().Value == "with_itemindex" || r.tok().Value == "kind" || r.tok().Value == "bagexpansion") {
		p := &ast.OpParam{Name: r.tok().Value, Pos: r.span()}
		r.next()
		r.next()
		t := r.tok()
		if t.Kind != token.IDENT {
			r.fail("mv-apply: %s takes a name", p.Name)
			return nil
		}
		p.Value = &ast.Ident{Name: t.Value, Quoted: t.Quoted, Pos: t.Span}
		p.Pos = p.Pos.Join(t.Span)
		r.next()
		spec.params = append(spec.params, p)
	}
	// Columns to expand.
	for {
		start := r.span()
		named := r.namedUntil(r.scanTo(words(true, "to", "limit", "on")))
		if named == nil {
			return nil
		}
		c := &ast.MvExpandColumn{X: named, Pos: start.Join(named.Pos)}
		if r.isWord("to") {
			r.next()
			if !r.isWord("typeof") || r.peek(1).Kind != token.LPAREN || r.peek(2).Kind != token.IDENT || r.peek(3).Kind != token.RPAREN {
				r.fail("mv-apply: expected typeof(type) after to")
				return nil
			}
			tt := r.peek(2)
			c.ToType = &ast.TypeExpr{Name: tt.Value, Pos: r.span().Join(r.peek(3).Span)}
			r.i += 4
		}
		spec.columns = append(spec.columns, c)
		if r.tok().Kind != token.COMMA {
			break
		}
		r.next()
	}
	if r.isWord("limit") {
		r.next()
		spec.limit = r.exprUntil(r.scanTo(words(false, "on")))
		if spec.limit == nil {
			return nil
		}
	}
	if !r.isWord("on") {
		r.fail("mv-apply: expected \"on\"")
		return nil
	}
	on := r.i
	r.next()
	subAST, srcName := r.subquery(on)
	if subAST == nil {
		return nil
	}
	if !r.atEnd() {
		r.fail("mv-apply: unexpected text after the subquery")
		return nil
	}
	ex := b.bindExpand(sc, in, spec)
	if ex == nil {
		return nil
	}
	rows := &ApplyRows{Columns: ex.Columns}
	inner := sc.child()
	inner.names[srcName] = &binding{tabular: rows}
	sub := b.bindTabular(inner, subAST)
	if sub == nil {
		return nil
	}
	ma := &MvApply{Input: in, Expand: ex, Rows: rows, Sub: sub}
	subSchema := sub.Schema()
	expandedInPlace := map[int]bool{}
	for j, src := range ex.Pass {
		if src < 0 && j < len(in.Schema()) {
			expandedInPlace[j] = true
		}
	}
	names := newNameSet()
	for i, f := range in.Schema() {
		if expandedInPlace[i] || subSchema.Index(f.Name) >= 0 {
			continue
		}
		ma.Keep = append(ma.Keep, i)
		ma.Columns = append(ma.Columns, f)
		names.add(f.Name)
	}
	for j, f := range subSchema {
		ma.SubCols = append(ma.SubCols, j)
		ma.Columns = append(ma.Columns, f)
		names.add(f.Name)
	}
	return ma
}

// bindPartition binds `partition [hint.*=...] by Column (Subquery)`: the
// subquery runs over the rows of each value of Column; the output is the
// union of its results.
func (b *binder) bindPartition(sc *scope, in Node, x *ast.GenericOp) Node {
	r := b.newOpReader(x)
	if r == nil {
		return nil
	}
	for r.tok().Kind == token.IDENT && r.tok().Value == "hint" {
		// hint.strategy=native, hint.shufflekey=..., hint.concurrency=...
		for !r.atEnd() && r.tok().Kind != token.ASSIGN {
			r.next()
		}
		r.next()
		r.next()
	}
	if !r.expectWord("by") {
		return nil
	}
	t := r.tok()
	if t.Kind != token.IDENT || r.peek(1).Kind != token.LPAREN {
		if t.Kind == token.IDENT && r.peek(1).Kind == token.LBRACE {
			b.unsupported(x.Pos, "partition with a {subquery} over a named source is not supported yet; use partition by %s (subquery)", t.Value)
			return nil
		}
		r.fail("partition: expected a column name and a (subquery)")
		return nil
	}
	row := &rowScope{schema: in.Schema()}
	key := b.bindScalar(sc, row, &ast.Ident{Name: t.Value, Quoted: t.Quoted, Pos: t.Span})
	if isUnknown(key) {
		return nil
	}
	if key.Type() == types.Dynamic {
		b.errorf(t.Span, "partition cannot use a dynamic column; convert it with tostring()")
		return nil
	}
	before := r.i
	r.next()
	subAST, srcName := r.subquery(before)
	if subAST == nil {
		return nil
	}
	if !r.atEnd() {
		r.fail("partition: unexpected text after the subquery")
		return nil
	}
	rows := &ApplyRows{Columns: in.Schema()}
	inner := sc.child()
	inner.names[srcName] = &binding{tabular: rows}
	sub := b.bindTabular(inner, subAST)
	if sub == nil {
		return nil
	}
	return &Partition{Input: in, Key: key, Rows: rows, Sub: sub}
}
