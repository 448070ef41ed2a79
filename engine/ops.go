package engine

import (
	"fmt"
	"math/rand/v2"

	"github.com/rmmhunt/rmmhunt/kql/binder"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/table"
)

// iterMore builds the iterators of the operators beyond the basic
// relational ones.
func (r *runState) iterMore(n binder.Node) (BatchIterator, error) {
	switch x := n.(type) {
	case *binder.MvExpand:
		return r.mvExpand(x)
	case *binder.Parse:
		return r.parse(x)
	case *binder.Serialize:
		return r.iter(x.Input)
	case *binder.Range:
		return r.rangeIter(x)
	case *binder.Sample:
		return r.sample(x)
	case *binder.SampleDistinct:
		return r.sampleDistinct(x)
	case *binder.Materialize:
		t, err := r.materialize(x)
		if err != nil {
			return nil, err
		}
		return sliceIter(t.Batches), nil
	case *binder.TopNested:
		return r.topNested(x)
	case *binder.MakeSeries:
		return r.makeSeries(x)
	case *binder.ApplyRows:
		r.mu.Lock()
		b, ok := r.applyRows[x]
		r.mu.Unlock()
		if !ok {
			return nil, fmt.Errorf("engine: mv-apply rows read outside mv-apply")
		}
		return sliceIter([]*table.Batch{b}), nil
	case *binder.MvApply:
		return r.mvApply(x)
	case *binder.Partition:
		return r.partition(x)
	case *binder.QueryNow:
		r.now = x.Now
		return r.iter(x.Input)
	case *binder.External:
		return r.external(x)
	case *binder.BagUnpack:
		return r.bagUnpack(x)
	case *binder.Pivot:
		return r.pivot(x)
	case *binder.IPLookup:
		return r.ipLookup(x)
	case *binder.ScanOp:
		return r.scanOp(x)
	}
	return nil, fmt.Errorf("engine: cannot execute %T", n)
}

// single runs n and returns its rows as one batch, in order (the input of
// window functions).
func (r *runState) single(n binder.Node) (*table.Batch, error) {
	t, err := r.exec(n)
	if err != nil {
		return nil, err
	}
	if len(t.Batches) == 0 {
		return table.NewBatch(t.Schema, 0), nil
	}
	return concat(t), nil
}

// materialize computes x's input once per run.
func (r *runState) materialize(x *binder.Materialize) (*table.Table, error) {
	r.mu.Lock()
	t, ok := r.materialized[x]
	r.mu.Unlock()
	if ok {
		return t, nil
	}
	t, err := r.exec(x.Input)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	r.materialized[x] = t
	r.mu.Unlock()
	return t, nil
}

// rangeIter yields From, From+Step, ... up to To inclusive.
func (r *runState) rangeIter(x *binder.Range) (BatchIterator, error) {
	vals := make([]types.Value, 3)
	for i, e := range []binder.Expr{x.From, x.To, x.Step} {
		v, ok := r.ev.constant(e)
		if !ok {
			return nil, fmt.Errorf("range: the bounds and step must not depend on rows")
		}
		if v.Type == types.Dynamic {
			v = types.DynamicScalar(v.D)
		}
		vals[i] = v
	}
	t := x.Columns[0].Type
	out := table.NewColumn(t, 0)
	const maxRows = 1 << 27
	if vals[0].Null || vals[1].Null || vals[2].Null {
		return sliceIter([]*table.Batch{{Schema: x.Columns, Cols: []*table.Column{out}}}), nil
	}
	if t.UsesReals() {
		from, to, step := vals[0].AsFloat(), vals[1].AsFloat(), vals[2].AsFloat()
		if step == 0 {
			return nil, fmt.Errorf("range: the step must not be zero")
		}
		for i := 0; ; i++ {
			v := from + float64(i)*step
			if step > 0 && v > to || step < 0 && v < to {
				break
			}
			if i >= maxRows {
				return nil, fmt.Errorf("range: more than %d rows", maxRows)
			}
			out.Append(types.Value{Type: t, F: v})
		}
	} else {
		from, to, step := vals[0].I, vals[1].I, vals[2].I
		if vals[0].Type.UsesReals() {
			from = int64(vals[0].F)
		}
		if vals[1].Type.UsesReals() {
			to = int64(vals[1].F)
		}
		if step == 0 {
			return nil, fmt.Errorf("range: the step must not be zero")
		}
		for v, i := from, 0; step > 0 && v <= to || step < 0 && v >= to; v, i = v+step, i+1 {
			if i >= maxRows {
				return nil, fmt.Errorf("range: more than %d rows", maxRows)
			}
			out.Append(types.Value{Type: t, I: v})
			if step > 0 && v > to-step || step < 0 && v < to-step {
				break // the next value would overflow or pass To
			}
		}
	}
	b := &table.Batch{Schema: x.Columns, Cols: []*table.Column{out}, N: out.Len()}
	return sliceIter([]*table.Batch{b}), nil
}

// sample keeps N rows chosen uniformly at random (reservoir sampling).
func (r *runState) sample(x *binder.Sample) (BatchIterator, error) {
	b, err := r.single(x.Input)
	if err != nil {
		return nil, err
	}
	if int64(b.N) <= x.N {
		return sliceIter([]*table.Batch{b}), nil
	}
	k := int(x.N)
	idx := make([]int, k)
	for i := range idx {
		idx[i] = i
	}
	for i := k; i < b.N; i++ {
		if j := rand.IntN(i + 1); j < k {
			idx[j] = i
		}
	}
	return sliceIter([]*table.Batch{b.Take(idx)}), nil
}

// sampleDistinct returns up to N distinct values of X.
func (r *runState) sampleDistinct(x *binder.SampleDistinct) (BatchIterator, error) {
	in, err := r.iter(x.Input)
	if err != nil {
		return nil, err
	}
	out := table.NewColumn(x.Columns[0].Type, 0)
	seen := map[string]bool{}
	var buf []byte
	for int64(len(seen)) < x.N {
		b, err := in.Next()
		if err != nil {
			return nil, err
		}
		if b == nil {
			break
		}
		o, err := r.ev.operand(x.X, b)
		if err != nil {
			return nil, err
		}
		for i := 0; i < b.N && int64(len(seen)) < x.N; i++ {
			v := o.get(i)
			buf = groupKey(buf[:0], v)
			if seen[string(buf)] {
				continue
			}
			seen[string(buf)] = true
			out.Append(coerce(v, out.Type))
		}
	}
	b := &table.Batch{Schema: x.Columns, Cols: []*table.Column{out}, N: out.Len()}
	return sliceIter([]*table.Batch{b}), nil
}
