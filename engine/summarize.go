package engine

import (
	"strings"

	"github.com/rmmhunt/rmmhunt/kql/binder"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/table"
)

// group is one summarize group: its key values and accumulators.
type group struct {
	keys []types.Value
	accs []accumulator
}

// summarize groups the input by the keys and aggregates each group. Groups
// are output in the order they were first seen.
func (r *runState) summarize(x *binder.Summarize) (*table.Table, error) {
	in, err := r.iter(x.Input)
	if err != nil {
		return nil, err
	}
	index := map[string]int{}
	var groups []*group
	newGroup := func(keys []types.Value) (*group, error) {
		g := &group{keys: keys, accs: make([]accumulator, len(x.Aggs))}
		for i, a := range x.Aggs {
			acc, err := newAccumulator(a)
			if err != nil {
				return nil, err
			}
			g.accs[i] = acc
		}
		return g, nil
	}
	var buf []byte
	argVals := make([][]types.Value, len(x.Aggs))
	extraVals := make([][]types.Value, len(x.Aggs))
	for i, a := range x.Aggs {
		argVals[i] = make([]types.Value, len(a.Args))
		extraVals[i] = make([]types.Value, len(a.Extra))
	}
	for {
		b, err := in.Next()
		if err != nil {
			return nil, err
		}
		if b == nil {
			break
		}
		if err := r.ctx.Err(); err != nil {
			return nil, err
		}
		keyCols := make([]*operand, len(x.Keys))
		for i, k := range x.Keys {
			if keyCols[i], err = r.ev.operand(k, b); err != nil {
				return nil, err
			}
		}
		argCols := make([][]*operand, len(x.Aggs))
		extraCols := make([][]*operand, len(x.Aggs))
		for i, a := range x.Aggs {
			for _, e := range a.Args {
				o, err := r.ev.operand(e, b)
				if err != nil {
					return nil, err
				}
				argCols[i] = append(argCols[i], o)
			}
			for _, e := range a.Extra {
				o, err := r.ev.operand(e, b)
				if err != nil {
					return nil, err
				}
				extraCols[i] = append(extraCols[i], o)
			}
		}
		for row := 0; row < b.N; row++ {
			buf = buf[:0]
			for _, kc := range keyCols {
				buf = groupKey(buf, kc.get(row))
			}
			gi, ok := index[string(buf)]
			if !ok {
				keys := make([]types.Value, len(keyCols))
				for i, kc := range keyCols {
					keys[i] = kc.get(row)
					// A key string may point into a whole row group's
					// dictionary; a copy lets the scan drop it.
					keys[i].S = strings.Clone(keys[i].S)
				}
				g, err := newGroup(keys)
				if err != nil {
					return nil, err
				}
				gi = len(groups)
				groups = append(groups, g)
				index[string(buf)] = gi
			}
			g := groups[gi]
			for i := range x.Aggs {
				for j, o := range argCols[i] {
					argVals[i][j] = o.get(row)
				}
				for j, o := range extraCols[i] {
					extraVals[i][j] = o.get(row)
				}
				g.accs[i].add(argVals[i], extraVals[i])
			}
		}
	}
	// No keys: exactly one row, even for empty input.
	if len(x.Keys) == 0 && len(groups) == 0 {
		g, err := newGroup(nil)
		if err != nil {
			return nil, err
		}
		groups = append(groups, g)
	}
	inter := table.NewBatch(x.Inter, len(groups))
	row := make([]types.Value, len(x.Inter))
	for _, g := range groups {
		row = row[:0]
		row = append(row, g.keys...)
		for _, acc := range g.accs {
			row = append(row, acc.result()...)
		}
		for i := range row {
			row[i] = coerce(row[i], x.Inter[i].Type)
		}
		inter.AppendRow(row)
	}
	if x.Post == nil {
		return &table.Table{Schema: x.Columns, Batches: []*table.Batch{inter}}, nil
	}
	out, err := r.project(inter, x.Post, x.Columns)
	if err != nil {
		return nil, err
	}
	return &table.Table{Schema: x.Columns, Batches: []*table.Batch{out}}, nil
}
