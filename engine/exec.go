package engine

import (
	"sort"

	"github.com/rmmhunt/rmmhunt/kql/binder"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/table"
)

type iterFunc func() (*table.Batch, error)

func (f iterFunc) Next() (*table.Batch, error) { return f() }

// sliceIter yields a fixed list of batches.
func sliceIter(bs []*table.Batch) BatchIterator {
	i := 0
	return iterFunc(func() (*table.Batch, error) {
		if i >= len(bs) {
			return nil, nil
		}
		i++
		return bs[i-1], nil
	})
}

// iter builds the iterator of a bound node.
func (r *runState) iter(n binder.Node) (BatchIterator, error) {
	if err := r.ctx.Err(); err != nil {
		return nil, err
	}
	switch x := n.(type) {
	case *binder.Scan:
		return r.src.Scan(r.ctx, r.scanRequest(x))
	case *binder.Values:
		b := table.NewBatch(x.Columns, len(x.Rows))
		for _, row := range x.Rows {
			b.AppendRow(row)
		}
		return sliceIter([]*table.Batch{b}), nil
	case *binder.Filter:
		if x.Window {
			b, err := r.single(x.Input)
			if err != nil {
				return nil, err
			}
			out, err := r.filter(b, x.Pred)
			if err != nil {
				return nil, err
			}
			return sliceIter([]*table.Batch{out}), nil
		}
		if in, preds, ok, err := r.lateScan(x); ok {
			if err != nil {
				return nil, err
			}
			if f, ok := in.(FilteredIterator); ok && f.FilterApplied() {
				return in, nil
			}
			return iterFunc(func() (*table.Batch, error) {
				for {
					b, err := in.Next()
					if b == nil || err != nil {
						return nil, err
					}
					if err := r.ctx.Err(); err != nil {
						return nil, err
					}
					for _, p := range preds {
						if b, err = r.filter(b, p); err != nil {
							return nil, err
						}
					}
					if b.N > 0 {
						return b, nil
					}
				}
			}), nil
		}
		in, err := r.iter(x.Input)
		if err != nil {
			return nil, err
		}
		return iterFunc(func() (*table.Batch, error) {
			for {
				b, err := in.Next()
				if b == nil || err != nil {
					return nil, err
				}
				if err := r.ctx.Err(); err != nil {
					return nil, err
				}
				out, err := r.filter(b, x.Pred)
				if err != nil {
					return nil, err
				}
				if out.N > 0 {
					return out, nil
				}
			}
		}), nil
	case *binder.Project:
		if x.Window {
			b, err := r.single(x.Input)
			if err != nil {
				return nil, err
			}
			out, err := r.project(b, x.Exprs, x.Columns)
			if err != nil {
				return nil, err
			}
			return sliceIter([]*table.Batch{out}), nil
		}
		in, err := r.iter(x.Input)
		if err != nil {
			return nil, err
		}
		return iterFunc(func() (*table.Batch, error) {
			b, err := in.Next()
			if b == nil || err != nil {
				return nil, err
			}
			return r.project(b, x.Exprs, x.Columns)
		}), nil
	case *binder.Take:
		in, err := r.iter(x.Input)
		if err != nil {
			return nil, err
		}
		left := x.N
		return iterFunc(func() (*table.Batch, error) {
			if left <= 0 {
				return nil, nil
			}
			b, err := in.Next()
			if b == nil || err != nil {
				return nil, err
			}
			if int64(b.N) > left {
				b = sliceBatch(b, 0, int(left))
			}
			left -= int64(b.N)
			return b, nil
		}), nil
	case *binder.Summarize:
		t, err := r.summarize(x)
		if err != nil {
			return nil, err
		}
		return sliceIter(t.Batches), nil
	case *binder.Sort:
		b, err := r.sorted(x.Input, x.Keys)
		if err != nil {
			return nil, err
		}
		return sliceIter([]*table.Batch{b}), nil
	case *binder.Top:
		b, err := r.sorted(x.Input, x.Keys)
		if err != nil {
			return nil, err
		}
		if int64(b.N) > x.N {
			b = sliceBatch(b, 0, int(x.N))
		}
		return sliceIter([]*table.Batch{b}), nil
	case *binder.Count:
		t, err := r.exec(x.Input)
		if err != nil {
			return nil, err
		}
		b := table.NewBatch(x.Schema(), 1)
		b.AppendRow([]types.Value{types.NewLong(int64(t.Rows()))})
		return sliceIter([]*table.Batch{b}), nil
	case *binder.Distinct:
		return r.distinct(x)
	case *binder.Union:
		return r.union(x)
	case *binder.Join:
		b, err := r.join(x)
		if err != nil {
			return nil, err
		}
		return sliceIter([]*table.Batch{b}), nil
	}
	return r.iterMore(n)
}

func binder2Scan(x *binder.Scan) ScanRequest {
	return ScanRequest{Table: x.Table, Columns: x.Columns, Sources: x.Source}
}

// filter keeps the rows of b where pred is true.
func (r *runState) filter(b *table.Batch, pred binder.Expr) (*table.Batch, error) {
	c, err := r.ev.eval(pred, b)
	if err != nil {
		return nil, err
	}
	sel := selection(c, b.N, nil)
	if len(sel) == b.N {
		return b, nil
	}
	return b.Take(sel), nil
}

// selection returns the rows where the predicate result c is true: their
// indexes, or base[i] for row i when base is set. It is sized by a first
// count, so that a selective predicate allocates little.
func selection(c *table.Column, n int, base []int) []int {
	k := 0
	for i := 0; i < n; i++ {
		if truth(c, i) {
			k++
		}
	}
	sel := make([]int, 0, k)
	for i := 0; i < n && len(sel) < k; i++ {
		if truth(c, i) {
			if base != nil {
				sel = append(sel, base[i])
			} else {
				sel = append(sel, i)
			}
		}
	}
	return sel
}

// project computes exprs over b.
func (r *runState) project(b *table.Batch, exprs []binder.Expr, cols table.Schema) (*table.Batch, error) {
	out := &table.Batch{Schema: cols, Cols: make([]*table.Column, len(exprs)), N: b.N}
	for i, e := range exprs {
		c, err := r.ev.eval(e, b)
		if err != nil {
			return nil, err
		}
		if c.Type != cols[i].Type {
			c = castColumn(c, cols[i].Type)
		}
		out.Cols[i] = c
	}
	return out, nil
}

// castColumn converts a column to type t (used where a result's declared type
// differs from the value's representation, e.g. null literals).
func castColumn(c *table.Column, t types.Type) *table.Column {
	n := c.Len()
	out := table.NewColumn(t, n)
	for i := 0; i < n; i++ {
		out.Append(coerce(c.Get(i), t))
	}
	return out
}

func sliceBatch(b *table.Batch, from, to int) *table.Batch {
	out := &table.Batch{Schema: b.Schema, Cols: make([]*table.Column, len(b.Cols)), N: to - from}
	for i, c := range b.Cols {
		out.Cols[i] = c.Slice(from, to)
	}
	return out
}

// concat merges all batches of t into one.
func concat(t *table.Table) *table.Batch {
	if len(t.Batches) == 1 {
		return t.Batches[0]
	}
	out := table.NewBatch(t.Schema, t.Rows())
	for _, b := range t.Batches {
		for j, c := range b.Cols {
			dst := out.Cols[j]
			for i := 0; i < b.N; i++ {
				dst.Append(coerce(c.Get(i), dst.Type))
			}
		}
		out.N += b.N
	}
	return out
}

// sorted materialises input and orders it by keys (stable).
func (r *runState) sorted(input binder.Node, keys []binder.SortKey) (*table.Batch, error) {
	t, err := r.exec(input)
	if err != nil {
		return nil, err
	}
	b := concat(t)
	if b.N == 0 {
		return table.NewBatch(t.Schema, 0), nil
	}
	keyCols := make([]*table.Column, len(keys))
	for i, k := range keys {
		c, err := r.ev.eval(k.X, b)
		if err != nil {
			return nil, err
		}
		keyCols[i] = c
	}
	idx := make([]int, b.N)
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(p, q int) bool {
		for i, k := range keys {
			c := compareForSort(keyCols[i].Get(idx[p]), keyCols[i].Get(idx[q]), k.Desc, k.NullsFirst)
			if c != 0 {
				return c < 0
			}
		}
		return false
	})
	return b.Take(idx), nil
}

// compareForSort orders two values for sort/top: nulls (and NaN) first or
// last as requested, otherwise ascending or descending.
func compareForSort(a, b types.Value, desc, nullsFirst bool) int {
	an := isNullish(a) || a.Type.UsesReals() && a.F != a.F
	bn := isNullish(b) || b.Type.UsesReals() && b.F != b.F
	switch {
	case an && bn:
		// null before NaN in ascending order.
		ai, bi := 0, 0
		if !isNullish(a) {
			ai = 1
		}
		if !isNullish(b) {
			bi = 1
		}
		c := ai - bi
		if !nullsFirst {
			c = -c
		}
		return c
	case an:
		if nullsFirst {
			return -1
		}
		return 1
	case bn:
		if nullsFirst {
			return 1
		}
		return -1
	}
	c, ok := compareValues(a, b)
	if !ok {
		return 0
	}
	if desc {
		return -c
	}
	return c
}

func (r *runState) distinct(x *binder.Distinct) (BatchIterator, error) {
	in, err := r.iter(x.Input)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var buf []byte
	out := table.NewBatch(x.Columns, 0)
	for {
		b, err := in.Next()
		if err != nil {
			return nil, err
		}
		if b == nil {
			break
		}
		cols := make([]*table.Column, len(x.Exprs))
		for i, e := range x.Exprs {
			if cols[i], err = r.ev.eval(e, b); err != nil {
				return nil, err
			}
		}
		row := make([]types.Value, len(cols))
		for i := 0; i < b.N; i++ {
			buf = buf[:0]
			for j, c := range cols {
				row[j] = c.Get(i)
				buf = groupKey(buf, row[j])
			}
			if seen[string(buf)] {
				continue
			}
			seen[string(buf)] = true
			for j := range row {
				row[j] = coerce(row[j], x.Columns[j].Type)
			}
			out.AppendRow(row)
		}
	}
	return sliceIter([]*table.Batch{out}), nil
}

func (r *runState) union(x *binder.Union) (BatchIterator, error) {
	leg := 0
	var cur BatchIterator
	return iterFunc(func() (*table.Batch, error) {
		for {
			if cur == nil {
				if leg >= len(x.Inputs) {
					return nil, nil
				}
				it, err := r.iter(x.Inputs[leg])
				if err != nil {
					return nil, err
				}
				cur = it
			}
			b, err := cur.Next()
			if err != nil {
				return nil, err
			}
			if b == nil {
				cur = nil
				leg++
				continue
			}
			out := &table.Batch{Schema: x.Columns, N: b.N}
			if x.SourceCol {
				out.Cols = append(out.Cols, table.Const(types.String, types.NewString(x.SourceName[leg]), b.N))
			}
			for j, src := range x.Map[leg] {
				t := x.Columns[len(out.Cols)].Type
				if src < 0 {
					out.Cols = append(out.Cols, table.Const(t, types.NullOf(t), b.N))
					continue
				}
				_ = j
				out.Cols = append(out.Cols, b.Cols[src])
			}
			return out, nil
		}
	}), nil
}
