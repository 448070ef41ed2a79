package engine

import (
	"fmt"
	"regexp"

	"github.com/rmmhunt/rmmhunt/kql/binder"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/table"
)

// operand is an evaluated argument: a column, or a constant for every row.
type operand struct {
	col     *table.Column
	isConst bool
	v       types.Value
	t       types.Type
}

func (o *operand) get(i int) types.Value {
	if o.isConst {
		return o.v
	}
	return o.col.Get(i)
}

// text returns row i as text (tostring semantics) without allocating for
// string columns.
func (o *operand) text(i int) string {
	if o.isConst {
		return o.v.String()
	}
	c := o.col
	if c.Type == types.String || c.Type == types.Guid {
		return c.Str(i)
	}
	if c.Type == types.Dynamic {
		return types.DynamicText(c.Dyn[i])
	}
	return c.Get(i).String()
}

func (o *operand) isNull(i int) bool {
	if o.isConst {
		return o.v.Null
	}
	return o.col.IsNull(i)
}

// column materialises the operand as a column of n rows.
func (o *operand) column(n int) *table.Column {
	if o.isConst {
		return table.Const(o.t, o.v, n)
	}
	return o.col
}

// evaluator evaluates bound expressions over batches for one query run.
type evaluator struct {
	run *runState
}

// operand evaluates e over batch b.
func (ev *evaluator) operand(e binder.Expr, b *table.Batch) (*operand, error) {
	if v, ok := ev.constant(e); ok {
		t := e.Type()
		if t == types.Null {
			t = types.Dynamic
		}
		return &operand{isConst: true, v: v, t: t}, nil
	}
	c, err := ev.eval(e, b)
	if err != nil {
		return nil, err
	}
	return &operand{col: c, t: c.Type}, nil
}

// constant returns the value of an expression that does not depend on the
// row (literals, now(), ago(), toscalar results, and calls over those).
func (ev *evaluator) constant(e binder.Expr) (types.Value, bool) {
	switch x := e.(type) {
	case *binder.Const:
		return x.V, true
	case *binder.Now:
		now := ev.run.now
		if x.Offset != nil {
			off, ok := ev.constant(x.Offset)
			if !ok {
				return types.Value{}, false
			}
			if off.Null {
				return types.NullOf(types.Datetime), true
			}
			if x.Neg {
				now -= off.I
			} else {
				now += off.I
			}
		}
		return types.NewDatetime(now), true
	case *binder.Scalar:
		v, err := ev.run.scalar(x)
		if err != nil {
			return types.Value{}, false
		}
		return v, true
	case *binder.Call:
		if x.Func != nil && x.Func.Volatile {
			return types.Value{}, false
		}
		ev.run.mu.Lock()
		v, ok := ev.run.constCache[x]
		ev.run.mu.Unlock()
		if ok {
			return v, true
		}
		args := make([]types.Value, len(x.Args))
		for i, a := range x.Args {
			v, ok := ev.constant(a)
			if !ok {
				return types.Value{}, false
			}
			args[i] = v
		}
		v, err := ev.callScalar(x, args)
		if err != nil {
			return types.Value{}, false
		}
		ev.run.mu.Lock()
		ev.run.constCache[x] = v
		ev.run.mu.Unlock()
		return v, true
	}
	return types.Value{}, false
}

// eval evaluates e over batch b into a column of b.N rows.
func (ev *evaluator) eval(e binder.Expr, b *table.Batch) (*table.Column, error) {
	switch x := e.(type) {
	case *binder.ColumnRef:
		return b.Cols[x.Index], nil
	case *binder.Const, *binder.Now, *binder.Scalar:
		v, ok := ev.constant(e)
		if !ok {
			if s, isScalar := e.(*binder.Scalar); isScalar {
				_, err := ev.run.scalar(s)
				return nil, err
			}
			return nil, fmt.Errorf("cannot evaluate %T", e)
		}
		t := e.Type()
		if t == types.Null {
			t = types.Dynamic
		}
		return table.Const(t, v, b.N), nil
	case *binder.Call:
		if v, ok := ev.constant(x); ok {
			return table.Const(x.T, v, b.N), nil
		}
		return ev.evalCall(x, b)
	case *binder.Between:
		return ev.evalBetween(x, b)
	case *binder.InList:
		return ev.evalIn(x, b)
	case *binder.Window:
		return ev.evalWindow(x, b)
	}
	return nil, fmt.Errorf("engine: cannot evaluate %T", e)
}

// evalCall evaluates operators and functions, using a vector kernel where
// one exists and the generic row loop otherwise.
func (ev *evaluator) evalCall(x *binder.Call, b *table.Batch) (*table.Column, error) {
	switch x.Name {
	case "and", "or":
		return ev.evalLogic(x, b)
	case "not":
		a, err := ev.eval(x.Args[0], b)
		if err != nil {
			return nil, err
		}
		return notColumn(a), nil
	}
	args := make([]*operand, len(x.Args))
	for i, a := range x.Args {
		o, err := ev.operand(a, b)
		if err != nil {
			return nil, err
		}
		args[i] = o
	}
	if c, ok, err := ev.kernel(x, args, b.N); ok || err != nil {
		return c, err
	}
	out := table.NewColumn(x.T, b.N)
	vals := make([]types.Value, len(args))
	for i := 0; i < b.N; i++ {
		for j, a := range args {
			vals[j] = a.get(i)
		}
		v, err := ev.callScalar(x, vals)
		if err != nil {
			return nil, err
		}
		out.Append(coerce(v, x.T))
	}
	return out, nil
}

// coerce converts v to the declared result type t where they differ in
// representation (e.g. an int result of a long-typed call).
func coerce(v types.Value, t types.Type) types.Value {
	if v.Type == t {
		return v
	}
	if v.Null || v.Type == types.Null {
		return types.NullOf(t)
	}
	switch {
	case t == types.Dynamic:
		return types.NewDynamic(v.ToDynamic())
	case t.UsesReals() && v.Type.UsesInts():
		return types.Value{Type: t, F: float64(v.I)}
	case t.UsesInts() && v.Type.UsesReals():
		return types.Value{Type: t, I: int64(v.F)}
	case t.UsesStrings():
		return types.Value{Type: t, S: v.String()}
	}
	v.Type = t
	return v
}

// evalLogic implements and/or with Kusto's null rules: false wins for and,
// true wins for or.
func (ev *evaluator) evalLogic(x *binder.Call, b *table.Batch) (*table.Column, error) {
	l, err := ev.eval(x.Args[0], b)
	if err != nil {
		return nil, err
	}
	// Short-circuit whole batches: and over an all-false left side.
	r, err := ev.eval(x.Args[1], b)
	if err != nil {
		return nil, err
	}
	n := b.N
	out := &table.Column{Type: types.Bool, Ints: make([]int64, n)}
	get := func(c *table.Column, i int) (bool, bool) {
		if c.IsNull(i) {
			return false, true
		}
		if c.Type == types.Dynamic {
			v, ok := c.Dyn[i].(bool)
			return v, !ok
		}
		return c.Ints[i] != 0, false
	}
	isAnd := x.Name == "and"
	for i := 0; i < n; i++ {
		lv, ln := get(l, i)
		rv, rn := get(r, i)
		var v, null bool
		if isAnd {
			switch {
			case !ln && !lv || !rn && !rv:
				v = false
			case ln || rn:
				null = true
			default:
				v = true
			}
		} else {
			switch {
			case !ln && lv || !rn && rv:
				v = true
			case ln || rn:
				null = true
			default:
				v = false
			}
		}
		if null {
			if out.Nulls == nil {
				out.Nulls = make([]bool, n)
			}
			out.Nulls[i] = true
		} else if v {
			out.Ints[i] = 1
		}
	}
	return out, nil
}

func notColumn(a *table.Column) *table.Column {
	n := a.Len()
	out := &table.Column{Type: types.Bool, Ints: make([]int64, n)}
	for i := 0; i < n; i++ {
		if a.IsNull(i) {
			if out.Nulls == nil {
				out.Nulls = make([]bool, n)
			}
			out.Nulls[i] = true
			continue
		}
		var v bool
		if a.Type == types.Dynamic {
			bv, ok := a.Dyn[i].(bool)
			if !ok {
				if out.Nulls == nil {
					out.Nulls = make([]bool, n)
				}
				out.Nulls[i] = true
				continue
			}
			v = bv
		} else {
			v = a.Ints[i] != 0
		}
		if !v {
			out.Ints[i] = 1
		}
	}
	return out
}

// boolColumn builds a bool column from per-row results (no nulls).
func boolColumn(n int, f func(i int) bool) *table.Column {
	out := &table.Column{Type: types.Bool, Ints: make([]int64, n)}
	for i := 0; i < n; i++ {
		if f(i) {
			out.Ints[i] = 1
		}
	}
	return out
}

// regexCache compiles each constant pattern once per run.
func (r *runState) regex(pattern string) (*regexp.Regexp, error) {
	r.mu.Lock()
	re, ok := r.regexes[pattern]
	r.mu.Unlock()
	if ok {
		return re, nil
	}
	re, err := binder.CompileRegex(pattern)
	if err != nil {
		return nil, fmt.Errorf("invalid regular expression %q: %v", pattern, err)
	}
	r.mu.Lock()
	r.regexes[pattern] = re
	r.mu.Unlock()
	return re, nil
}
