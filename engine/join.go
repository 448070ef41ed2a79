package engine

import (
	"math"

	"github.com/rmmhunt/rmmhunt/kql/binder"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/table"
)

// join executes every join kind by hashing the right side. Null keys match
// each other. innerunique keeps the first left row of each key.
func (r *runState) join(x *binder.Join) (*table.Batch, error) {
	lt, err := r.exec(x.Left)
	if err != nil {
		return nil, err
	}
	rt, err := r.exec(x.Right)
	if err != nil {
		return nil, err
	}
	lb, rb := concat(lt), concat(rt)
	lkeys, err := r.keyStrings(lb, x.LeftKeys)
	if err != nil {
		return nil, err
	}
	rkeys, err := r.keyStrings(rb, x.RightKeys)
	if err != nil {
		return nil, err
	}
	rindex := map[string][]int{}
	for i, k := range rkeys {
		rindex[k] = append(rindex[k], i)
	}
	out := table.NewBatch(x.Columns, 0)
	row := make([]types.Value, len(x.Columns))
	emit := func(li, ri int) {
		row = row[:0]
		for _, c := range x.LeftCols {
			if li < 0 {
				row = append(row, types.NullOf(lb.Schema[c].Type))
			} else {
				row = append(row, lb.Cols[c].Get(li))
			}
		}
		for _, c := range x.RightCols {
			if ri < 0 {
				row = append(row, types.NullOf(rb.Schema[c].Type))
			} else {
				row = append(row, rb.Cols[c].Get(ri))
			}
		}
		out.AppendRow(row)
	}
	rightMatched := make([]bool, rb.N)
	seenLeft := map[string]bool{}
	for li := 0; li < lb.N; li++ {
		k := lkeys[li]
		if x.Kind == "innerunique" {
			if seenLeft[k] {
				continue
			}
			seenLeft[k] = true
		}
		matches := rindex[k]
		switch x.Kind {
		case "innerunique", "inner":
			for _, ri := range matches {
				emit(li, ri)
			}
		case "leftouter", "fullouter":
			if len(matches) == 0 {
				emit(li, -1)
			}
			for _, ri := range matches {
				emit(li, ri)
				rightMatched[ri] = true
			}
		case "leftsemi":
			if len(matches) > 0 {
				emit(li, -1)
			}
		case "leftanti":
			if len(matches) == 0 {
				emit(li, -1)
			}
		case "rightouter", "rightsemi", "rightanti":
			for _, ri := range matches {
				rightMatched[ri] = true
				if x.Kind == "rightouter" {
					emit(li, ri)
				}
			}
		}
	}
	switch x.Kind {
	case "fullouter", "rightouter":
		for ri := 0; ri < rb.N; ri++ {
			if !rightMatched[ri] {
				emit(-1, ri)
			}
		}
	case "rightsemi", "rightanti":
		for ri := 0; ri < rb.N; ri++ {
			if rightMatched[ri] == (x.Kind == "rightsemi") {
				emit(-1, ri)
			}
		}
	}
	return out, nil
}

func (r *runState) keyStrings(b *table.Batch, keys []binder.Expr) ([]string, error) {
	cols := make([]*operand, len(keys))
	for i, k := range keys {
		o, err := r.ev.operand(k, b)
		if err != nil {
			return nil, err
		}
		cols[i] = o
	}
	out := make([]string, b.N)
	var buf []byte
	for i := 0; i < b.N; i++ {
		buf = buf[:0]
		for _, c := range cols {
			v := c.get(i)
			// Numbers join by value: int, long and integral reals alike.
			v = joinKeyValue(v)
			buf = groupKey(buf, v)
		}
		out[i] = string(buf)
	}
	return out, nil
}

// joinKeyValue normalises a key so that equal numbers of different types
// (int, long, integral real or decimal) have the same encoding.
func joinKeyValue(v types.Value) types.Value {
	switch {
	case v.Null && v.Type.IsNumeric():
		return types.NullOf(types.Long)
	case v.Type == types.Int:
		v.Type = types.Long
	case v.Type.UsesReals() && !v.Null && v.F == math.Trunc(v.F) && math.Abs(v.F) < 1<<62:
		return types.NewLong(int64(v.F))
	case v.Type.UsesReals():
		v.Type = types.Real
	}
	return v
}
