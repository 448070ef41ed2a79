package binder

import (
	"fmt"

	"github.com/rmmhunt/rmmhunt/kql/ast"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/table"
)

// TupleItem is the internal function that takes output i of a tuple-valued
// call (series_stats, series_fit_line, ...): its first argument is the
// column holding the call's outputs, its second the constant index; the
// call's type is the output's type.
const TupleItem = "_tuple_item"

// tupleSplit evaluates the tuple-valued calls of one extend, project or
// print item list once per row: a first projection appends one hidden
// column per call to the input, and the operator's own expressions take
// the outputs from it.
type tupleSplit struct {
	in    Node
	width int
	temps []Expr
}

func newTupleSplit(in Node) *tupleSplit {
	return &tupleSplit{in: in, width: len(in.Schema())}
}

// add registers a tuple-valued call and returns a reference to the hidden
// column that will hold its outputs.
func (t *tupleSplit) add(call *Call) Expr {
	t.temps = append(t.temps, call)
	i := t.width + len(t.temps) - 1
	return &ColumnRef{Index: i, Name: fmt.Sprintf("__tuple%d", len(t.temps)), T: types.Dynamic, Pos: call.Pos}
}

// input returns the node the operator's expressions read: the original
// input, or a projection of it with the hidden columns appended.
func (t *tupleSplit) input() Node {
	if len(t.temps) == 0 {
		return t.in
	}
	p := &Project{Input: t.in}
	for i, f := range t.in.Schema() {
		p.Exprs = append(p.Exprs, &ColumnRef{Index: i, Name: f.Name, T: f.Type})
		p.Columns = append(p.Columns, f)
	}
	for i, e := range t.temps {
		p.Exprs = append(p.Exprs, e)
		p.Columns = append(p.Columns, table.Field{Name: fmt.Sprintf("__tuple%d", i+1), Type: types.Dynamic})
	}
	return p
}

// tupleColumn is one column produced by a tuple-valued item.
type tupleColumn struct {
	Name string
	X    Expr
	T    types.Type
}

// asTupleCall reports whether e is a call of a tuple-valued function.
func asTupleCall(e Expr) (*Call, bool) {
	c, ok := e.(*Call)
	if !ok || c.Func == nil || c.Func.Outputs == nil {
		return nil, false
	}
	return c, true
}

// tupleColumns returns the columns of the tuple-valued item c bound to
// call. Unnamed, every output gets Kusto's default name. With names, extend
// keeps only the named outputs, while project and print keep the rest under
// their default names (as the series_fit_2lines documentation describes).
func (b *binder) tupleColumns(c *ast.NamedExpr, call *Call, ref Expr, keepRest bool) ([]tupleColumn, bool) {
	f := call.Func
	outs := f.Outputs
	if len(c.Names) > len(outs) {
		b.errorf(c.Pos, "%d names are assigned but %s returns %d columns", len(c.Names), call.Name, len(outs))
		return nil, false
	}
	argName := ""
	if x, ok := unparen(c.X).(*ast.CallExpr); ok && len(x.Args) > 0 {
		argName = exprName(x.Args[0])
	}
	n := len(outs)
	if len(c.Names) > 0 && !keepRest {
		n = len(c.Names)
	}
	var cols []tupleColumn
	for i := 0; i < n; i++ {
		o := outs[i]
		name := f.DefaultOutputName(argName, o)
		if i < len(c.Names) {
			name = c.Names[i].Name
		}
		x := &Call{Name: TupleItem, Args: []Expr{ref, &Const{V: types.NewLong(int64(i)), Pos: call.Pos}}, T: o.Type, Pos: call.Pos}
		cols = append(cols, tupleColumn{Name: name, X: x, T: o.Type})
	}
	return cols, true
}

// checkSeriesArgs rejects series calls that rmmhunt does not compute
// exactly: automatic period detection (Seasonality -1, the default) and a
// period that is not a constant.
func (b *binder) checkSeriesArgs(name string, args []Expr, argTypes []types.Type) string {
	period := -1
	switch name {
	case "series_seasonal", "series_decompose":
		period = 1
	case "series_decompose_forecast":
		period = 2
	case "series_add", "series_subtract", "series_multiply", "series_divide", "series_pow",
		"series_equals", "series_not_equals", "series_greater", "series_greater_equals", "series_less",
		"series_less_equals", "series_dot_product":
		return ""
	default:
		return ""
	}
	if period >= len(args) {
		return "automatic period detection (the default Seasonality -1) is not supported yet: Kusto's series_periods_detect is not documented exactly; give the period in bins, or 0 for none"
	}
	v, ok := fold(args[period])
	if !ok {
		return "the period (Seasonality) must be a constant"
	}
	if !v.Null && v.Type.IsNumeric() && v.I == -1 && v.Type.UsesInts() {
		return "automatic period detection (Seasonality -1) is not supported yet: Kusto's series_periods_detect is not documented exactly; give the period in bins, or 0 for none"
	}
	return ""
}

// seriesOperandError checks the operands of the element-wise series
// functions: arrays or numbers, at least one of them an array.
func seriesOperandError(a []types.Type) string {
	dyn := false
	for i, t := range a {
		switch {
		case t == types.Dynamic || t == types.Null:
			dyn = true
		case t.IsNumeric():
		default:
			return fmt.Sprintf("argument %d must be a numeric array or a number, got %s", i+1, t)
		}
	}
	if !dyn {
		return "at least one argument must be a dynamic array"
	}
	return ""
}

// bindProjectItem binds one item of project or print. A tuple-valued call
// adds all its columns to p itself (done); otherwise the bound expression
// is returned for the caller to name. ok is false when binding failed
// (done is then true as well).
func (b *binder) bindProjectItem(sc *scope, row *rowScope, c *ast.NamedExpr, p *Project, ts *tupleSplit, names *nameSet) (e Expr, done, ok bool) {
	b.tupleOK = true
	e = b.bindScalar(sc, row, c.X)
	if isUnknown(e) {
		return nil, true, false
	}
	call, isTuple := asTupleCall(e)
	if !isTuple {
		return e, false, true
	}
	cols, ok := b.tupleColumns(c, call, ts.add(call), true)
	for _, tc := range cols {
		p.Exprs = append(p.Exprs, tc.X)
		p.Columns = append(p.Columns, table.Field{Name: names.add(tc.Name), Type: tc.T})
	}
	return nil, true, ok
}
