package engine

import (
	"fmt"

	"github.com/rmmhunt/rmmhunt/kql/binder"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/table"
)

// bagUnpack turns the properties of a bag column into columns.
func (r *runState) bagUnpack(x *binder.BagUnpack) (BatchIterator, error) {
	if x.Unprobed {
		return nil, errUnprobed("bag_unpack")
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
		out := &table.Batch{Schema: x.Columns, Cols: make([]*table.Column, len(x.Columns)), N: b.N}
		bags := b.Cols[x.Col]
		for j, f := range x.Columns {
			if x.Pass[j] >= 0 {
				out.Cols[j] = b.Cols[x.Pass[j]]
				continue
			}
			c := table.NewColumn(f.Type, b.N)
			key := x.Keys[j]
			for i := 0; i < b.N; i++ {
				bag, ok := bags.Dyn[i].(*types.Bag)
				if bags.IsNull(i) || !ok {
					c.AppendNull()
					continue
				}
				v, ok := bag.Get(key)
				if !ok || v == nil {
					c.AppendNull()
					continue
				}
				if f.Type == types.Dynamic {
					c.Append(types.NewDynamic(v))
				} else {
					c.Append(coerce(types.DynamicScalar(v), f.Type))
				}
			}
			out.Cols[j] = c
		}
		return out, nil
	}), nil
}

// pivot groups the rows by the keys and aggregates, per group, the rows
// of each pivot value into that value's column.
func (r *runState) pivot(x *binder.Pivot) (BatchIterator, error) {
	if x.Unprobed {
		return nil, errUnprobed("pivot")
	}
	b, err := r.single(x.Input)
	if err != nil {
		return nil, err
	}
	keys := make([]*operand, len(x.Keys))
	for i, k := range x.Keys {
		if keys[i], err = r.ev.operand(k, b); err != nil {
			return nil, err
		}
	}
	col, err := r.ev.operand(x.Col, b)
	if err != nil {
		return nil, err
	}
	agg, err := r.aggInput(x.Agg, b)
	if err != nil {
		return nil, err
	}
	valueIdx := map[string]int{}
	for i, v := range x.Values {
		valueIdx[v.String()] = i
	}
	type group struct {
		keys []types.Value
		accs []accumulator
	}
	index := map[string]int{}
	var groups []*group
	var buf []byte
	for i := 0; i < b.N; i++ {
		vi, ok := valueIdx[col.get(i).String()]
		if !ok {
			continue // a value the schema was not built with
		}
		buf = buf[:0]
		for _, k := range keys {
			buf = groupKey(buf, k.get(i))
		}
		gi, seen := index[string(buf)]
		if !seen {
			gi = len(groups)
			index[string(buf)] = gi
			g := &group{accs: make([]accumulator, len(x.Values))}
			for _, k := range keys {
				g.keys = append(g.keys, k.get(i))
			}
			groups = append(groups, g)
		}
		g := groups[gi]
		if g.accs[vi] == nil {
			if g.accs[vi], err = newAccumulator(x.Agg); err != nil {
				return nil, err
			}
		}
		agg.add(g.accs[vi], i)
	}
	out := table.NewBatch(x.Columns, len(groups))
	row := make([]types.Value, len(x.Columns))
	for _, g := range groups {
		copy(row, g.keys)
		for vi, acc := range g.accs {
			if acc == nil {
				if acc, err = newAccumulator(x.Agg); err != nil {
					return nil, err
				}
			}
			row[len(g.keys)+vi] = acc.result()[0]
		}
		for i := range row {
			row[i] = coerce(row[i], x.Columns[i].Type)
		}
		out.AppendRow(row)
	}
	return sliceIter([]*table.Batch{out}), nil
}

// errUnprobed is the error of a plugin bound without data: its columns
// were guessed for checking the query and cannot be trusted to run it.
func errUnprobed(name string) error {
	return fmt.Errorf("evaluate %s was bound without data, so its columns are unknown; bind with a catalog that can read the data (engine.WithProbe)", name)
}
