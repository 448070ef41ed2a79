package binder

import (
	"github.com/rmmhunt/rmmhunt/kql/ast"
	"github.com/rmmhunt/rmmhunt/kql/types"
)

// windowFuncs are the window functions with their argument counts.
var windowFuncs = map[string][2]int{
	"row_number":     {0, 2},
	"prev":           {1, 3},
	"next":           {1, 3},
	"row_cumsum":     {1, 2},
	"row_rank_min":   {1, 2},
	"row_rank_dense": {1, 2},
}

// isWindowFunc reports whether name is a window function.
func isWindowFunc(name string) bool {
	_, ok := windowFuncs[name]
	return ok
}

// bindWindow binds a window function call. Whether the input is serialized
// is checked by the operator that holds it (checkWindows).
func (b *binder) bindWindow(sc *scope, row *rowScope, x *ast.CallExpr) Expr {
	name := x.Fun.Name
	arity := windowFuncs[name]
	if n := len(x.Args); n < arity[0] || n > arity[1] {
		b.errorf(x.Pos, "%s takes %d to %d arguments, got %d", name, arity[0], arity[1], n)
		return unknownExpr(x.Pos)
	}
	if row == nil {
		b.errorf(x.Pos, "%s can only be used over rows (extend, project, where)", name)
		return unknownExpr(x.Pos)
	}
	args := make([]Expr, len(x.Args))
	for i, a := range x.Args {
		args[i] = b.bindScalar(sc, row, a)
		if isUnknown(args[i]) {
			return unknownExpr(x.Pos)
		}
	}
	w := &Window{Name: name, Args: args, Pos: x.Pos}
	isBool := func(e Expr) bool {
		t := e.Type()
		return t == types.Bool || t == types.Dynamic || t == types.Null
	}
	switch name {
	case "row_number":
		w.T = types.Long
		if len(args) > 0 {
			if _, ok := fold(args[0]); !ok || !args[0].Type().IsInteger() {
				b.errorf(args[0].Span(), "row_number's starting index must be a constant integer")
				return unknownExpr(x.Pos)
			}
		}
		if len(args) > 1 && !isBool(args[1]) {
			b.errorf(args[1].Span(), "row_number's restart argument must be bool, got %s", args[1].Type())
			return unknownExpr(x.Pos)
		}
	case "prev", "next":
		w.T = args[0].Type()
		if w.T == types.Null {
			w.T = types.Dynamic
		}
		if len(args) > 1 {
			c, ok := fold(args[1])
			if !ok || !c.Type.IsInteger() || c.I < 0 {
				b.errorf(args[1].Span(), "the offset of %s must be a constant non-negative integer", name)
				return unknownExpr(x.Pos)
			}
		}
		if len(args) > 2 {
			// An integer default of a datetime or timespan column counts
			// ticks (next(Timestamp, 1, 0) is 0001-01-01).
			dt := args[2].Type()
			ticks := dt.IsInteger() && (w.T == types.Datetime || w.T == types.Timespan)
			if dt != w.T && dt != types.Null && !(dt.IsNumeric() && w.T.IsNumeric()) && w.T != types.Dynamic && !ticks {
				b.errorf(args[2].Span(), "the default of %s must be %s, got %s", name, w.T, dt)
				return unknownExpr(x.Pos)
			}
		}
	case "row_cumsum":
		t := args[0].Type()
		switch {
		case t == types.Int || t == types.Long:
			w.T = types.Long
		case t == types.Real || t == types.Decimal || t == types.Timespan:
			w.T = t
		default:
			b.errorf(args[0].Span(), "row_cumsum needs a number, got %s", t)
			return unknownExpr(x.Pos)
		}
		if len(args) > 1 && !isBool(args[1]) {
			b.errorf(args[1].Span(), "row_cumsum's restart argument must be bool, got %s", args[1].Type())
			return unknownExpr(x.Pos)
		}
	case "row_rank_min", "row_rank_dense":
		w.T = types.Long
		if args[0].Type() == types.Dynamic {
			b.errorf(args[0].Span(), "%s cannot order dynamic values", name)
			return unknownExpr(x.Pos)
		}
		if len(args) > 1 && !isBool(args[1]) {
			b.errorf(args[1].Span(), "%s's restart argument must be bool, got %s", name, args[1].Type())
			return unknownExpr(x.Pos)
		}
	}
	return w
}

// windowIn returns the first window function call inside e, or nil.
func windowIn(e Expr) *Window {
	switch x := e.(type) {
	case *Window:
		return x
	case *Call:
		for _, a := range x.Args {
			if w := windowIn(a); w != nil {
				return w
			}
		}
	case *InList:
		if w := windowIn(x.X); w != nil {
			return w
		}
		for _, it := range x.Items {
			if w := windowIn(it); w != nil {
				return w
			}
		}
	case *Between:
		for _, a := range []Expr{x.X, x.Lo, x.Hi} {
			if w := windowIn(a); w != nil {
				return w
			}
		}
	}
	return nil
}

// serialized reports whether n's rows are serialized: produced by sort,
// top or serialize, then kept in order by operators that preserve it.
func serialized(n Node) bool {
	for {
		switch x := n.(type) {
		case *Sort, *Top, *Serialize:
			return true
		case *Project:
			n = x.Input
		case *Filter:
			n = x.Input
		case *Take:
			n = x.Input
		case *MvExpand:
			n = x.Input
		case *Parse:
			n = x.Input
		case *Materialize:
			n = x.Input
		default:
			return false
		}
	}
}

// checkWindows marks the operators between out and in (the nodes one
// pipeline operator produced) that use window functions, after checking
// that their input is serialized.
func (b *binder) checkWindows(in, out Node) bool {
	for n := out; n != nil && n != in; {
		var w *Window
		var next Node
		switch x := n.(type) {
		case *Project:
			for _, e := range x.Exprs {
				if w = windowIn(e); w != nil {
					x.Window = true
					break
				}
			}
			next = x.Input
		case *Filter:
			w = windowIn(x.Pred)
			x.Window = w != nil
			next = x.Input
		default:
			if w := windowInNode(n); w != nil {
				b.errorf(w.Pos, "%s can only be used in extend, project and where", w.Name)
				return false
			}
			return true
		}
		if w != nil && !serialized(next) {
			b.errorf(w.Pos, "%s needs a serialized row set: sort the rows, or add | serialize before this operator", w.Name)
			return false
		}
		n = next
	}
	return true
}

// windowInNode returns a window function used by an operator that cannot
// evaluate one (summarize, sort, distinct, ...), or nil.
func windowInNode(n Node) *Window {
	var exprs []Expr
	switch x := n.(type) {
	case *Summarize:
		exprs = append(exprs, x.Keys...)
		for _, a := range x.Aggs {
			exprs = append(exprs, a.Args...)
			exprs = append(exprs, a.Extra...)
		}
	case *Sort:
		for _, k := range x.Keys {
			exprs = append(exprs, k.X)
		}
	case *Top:
		for _, k := range x.Keys {
			exprs = append(exprs, k.X)
		}
	case *Distinct:
		exprs = x.Exprs
	case *MvExpand:
		exprs = x.Exprs
	case *Parse:
		exprs = []Expr{x.X}
	case *Join:
		exprs = append(append(exprs, x.LeftKeys...), x.RightKeys...)
	}
	for _, e := range exprs {
		if w := windowIn(e); w != nil {
			return w
		}
	}
	return nil
}
