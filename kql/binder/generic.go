package binder

import (
	"strings"

	"github.com/rmmhunt/rmmhunt/kql/ast"
	"github.com/rmmhunt/rmmhunt/kql/token"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/table"
)

// bindGenericOp binds the pipeline operators the parser keeps as text.
func (b *binder) bindGenericOp(sc *scope, in Node, x *ast.GenericOp) Node {
	switch x.Name {
	case "serialize":
		return b.bindSerialize(sc, in, x)
	case "project-smart":
		items, ok := b.namedItems(x)
		if !ok {
			return nil
		}
		return b.bindProject(sc, in, &ast.ProjectOp{Kind: "project", Columns: items, Pos: x.Pos})
	case "sample":
		r := b.newOpReader(x)
		if r == nil {
			return nil
		}
		e := r.exprUntil(len(r.toks) - 1)
		if e == nil {
			return nil
		}
		n, ok := b.constLong(sc, e, "sample")
		if !ok {
			return nil
		}
		return &Sample{Input: in, N: n}
	case "sample-distinct":
		return b.bindSampleDistinct(sc, in, x)
	case "getschema":
		if strings.TrimSpace(x.Text[len(x.Name):]) != "" {
			b.errorf(x.Pos, "getschema takes no arguments")
			return nil
		}
		return getSchema(in.Schema())
	case "top-nested":
		return b.bindTopNested(sc, in, x)
	case "make-series":
		return b.bindMakeSeries(sc, in, x)
	case "mv-apply", "mvapply":
		return b.bindMvApply(sc, in, x)
	case "partition":
		return b.bindPartition(sc, in, x)
	case "scan":
		return b.bindScanOp(sc, in, x)
	case "search":
		return b.bindSearch(sc, in, x)
	case "find":
		b.errorf(x.Pos, "find starts a query; it cannot follow a pipe")
		return nil
	}
	b.unsupported(x.Pos, "the %s operator is not supported yet", x.Name)
	return nil
}

// namedItems returns the comma-separated `[Name =] Expr` items of a generic
// operator.
func (b *binder) namedItems(x *ast.GenericOp) ([]*ast.NamedExpr, bool) {
	r := b.newOpReader(x)
	if r == nil {
		return nil, false
	}
	var items []*ast.NamedExpr
	for !r.atEnd() {
		end := r.scanTo(words(true))
		it := r.namedUntil(end)
		if it == nil {
			return nil, false
		}
		items = append(items, it)
		if r.tok().Kind == token.COMMA {
			r.next()
		}
	}
	return items, true
}

// bindSerialize binds `serialize [Name = Expr, ...]`: the input is
// serialized, then extended by the given columns.
func (b *binder) bindSerialize(sc *scope, in Node, x *ast.GenericOp) Node {
	items, ok := b.namedItems(x)
	if !ok {
		return nil
	}
	var cur Node = &Serialize{Input: in}
	for _, it := range items {
		cur = b.bindExtendOne(sc, cur, it)
		if cur == nil {
			return nil
		}
	}
	return cur
}

// getSchema is the result of getschema over schema s.
func getSchema(s table.Schema) Node {
	v := &Values{Columns: table.Schema{
		{Name: "ColumnName", Type: types.String},
		{Name: "ColumnOrdinal", Type: types.Int},
		{Name: "DataType", Type: types.String},
		{Name: "ColumnType", Type: types.String},
	}}
	for i, f := range s {
		v.Rows = append(v.Rows, []types.Value{
			types.NewString(f.Name), types.NewInt(int32(i)),
			types.NewString(f.Type.DotNetName()), types.NewString(f.Type.String()),
		})
	}
	return v
}

// bindSampleDistinct binds `sample-distinct N of Expr`.
func (b *binder) bindSampleDistinct(sc *scope, in Node, x *ast.GenericOp) Node {
	r := b.newOpReader(x)
	if r == nil {
		return nil
	}
	end := r.scanTo(words(false, "of"))
	ne := r.exprUntil(end)
	if ne == nil {
		return nil
	}
	n, ok := b.constLong(sc, ne, "sample-distinct")
	if !ok {
		return nil
	}
	if !r.expectWord("of") {
		return nil
	}
	ae := r.exprUntil(len(r.toks) - 1)
	if ae == nil {
		return nil
	}
	row := &rowScope{schema: in.Schema()}
	e := b.bindScalar(sc, row, ae)
	if isUnknown(e) {
		return nil
	}
	if e.Type() == types.Dynamic {
		b.errorf(ae.Span(), "sample-distinct cannot use a dynamic value; convert it with tostring()")
		return nil
	}
	name := exprName(ae)
	if name == "" {
		name = "Column1"
	}
	return &SampleDistinct{Input: in, N: n, X: e, Columns: table.Schema{{Name: name, Type: e.Type()}}}
}

// bindSourceGeneric binds the source operators kept as text: search, find,
// externaldata.
func (b *binder) bindSourceGeneric(sc *scope, x *ast.GenericOp) Node {
	switch x.Name {
	case "search":
		return b.bindSearch(sc, nil, x)
	case "find":
		return b.bindFind(sc, x)
	case "externaldata":
		return b.bindExternalData(sc, x)
	}
	b.unsupported(x.Pos, "the %s operator is not supported yet", x.Name)
	return nil
}

// bindRange binds `range Name from A to B step S` (B inclusive). The
// column has the type of A (a datetime with a timespan step works).
func (b *binder) bindRange(sc *scope, x *ast.RangeOp) Node {
	from := b.bindScalar(sc, nil, x.From)
	to := b.bindScalar(sc, nil, x.To)
	step := b.bindScalar(sc, nil, x.Step)
	if isUnknown(from) || isUnknown(to) || isUnknown(step) {
		return nil
	}
	ft, tt, st := from.Type(), to.Type(), step.Type()
	var t types.Type
	switch {
	case ft.IsNumeric() && tt.IsNumeric() && st.IsNumeric():
		t = types.Long
		if ft.UsesReals() || tt.UsesReals() || st.UsesReals() {
			t = types.Real
		}
		if ft == types.Int && tt == types.Int && st == types.Int {
			t = types.Int
		}
	case ft == types.Datetime && tt == types.Datetime && st == types.Timespan:
		t = types.Datetime
	case ft == types.Timespan && tt == types.Timespan && st == types.Timespan:
		t = types.Timespan
	default:
		b.errorf(x.Pos, "range needs numbers, or datetimes or timespans with a timespan step; got %s to %s step %s", ft, tt, st)
		return nil
	}
	return &Range{From: from, To: to, Step: step, Columns: table.Schema{{Name: x.Name.Name, Type: t}}}
}

// bindEvaluate binds `evaluate plugin(...)`.
func (b *binder) bindEvaluate(sc *scope, in Node, x *ast.EvaluateOp) Node {
	if x.Call == nil {
		b.errorf(x.Pos, "evaluate needs a plugin call")
		return nil
	}
	switch x.Call.Fun.Name {
	case "bag_unpack":
		if in == nil {
			b.errorf(x.Pos, "bag_unpack needs a piped input")
			return nil
		}
		return b.bindBagUnpack(sc, in, x)
	case "pivot":
		if in == nil {
			b.errorf(x.Pos, "pivot needs a piped input")
			return nil
		}
		return b.bindPivot(sc, in, x)
	case "ipv4_lookup", "ipv6_lookup":
		if in == nil {
			b.errorf(x.Pos, "%s needs a piped input", x.Call.Fun.Name)
			return nil
		}
		return b.bindIPLookup(sc, in, x)
	}
	b.unsupported(x.Pos, "evaluate %s is not supported yet", x.Call.Fun.Name)
	return nil
}

// bindInvoke binds `T | invoke f(args)`: a call of the let-defined
// function f, or of a Defender function computed offline (see
// defenderFuncs), with T as its first (tabular) argument.
func (b *binder) bindInvoke(sc *scope, in Node, x *ast.InvokeOp) Node {
	name := x.Call.Fun.Name
	bd := sc.lookup(name)
	if bd == nil && name == "FileProfile" {
		return b.bindFileProfile(sc, in, x)
	}
	if bd == nil && isDefenderFunction(name) {
		if bd = b.defenderBinding(name, x.Call.Fun.Pos); bd == nil {
			return nil
		}
	}
	if bd == nil || bd.fn == nil {
		if bd == nil {
			b.unsupported(x.Call.Fun.Pos, "invoke %s: %s is not defined in the query (stored and built-in functions are not available offline)", name, name)
		} else {
			b.errorf(x.Call.Fun.Pos, "invoke needs a function, and %s is not one", name)
		}
		return nil
	}
	params := bd.fn.Params
	if len(params) == 0 || params[0].Type == nil || params[0].Type.Name != "" {
		b.errorf(x.Call.Fun.Pos, "invoke %s: the function's first parameter must be tabular, such as (T:(*))", name)
		return nil
	}
	return b.callUserTabularWith(sc, x.Call, bd, in)
}
