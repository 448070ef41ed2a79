package binder

import (
	"strings"

	"github.com/rmmhunt/rmmhunt/kql/ast"
	"github.com/rmmhunt/rmmhunt/kql/token"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/table"
)

// bindAggItem binds an aggregate call written as an operator item (make-
// series, top-nested): it must be a direct aggregate call.
func (b *binder) bindAggItem(sc *scope, row *rowScope, e ast.Expr, what string) (*AggCall, table.Schema) {
	call, ok := unparen(e).(*ast.CallExpr)
	if !ok || !isAggregateCall(sc, call) {
		b.errorf(e.Span(), "%s needs an aggregation such as count() or sum(x)", what)
		return nil, nil
	}
	agg, cols := b.bindAgg(sc, row, call, nil)
	if agg == nil {
		return nil, nil
	}
	if len(cols) != 1 {
		b.errorf(e.Span(), "%s: the aggregation must produce one column", what)
		return nil, nil
	}
	return agg, cols
}

// bindTopNested binds `top-nested [N] of [Name =] Expr [with others =
// Value] by [Name =] Aggregation [asc|desc], ...`.
func (b *binder) bindTopNested(sc *scope, in Node, x *ast.GenericOp) Node {
	r := b.newOpReader(x)
	if r == nil {
		return nil
	}
	row := &rowScope{schema: in.Schema()}
	tn := &TopNested{Input: in}
	names := newNameSet()
	for {
		lv := TopNestedLevel{N: -1, Desc: true}
		if !r.isWord("of") {
			ne := r.exprUntil(r.scanTo(words(false, "of")))
			if ne == nil {
				return nil
			}
			n, ok := b.constLong(sc, ne, "top-nested")
			if !ok {
				return nil
			}
			lv.N = n
		}
		if !r.expectWord("of") {
			return nil
		}
		of := r.namedUntil(r.scanTo(words(false, "with", "by")))
		if of == nil {
			return nil
		}
		if r.isWord("with") {
			r.next()
			if !r.expectWord("others") {
				return nil
			}
			if r.tok().Kind != token.ASSIGN {
				r.fail("top-nested: expected \"=\" after others")
				return nil
			}
			r.next()
			oe := r.exprUntil(r.scanTo(words(false, "by")))
			if oe == nil {
				return nil
			}
			c, ok := fold(b.bindScalar(sc, nil, oe))
			if !ok {
				b.errorf(oe.Span(), "top-nested: the others value must be a constant")
				return nil
			}
			lv.Others = &c
		}
		if !r.expectWord("by") {
			return nil
		}
		aggItem := r.namedUntil(r.scanTo(words(true, "asc", "desc")))
		if aggItem == nil {
			return nil
		}
		if r.isWord("asc") {
			lv.Desc = false
			r.next()
		} else if r.isWord("desc") {
			r.next()
		}
		e := b.bindScalar(sc, row, of.X)
		if isUnknown(e) {
			return nil
		}
		if e.Type() == types.Dynamic {
			b.errorf(of.X.Span(), "top-nested cannot group by a dynamic value; convert it with tostring()")
			return nil
		}
		lv.Of = e
		ofName := ""
		if len(of.Names) == 1 {
			ofName = of.Names[0].Name
		} else {
			ofName = exprName(of.X)
		}
		if ofName == "" {
			ofName = names.generated()
		} else {
			ofName = names.add(ofName)
		}
		ot := e.Type()
		if lv.Others != nil {
			oc, ok := convertConst(*lv.Others, ot)
			if !ok {
				b.errorf(of.X.Span(), "top-nested: the others value does not fit %s", ot)
				return nil
			}
			lv.Others = &oc
		}
		agg, cols := b.bindAggItem(sc, row, aggItem.X, "top-nested")
		if agg == nil {
			return nil
		}
		aggName := "aggregated_" + ofName
		if len(aggItem.Names) == 1 {
			aggName = aggItem.Names[0].Name
		}
		lv.Agg = agg
		tn.Levels = append(tn.Levels, lv)
		tn.Columns = append(tn.Columns, table.Field{Name: ofName, Type: ot},
			table.Field{Name: names.add(aggName), Type: cols[0].Type})
		if r.tok().Kind != token.COMMA {
			break
		}
		r.next()
		// Each further level repeats the operator's name.
		if r.isWord("top") && r.peek(1).Kind == token.MINUS && r.peek(2).Kind == token.IDENT && r.peek(2).Value == "nested" {
			r.i += 3
		}
	}
	if !r.atEnd() {
		r.fail("top-nested: unexpected text")
		return nil
	}
	return tn
}

// bindMakeSeries binds `make-series [kind=nonempty] [Name =] Agg [default
// = V], ... on Axis [from A] [to B] step S [by Keys]` and the form `on Axis
// in range(A, B, S)`.
func (b *binder) bindMakeSeries(sc *scope, in Node, x *ast.GenericOp) Node {
	r := b.newOpReader(x)
	if r == nil {
		return nil
	}
	row := &rowScope{schema: in.Schema()}
	ms := &MakeSeries{Input: in}
	// Parameters: kind=nonempty and hints.
	for r.tok().Kind == token.IDENT {
		name, n := r.tok().Value, 1
		for r.peek(n).Kind == token.DOT && r.peek(n+1).Kind == token.IDENT {
			name += "." + r.peek(n+1).Value
			n += 2
		}
		if r.peek(n).Kind != token.ASSIGN || name != "kind" && !strings.HasPrefix(name, "hint.") {
			break
		}
		for i := 0; i <= n; i++ {
			r.next()
		}
		if name == "kind" {
			if !r.isWord("nonempty") {
				r.fail("make-series kind must be nonempty")
				return nil
			}
			ms.NonEmpty = true
		}
		r.next()
	}
	type item struct {
		named *ast.NamedExpr
		def   ast.Expr
	}
	var items []item
	for {
		it := item{}
		it.named = r.namedUntil(r.scanTo(words(true, "on", "default")))
		if it.named == nil {
			return nil
		}
		if r.isWord("default") {
			r.next()
			if r.tok().Kind != token.ASSIGN {
				r.fail("make-series: expected \"=\" after default")
				return nil
			}
			r.next()
			it.def = r.exprUntil(r.scanTo(words(true, "on")))
			if it.def == nil {
				return nil
			}
		}
		items = append(items, it)
		if r.tok().Kind != token.COMMA {
			break
		}
		r.next()
	}
	if !r.expectWord("on") {
		return nil
	}
	axis := r.exprUntil(r.scanTo(words(false, "from", "to", "step", "in")))
	if axis == nil {
		return nil
	}
	var from, to, step ast.Expr
	if r.isWord("in") {
		r.next()
		if !r.isWord("range") || r.peek(1).Kind != token.LPAREN {
			r.fail("make-series: expected range(start, stop, step)")
			return nil
		}
		re := r.exprUntil(r.scanTo(words(false, "by")))
		if re == nil {
			return nil
		}
		call, ok := re.(*ast.CallExpr)
		if !ok || len(call.Args) != 3 {
			b.errorf(re.Span(), "make-series: range takes start, stop and step")
			return nil
		}
		from, to, step = call.Args[0], call.Args[1], call.Args[2]
		ms.InRange = true
	} else {
		if r.isWord("from") {
			r.next()
			if from = r.exprUntil(r.scanTo(words(false, "to", "step"))); from == nil {
				return nil
			}
		}
		if r.isWord("to") {
			r.next()
			if to = r.exprUntil(r.scanTo(words(false, "step"))); to == nil {
				return nil
			}
		}
		if !r.expectWord("step") {
			return nil
		}
		if step = r.exprUntil(r.scanTo(words(false, "by"))); step == nil {
			return nil
		}
	}
	var keys []*ast.NamedExpr
	if r.isWord("by") {
		r.next()
		for !r.atEnd() {
			k := r.namedUntil(r.scanTo(words(true)))
			if k == nil {
				return nil
			}
			keys = append(keys, k)
			if r.tok().Kind == token.COMMA {
				r.next()
			}
		}
	}
	if !r.atEnd() {
		r.fail("make-series: unexpected text")
		return nil
	}
	// Axis and range.
	ax := b.bindScalar(sc, row, axis)
	if isUnknown(ax) {
		return nil
	}
	at := ax.Type()
	if at != types.Datetime && at != types.Timespan && !at.IsNumeric() {
		b.errorf(axis.Span(), "make-series needs a datetime, timespan or numeric axis, got %s", at)
		return nil
	}
	ms.On = ax
	bindBound := func(e ast.Expr, what string, want types.Type) Expr {
		if e == nil {
			return nil
		}
		v := b.bindScalar(sc, nil, e)
		if isUnknown(v) {
			return nil
		}
		t := v.Type()
		if t != want && !(t.IsNumeric() && want.IsNumeric()) {
			b.errorf(e.Span(), "make-series: %s must be %s, got %s", what, want, t)
			return nil
		}
		return v
	}
	stepType := at
	if at == types.Datetime {
		stepType = types.Timespan
	}
	if from != nil {
		if ms.From = bindBound(from, "the start", at); ms.From == nil {
			return nil
		}
	}
	if to != nil {
		if ms.To = bindBound(to, "the end", at); ms.To == nil {
			return nil
		}
	}
	if ms.Step = bindBound(step, "the step", stepType); ms.Step == nil {
		return nil
	}
	// Keys.
	names := newNameSet()
	for _, k := range keys {
		e := b.bindScalar(sc, row, k.X)
		if isUnknown(e) {
			return nil
		}
		if e.Type() == types.Dynamic {
			b.errorf(k.Pos, "make-series cannot group by a dynamic value; convert it with tostring()")
			return nil
		}
		name := names.forItem(k)
		ms.Keys = append(ms.Keys, e)
		ms.Columns = append(ms.Columns, table.Field{Name: name, Type: e.Type()})
	}
	// Aggregates.
	for _, it := range items {
		agg, cols := b.bindAggItem(sc, row, it.named.X, "make-series")
		if agg == nil {
			return nil
		}
		def := types.NullOf(agg.T)
		if agg.T.IsNumeric() {
			def, _ = convertConst(types.NewLong(0), agg.T)
		}
		if it.def != nil {
			c, ok := fold(b.bindScalar(sc, nil, it.def))
			if !ok {
				b.errorf(it.def.Span(), "make-series: default must be a constant")
				return nil
			}
			if !c.Null && c.Type != agg.T && c.Type.IsNumeric() && agg.T.IsNumeric() {
				if agg.T.UsesReals() || !c.Type.UsesReals() {
					c, _ = convertConst(c, agg.T)
				}
			}
			def = c
		}
		name := cols[0].Name
		if len(it.named.Names) == 1 {
			name = it.named.Names[0].Name
		}
		ms.Aggs = append(ms.Aggs, agg)
		ms.Defaults = append(ms.Defaults, def)
		ms.Columns = append(ms.Columns, table.Field{Name: names.add(name), Type: types.Dynamic})
	}
	axisName := exprName(axis)
	if axisName == "" {
		axisName = names.generated()
	} else {
		axisName = names.add(axisName)
	}
	ms.Columns = append(ms.Columns, table.Field{Name: axisName, Type: types.Dynamic})
	return ms
}
