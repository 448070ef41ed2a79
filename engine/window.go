package engine

import (
	"fmt"

	"github.com/rmmhunt/rmmhunt/kql/binder"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/table"
)

// evalWindow evaluates a window function over b, which holds the whole
// serialized row set in order.
func (ev *evaluator) evalWindow(w *binder.Window, b *table.Batch) (*table.Column, error) {
	n := b.N
	args := make([]*operand, len(w.Args))
	for i, a := range w.Args {
		o, err := ev.operand(a, b)
		if err != nil {
			return nil, err
		}
		args[i] = o
	}
	// restart reports whether argument i (a restart flag) is true at row r.
	restart := func(i, r int) bool {
		if i >= len(args) {
			return false
		}
		t, ok := truthy(args[i].get(r))
		return ok && t
	}
	switch w.Name {
	case "row_number":
		start := int64(1)
		if len(args) > 0 {
			start = args[0].get(0).I
		}
		out := &table.Column{Type: types.Long, Ints: make([]int64, n)}
		k := start
		for r := 0; r < n; r++ {
			if r > 0 && restart(1, r) {
				k = start
			}
			out.Ints[r] = k
			k++
		}
		return out, nil
	case "prev", "next":
		off := 1
		if len(args) > 1 {
			off = int(args[1].get(0).I)
		}
		def := types.NullOf(w.T)
		if len(args) > 2 {
			def = coerce(args[2].get(0), w.T)
		}
		out := table.NewColumn(w.T, n)
		for r := 0; r < n; r++ {
			src := r - off
			if w.Name == "next" {
				src = r + off
			}
			if src < 0 || src >= n {
				out.Append(def)
				continue
			}
			out.Append(coerce(args[0].get(src), w.T))
		}
		return out, nil
	case "row_cumsum":
		out := table.NewColumn(w.T, n)
		var si int64
		var sf float64
		for r := 0; r < n; r++ {
			if r > 0 && restart(1, r) {
				si, sf = 0, 0
			}
			v := args[0].get(r)
			if v.Type == types.Dynamic {
				v = types.DynamicScalar(v.D)
			}
			if !v.Null && v.Type != types.Null {
				if w.T.UsesReals() {
					sf += v.AsFloat()
				} else {
					si += v.I
				}
			}
			if w.T.UsesReals() {
				out.Append(types.Value{Type: w.T, F: sf})
			} else {
				out.Append(types.Value{Type: w.T, I: si})
			}
		}
		return out, nil
	case "row_rank_min", "row_rank_dense":
		out := &table.Column{Type: types.Long, Ints: make([]int64, n)}
		var rank, dense int64
		base := 0
		for r := 0; r < n; r++ {
			v := args[0].get(r)
			switch {
			case r == 0 || restart(1, r):
				rank, dense, base = 1, 1, r
			default:
				prev := args[0].get(r - 1)
				if c, ok := compareValues(prev, v); !(ok && c == 0 || isNullish(prev) && isNullish(v)) {
					rank = int64(r-base) + 1
					dense++
				}
			}
			if w.Name == "row_rank_min" {
				out.Ints[r] = rank
			} else {
				out.Ints[r] = dense
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("engine: window function %s is not implemented", w.Name)
}
