package engine

import (
	"github.com/rmmhunt/rmmhunt/kql/binder"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/table"
)

// mvExpand expands every batch of the input.
func (r *runState) mvExpand(x *binder.MvExpand) (BatchIterator, error) {
	in, err := r.iter(x.Input)
	if err != nil {
		return nil, err
	}
	ex := newExpander(x)
	return iterFunc(func() (*table.Batch, error) {
		for {
			b, err := in.Next()
			if b == nil || err != nil {
				return nil, err
			}
			if err := r.ctx.Err(); err != nil {
				return nil, err
			}
			out, err := ex.expand(r, b)
			if err != nil {
				return nil, err
			}
			if out.N > 0 {
				return out, nil
			}
		}
	}), nil
}

// expander holds the scratch slices of one mv-expand, reused across
// batches.
type expander struct {
	x      *binder.MvExpand
	vals   [][]any
	counts []int
	rowIdx []int
	elem   []int
}

func newExpander(x *binder.MvExpand) *expander {
	return &expander{x: x, vals: make([][]any, len(x.Exprs))}
}

// elemCount is how many rows a dynamic value expands to: the length of an
// array or bag, and one for null or any other value.
func elemCount(d any) int {
	switch v := d.(type) {
	case []any:
		return len(v)
	case *types.Bag:
		return v.Len()
	}
	return 1
}

// element returns element i of a dynamic value (see elemCount); a bag
// property is a single-property bag, or a [key, value] array when
// bagArray is set.
func element(d any, i int, bagArray bool) any {
	switch v := d.(type) {
	case []any:
		return v[i]
	case *types.Bag:
		if bagArray {
			return []any{v.Keys[i], v.Vals[i]}
		}
		one := types.NewBag()
		one.Set(v.Keys[i], v.Vals[i])
		return one
	}
	return d
}

// expand expands one batch.
func (e *expander) expand(r *runState, b *table.Batch) (*table.Batch, error) {
	x := e.x
	for k, ex := range x.Exprs {
		c, err := r.ev.eval(ex, b)
		if err != nil {
			return nil, err
		}
		vals := e.vals[k][:0]
		if cap(vals) < b.N {
			vals = make([]any, 0, b.N)
		}
		for i := 0; i < b.N; i++ {
			if c.IsNull(i) {
				vals = append(vals, nil)
				continue
			}
			switch {
			case c.Type == types.Dynamic:
				vals = append(vals, c.Dyn[i])
			default:
				vals = append(vals, c.Get(i).ToDynamic())
			}
		}
		e.vals[k] = vals
	}
	// Rows per input row, then the (row, element) of each output row.
	counts := e.counts[:0]
	total := 0
	for i := 0; i < b.N; i++ {
		n := 0
		for k := range x.Exprs {
			if c := elemCount(e.vals[k][i]); c > n {
				n = c
			}
		}
		if int64(n) > x.Limit {
			n = int(x.Limit)
		}
		counts = append(counts, n)
		total += n
	}
	e.counts = counts
	if cap(e.rowIdx) < total {
		e.rowIdx, e.elem = make([]int, 0, total), make([]int, 0, total)
	}
	e.rowIdx, e.elem = e.rowIdx[:0], e.elem[:0]
	for i, n := range counts {
		for j := 0; j < n; j++ {
			e.rowIdx = append(e.rowIdx, i)
			e.elem = append(e.elem, j)
		}
	}
	n := total
	out := &table.Batch{Schema: x.Columns, Cols: make([]*table.Column, len(x.Columns)), N: n}
	for j, f := range x.Columns {
		switch {
		case x.Pass[j] >= 0:
			out.Cols[j] = b.Cols[x.Pass[j]].Take(e.rowIdx)
		case j == x.IndexCol:
			c := &table.Column{Type: types.Long, Ints: make([]int64, n)}
			for i, el := range e.elem {
				c.Ints[i] = int64(el)
			}
			out.Cols[j] = c
		default:
			k := x.Expand[j]
			out.Cols[j] = e.expandedColumn(k, f.Type)
		}
	}
	return out, nil
}

// expandedColumn builds the column of expanded value k for the rows in
// rowIdx/elem, converting elements to t.
func (e *expander) expandedColumn(k int, t types.Type) *table.Column {
	n := len(e.rowIdx)
	vals := e.vals[k]
	bagArray := e.x.BagArray
	if t == types.Dynamic {
		c := &table.Column{Type: types.Dynamic, Dyn: make([]any, n)}
		for i, row := range e.rowIdx {
			d := vals[row]
			if el := e.elem[i]; el < elemCount(d) {
				c.Dyn[i] = element(d, el, bagArray)
			}
		}
		for i, d := range c.Dyn {
			if d == nil {
				if c.Nulls == nil {
					c.Nulls = make([]bool, n)
				}
				c.Nulls[i] = true
			}
		}
		return c
	}
	c := table.NewColumn(t, n)
	if t.UsesInts() || t.UsesReals() {
		// Typed numbers, datetimes and timespans: written in place.
		if t.UsesInts() {
			c.Ints = c.Ints[:n]
		} else {
			c.Reals = c.Reals[:n]
		}
		for i, row := range e.rowIdx {
			d := vals[row]
			var v types.Value
			if el := e.elem[i]; el < elemCount(d) {
				if x := element(d, el, bagArray); x != nil {
					v = castElement(x, t)
				} else {
					v = types.NullOf(t)
				}
			} else {
				v = types.NullOf(t)
			}
			if v.Null {
				if c.Nulls == nil {
					c.Nulls = make([]bool, n)
				}
				c.Nulls[i] = true
				continue
			}
			if t.UsesInts() {
				c.Ints[i] = v.I
			} else {
				c.Reals[i] = v.F
			}
		}
		return c
	}
	for i, row := range e.rowIdx {
		d := vals[row]
		el := e.elem[i]
		if el >= elemCount(d) {
			c.AppendNull()
			continue
		}
		v := element(d, el, bagArray)
		if v == nil {
			c.AppendNull()
			continue
		}
		c.Append(castElement(v, t))
	}
	return c
}

// castElement applies `to typeof(t)` to one element: a cast, not a parse.
// Numbers convert between numeric types (truncating toward zero for
// integers), any scalar casts to string, datetimes, timespans and guids
// may be given as their text; anything else that does not conform is null.
func castElement(d any, t types.Type) types.Value {
	switch {
	case t.IsNumeric():
		switch d.(type) {
		case int64, float64:
			return convertTo(types.NewDynamic(d), t)
		}
		return types.NullOf(t)
	case t == types.Bool:
		if b, ok := d.(bool); ok {
			return types.NewBool(b)
		}
		return types.NullOf(t)
	}
	return convertTo(types.NewDynamic(d), t)
}
