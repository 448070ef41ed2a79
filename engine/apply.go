package engine

import (
	"github.com/rmmhunt/rmmhunt/kql/binder"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/table"
)

// mvApply expands each input batch, then runs the subquery once per input
// row over that row's expansion and prefixes the results with the row's
// kept columns.
func (r *runState) mvApply(x *binder.MvApply) (BatchIterator, error) {
	in, err := r.iter(x.Input)
	if err != nil {
		return nil, err
	}
	ex := newExpander(x.Expand)
	return iterFunc(func() (*table.Batch, error) {
		for {
			b, err := in.Next()
			if b == nil || err != nil {
				return nil, err
			}
			out := table.NewBatch(x.Columns, 0)
			expanded, err := ex.expand(r, b)
			if err != nil {
				return nil, err
			}
			// The expansion's rows of input row i are contiguous.
			rowIdx := append([]int(nil), ex.rowIdx...)
			lo := 0
			row := make([]types.Value, len(x.Columns))
			for i := 0; i < b.N; i++ {
				if err := r.ctx.Err(); err != nil {
					return nil, err
				}
				hi := lo
				for hi < len(rowIdx) && rowIdx[hi] == i {
					hi++
				}
				r.setApplyRows(x.Rows, sliceBatch(expanded, lo, hi))
				lo = hi
				mark := r.markCaches()
				res, err := r.exec(x.Sub)
				r.resetCaches(mark)
				if err != nil {
					return nil, err
				}
				for j, c := range x.Keep {
					row[j] = b.Cols[c].Get(i)
				}
				k := len(x.Keep)
				for _, sb := range res.Batches {
					for ri := 0; ri < sb.N; ri++ {
						for j, c := range x.SubCols {
							row[k+j] = coerce(sb.Cols[c].Get(ri), x.Columns[k+j].Type)
						}
						out.AppendRow(row)
					}
				}
			}
			r.setApplyRows(x.Rows, nil)
			if out.N > 0 {
				return out, nil
			}
		}
	}), nil
}

// partition runs the subquery over the rows of each key value, in order of
// first appearance, and concatenates the results.
func (r *runState) partition(x *binder.Partition) (BatchIterator, error) {
	b, err := r.single(x.Input)
	if err != nil {
		return nil, err
	}
	key, err := r.ev.operand(x.Key, b)
	if err != nil {
		return nil, err
	}
	index := map[string]int{}
	var groups [][]int
	var buf []byte
	for i := 0; i < b.N; i++ {
		buf = groupKey(buf[:0], key.get(i))
		gi, ok := index[string(buf)]
		if !ok {
			gi = len(groups)
			index[string(buf)] = gi
			groups = append(groups, nil)
		}
		groups[gi] = append(groups[gi], i)
	}
	var out []*table.Batch
	for _, rows := range groups {
		if err := r.ctx.Err(); err != nil {
			return nil, err
		}
		r.setApplyRows(x.Rows, b.Take(rows))
		mark := r.markCaches()
		res, err := r.exec(x.Sub)
		r.resetCaches(mark)
		if err != nil {
			return nil, err
		}
		out = append(out, res.Batches...)
	}
	r.setApplyRows(x.Rows, nil)
	return sliceIter(out), nil
}

// cacheMark records which per-run caches exist before a subquery runs for
// one row (mv-apply) or one partition: values computed while it runs may
// depend on those rows, so they are forgotten afterwards (resetCaches).
type cacheMark struct {
	consts  map[*binder.Call]bool
	ins     map[*binder.InList]bool
	scalars map[*binder.Scalar]bool
	mats    map[*binder.Materialize]bool
}

func (r *runState) markCaches() cacheMark {
	r.mu.Lock()
	defer r.mu.Unlock()
	m := cacheMark{
		consts:  map[*binder.Call]bool{},
		ins:     map[*binder.InList]bool{},
		scalars: map[*binder.Scalar]bool{},
		mats:    map[*binder.Materialize]bool{},
	}
	for k := range r.constCache {
		m.consts[k] = true
	}
	for k := range r.inLists {
		m.ins[k] = true
	}
	for k := range r.scalars {
		m.scalars[k] = true
	}
	for k := range r.materialized {
		m.mats[k] = true
	}
	return m
}

// resetCaches forgets the cached values computed since m.
func (r *runState) resetCaches(m cacheMark) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for k := range r.constCache {
		if !m.consts[k] {
			delete(r.constCache, k)
		}
	}
	for k := range r.inLists {
		if !m.ins[k] {
			delete(r.inLists, k)
		}
	}
	for k := range r.scalars {
		if !m.scalars[k] {
			delete(r.scalars, k)
		}
	}
	for k := range r.materialized {
		if !m.mats[k] {
			delete(r.materialized, k)
		}
	}
}

// setApplyRows sets (b != nil) or clears the current input of an mv-apply
// subquery.
func (r *runState) setApplyRows(x *binder.ApplyRows, b *table.Batch) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if b == nil {
		delete(r.applyRows, x)
		return
	}
	r.applyRows[x] = b
}
