package engine

import (
	"github.com/rmmhunt/rmmhunt/kql/binder"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/table"
)

// kernel evaluates calls that have a vectorised form. It reports ok=false
// when the generic row loop must be used.
func (ev *evaluator) kernel(x *binder.Call, args []*operand, n int) (*table.Column, bool, error) {
	if len(args) == 2 && args[1].isConst && !args[0].isConst {
		if pred, neg := stringPredicate(x.Name); pred != nil {
			if tn, ok := termNeedleOf(x.Name, args[1]); ok {
				// The needle folded once, not once per value.
				pred = func(h, _ string) bool { return tn.in(h) }
			}
			return stringKernel(args[0], args[1], pred, neg, n), true, nil
		}
		if x.Name == "matches regex" {
			re, err := ev.run.regex(args[1].v.String())
			if err != nil {
				return nil, true, err
			}
			return stringKernel(args[0], args[1], func(h, _ string) bool { return re.MatchString(h) }, false, n), true, nil
		}
		switch x.Name {
		case "==", "!=", "<", "<=", ">", ">=":
			if c, ok := compareConstKernel(x.Name, args[0], args[1].v, n); ok {
				return c, true, nil
			}
		}
	}
	return nil, false, nil
}

// stringKernel applies a string predicate with a constant right side. A
// dictionary-encoded column is decided once per distinct value. A null left
// side (dynamic null) is false, or true for the negated operator.
func stringKernel(hay, needleOp *operand, pred func(h, n string) bool, neg bool, n int) *table.Column {
	needle := needleOp.v.String()
	if needleOp.v.Null {
		// One null operand: false, or true when negated.
		return boolColumn(n, func(int) bool { return neg })
	}
	c := hay.col
	if c.Dict != nil {
		return dictPredicate(c, n, func(s string) bool { return pred(s, needle) != neg })
	}
	if c.Type == types.String || c.Type == types.Guid {
		return boolColumn(n, func(i int) bool { return pred(c.Strs[i], needle) != neg })
	}
	return boolColumn(n, func(i int) bool {
		if hay.isNull(i) {
			return neg
		}
		return pred(hay.text(i), needle) != neg
	})
}

// termNeedleOf prepares the constant needle of a case-insensitive has,
// hasprefix or hassuffix (negated or not).
func termNeedleOf(op string, needle *operand) (*termNeedle, bool) {
	if needle.v.Null {
		return nil, false
	}
	var left, right bool
	switch op {
	case "has", "!has":
		left, right = true, true
	case "hasprefix", "!hasprefix":
		left = true
	case "hassuffix", "!hassuffix":
		right = true
	default:
		return nil, false
	}
	tn := newTermNeedle(needle.v.String(), false, left, right)
	return &tn, true
}

// dictPredicate evaluates pred over a dictionary-encoded column, once per
// distinct value. A batch with fewer rows than its dictionary has values
// (rows taken from a larger batch) decides only the values its rows use,
// as they are met.
func dictPredicate(c *table.Column, n int, pred func(string) bool) *table.Column {
	out := &table.Column{Type: types.Bool, Ints: make([]int64, n)}
	codes := c.Codes[:n]
	if n >= len(c.Dict) {
		memo := make([]int64, len(c.Dict))
		for i, s := range c.Dict {
			if pred(s) {
				memo[i] = 1
			}
		}
		for i, k := range codes {
			out.Ints[i] = memo[k]
		}
		return out
	}
	memo := make([]int8, len(c.Dict)) // 0: not decided yet, 1: false, 2: true
	for i, k := range codes {
		m := memo[k]
		if m == 0 {
			m = 1
			if pred(c.Dict[k]) {
				m = 2
			}
			memo[k] = m
		}
		out.Ints[i] = int64(m - 1)
	}
	return out
}

// compareConstKernel compares an integer-backed column (long, int,
// datetime, timespan) with a constant of a compatible type.
func compareConstKernel(op string, col *operand, v types.Value, n int) (*table.Column, bool) {
	c := col.col
	if !c.Type.UsesInts() || c.Type == types.Bool || !v.Type.UsesInts() || v.Type == types.Bool {
		return nil, false
	}
	if (c.Type == types.Datetime) != (v.Type == types.Datetime) || (c.Type == types.Timespan) != (v.Type == types.Timespan) {
		return nil, false
	}
	out := &table.Column{Type: types.Bool, Ints: make([]int64, n)}
	if v.Null {
		// Equality with one null side is false; != is true; ordering is null.
		for i := 0; i < n; i++ {
			switch op {
			case "!=":
				out.Ints[i] = 1
			case "==":
			default:
				if out.Nulls == nil {
					out.Nulls = make([]bool, n)
				}
				out.Nulls[i] = true
			}
		}
		return out, true
	}
	k := v.I
	ints := c.Ints
	var cmp func(a int64) bool
	switch op {
	case "==":
		cmp = func(a int64) bool { return a == k }
	case "!=":
		cmp = func(a int64) bool { return a != k }
	case "<":
		cmp = func(a int64) bool { return a < k }
	case "<=":
		cmp = func(a int64) bool { return a <= k }
	case ">":
		cmp = func(a int64) bool { return a > k }
	case ">=":
		cmp = func(a int64) bool { return a >= k }
	}
	for i := 0; i < n; i++ {
		if c.Nulls != nil && c.Nulls[i] {
			switch op {
			case "!=":
				out.Ints[i] = 1
			case "==":
			default:
				if out.Nulls == nil {
					out.Nulls = make([]bool, n)
				}
				out.Nulls[i] = true
			}
			continue
		}
		if cmp(ints[i]) {
			out.Ints[i] = 1
		}
	}
	return out, true
}

// evalBetween implements between / !between (inclusive on both ends).
func (ev *evaluator) evalBetween(x *binder.Between, b *table.Batch) (*table.Column, error) {
	v, err := ev.operand(x.X, b)
	if err != nil {
		return nil, err
	}
	lo, err := ev.operand(x.Lo, b)
	if err != nil {
		return nil, err
	}
	hi, err := ev.operand(x.Hi, b)
	if err != nil {
		return nil, err
	}
	n := b.N
	out := &table.Column{Type: types.Bool, Ints: make([]int64, n)}
	setNull := func(i int) {
		if out.Nulls == nil {
			out.Nulls = make([]bool, n)
		}
		out.Nulls[i] = true
	}
	// Fast path: integer-backed column between two integer constants.
	if !v.isConst && v.col.Type.UsesInts() && lo.isConst && hi.isConst && lo.v.Type.UsesInts() && hi.v.Type.UsesInts() {
		if lo.v.Null || hi.v.Null {
			for i := 0; i < n; i++ {
				setNull(i)
			}
			return out, nil
		}
		a, z := lo.v.I, hi.v.I
		ints, nulls := v.col.Ints, v.col.Nulls
		for i := 0; i < n; i++ {
			if nulls != nil && nulls[i] {
				setNull(i)
				continue
			}
			if in := ints[i] >= a && ints[i] <= z; in != x.Not {
				out.Ints[i] = 1
			}
		}
		return out, nil
	}
	for i := 0; i < n; i++ {
		xv, lv, hv := v.get(i), lo.get(i), hi.get(i)
		c1, ok1 := compareValues(xv, lv)
		c2, ok2 := compareValues(xv, hv)
		if !ok1 || !ok2 {
			setNull(i)
			continue
		}
		if in := c1 >= 0 && c2 <= 0; in != x.Not {
			out.Ints[i] = 1
		}
	}
	return out, nil
}
