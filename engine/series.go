package engine

import (
	"fmt"
	"math"
	"sort"

	"github.com/rmmhunt/rmmhunt/kql/binder"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/table"
)

// aggInput holds the evaluated arguments of one aggregate over a batch and
// the scratch slices its rows are folded through.
type aggInput struct {
	agg         *binder.AggCall
	args, extra []*operand
	av, xv      []types.Value
}

func (r *runState) aggInput(a *binder.AggCall, b *table.Batch) (*aggInput, error) {
	in := &aggInput{agg: a, av: make([]types.Value, len(a.Args)), xv: make([]types.Value, len(a.Extra))}
	for _, e := range a.Args {
		o, err := r.ev.operand(e, b)
		if err != nil {
			return nil, err
		}
		in.args = append(in.args, o)
	}
	for _, e := range a.Extra {
		o, err := r.ev.operand(e, b)
		if err != nil {
			return nil, err
		}
		in.extra = append(in.extra, o)
	}
	return in, nil
}

// add folds row i into acc.
func (in *aggInput) add(acc accumulator, i int) {
	for j, o := range in.args {
		in.av[j] = o.get(i)
	}
	for j, o := range in.extra {
		in.xv[j] = o.get(i)
	}
	acc.add(in.av, in.xv)
}

// over aggregates the given rows.
func (in *aggInput) over(rows []int) (types.Value, error) {
	acc, err := newAccumulator(in.agg)
	if err != nil {
		return types.Value{}, err
	}
	for _, i := range rows {
		in.add(acc, i)
	}
	return coerce(acc.result()[0], in.agg.T), nil
}

// topNested computes top-nested level by level: the rows are grouped by
// the level's value, the groups ordered by their aggregate, the top N kept
// (and the rest gathered in an "others" group when asked), and each kept
// group is split by the next level.
func (r *runState) topNested(x *binder.TopNested) (BatchIterator, error) {
	b, err := r.single(x.Input)
	if err != nil {
		return nil, err
	}
	ofs := make([]*operand, len(x.Levels))
	aggs := make([]*aggInput, len(x.Levels))
	for l, lv := range x.Levels {
		if ofs[l], err = r.ev.operand(lv.Of, b); err != nil {
			return nil, err
		}
		if aggs[l], err = r.aggInput(lv.Agg, b); err != nil {
			return nil, err
		}
	}
	out := table.NewBatch(x.Columns, 0)
	prefix := make([]types.Value, 0, len(x.Columns))
	type group struct {
		of   types.Value
		rows []int
		agg  types.Value
	}
	var buf []byte
	var rec func(level int, rows []int) error
	rec = func(level int, rows []int) error {
		if level == len(x.Levels) {
			out.AppendRow(prefix)
			return nil
		}
		lv := x.Levels[level]
		index := map[string]int{}
		var groups []*group
		for _, i := range rows {
			v := ofs[level].get(i)
			buf = groupKey(buf[:0], v)
			gi, ok := index[string(buf)]
			if !ok {
				gi = len(groups)
				index[string(buf)] = gi
				groups = append(groups, &group{of: coerce(v, x.Columns[2*level].Type)})
			}
			groups[gi].rows = append(groups[gi].rows, i)
		}
		for _, g := range groups {
			v, err := aggs[level].over(g.rows)
			if err != nil {
				return err
			}
			g.agg = v
		}
		sort.SliceStable(groups, func(p, q int) bool {
			return compareForSort(groups[p].agg, groups[q].agg, lv.Desc, !lv.Desc) < 0
		})
		keep := groups
		if lv.N >= 0 && int64(len(groups)) > lv.N {
			keep = groups[:lv.N]
			if lv.Others != nil {
				var rest []int
				for _, g := range groups[lv.N:] {
					rest = append(rest, g.rows...)
				}
				sort.Ints(rest)
				v, err := aggs[level].over(rest)
				if err != nil {
					return err
				}
				keep = append(keep[:len(keep):len(keep)], &group{of: *lv.Others, rows: rest, agg: v})
			}
		}
		for _, g := range keep {
			prefix = append(prefix, g.of, coerce(g.agg, x.Columns[2*level+1].Type))
			if err := rec(level+1, g.rows); err != nil {
				return err
			}
			prefix = prefix[:len(prefix)-2]
		}
		return nil
	}
	all := make([]int, b.N)
	for i := range all {
		all[i] = i
	}
	if b.N > 0 {
		if err := rec(0, all); err != nil {
			return nil, err
		}
	}
	return sliceIter([]*table.Batch{out}), nil
}

// axisValue is a position on a make-series axis: ticks or integers exactly,
// reals as floats.
type axisValue struct {
	i    int64
	f    float64
	null bool
}

// seriesAxis does the arithmetic of one make-series axis.
type seriesAxis struct {
	t    types.Type // the axis type
	real bool
	step axisValue
}

func (a *seriesAxis) value(v types.Value) axisValue {
	if v.Type == types.Dynamic {
		v = types.DynamicScalar(v.D)
	}
	if isNullish(v) {
		return axisValue{null: true}
	}
	if a.real {
		f := v.AsFloat()
		return axisValue{f: f, null: math.IsNaN(f)}
	}
	if v.Type.UsesReals() {
		return axisValue{i: int64(v.F)}
	}
	return axisValue{i: v.I}
}

// index is the bin of v in a series starting at start (may be negative).
func (a *seriesAxis) index(v, start axisValue) int64 {
	if a.real {
		return int64(math.Floor((v.f - start.f) / a.step.f))
	}
	return floorDiv(v.i-start.i, a.step.i)
}

// bin rounds v down to a multiple of the step.
func (a *seriesAxis) bin(v axisValue) axisValue {
	if a.real {
		return axisValue{f: math.Floor(v.f/a.step.f) * a.step.f}
	}
	return axisValue{i: floorDiv(v.i, a.step.i) * a.step.i}
}

// at returns the start of bin k of a series starting at start, as a
// dynamic payload.
func (a *seriesAxis) at(start axisValue, k int64) any {
	if a.real {
		return start.f + float64(k)*a.step.f
	}
	v := start.i + k*a.step.i
	switch a.t {
	case types.Datetime:
		return types.DynDatetime(v)
	case types.Timespan:
		return types.DynTimespan(v)
	}
	return v
}

// maxSeriesLen is the longest series make-series builds (2^20, as Kusto).
const maxSeriesLen = 1 << 20

// makeSeries groups the rows by the keys, aggregates each group per bin of
// the axis, and emits one row per group with an array per aggregate (the
// default where a bin has no rows) and the array of bin starts.
func (r *runState) makeSeries(x *binder.MakeSeries) (BatchIterator, error) {
	b, err := r.single(x.Input)
	if err != nil {
		return nil, err
	}
	ax := &seriesAxis{t: x.On.Type(), real: x.On.Type().UsesReals()}
	constant := func(e binder.Expr) (axisValue, bool, error) {
		if e == nil {
			return axisValue{}, false, nil
		}
		v, ok := r.ev.constant(e)
		if !ok {
			return axisValue{}, false, fmt.Errorf("make-series: the range must not depend on rows")
		}
		if ax.real {
			if v.Type == types.Dynamic {
				v = types.DynamicScalar(v.D)
			}
			return axisValue{f: v.AsFloat(), null: isNullish(v)}, true, nil
		}
		av := ax.value(v)
		return av, true, nil
	}
	from, hasFrom, err := constant(x.From)
	if err != nil {
		return nil, err
	}
	to, hasTo, err := constant(x.To)
	if err != nil {
		return nil, err
	}
	step, _, err := constant(x.Step)
	if err != nil {
		return nil, err
	}
	ax.step = step
	if step.null || ax.real && step.f <= 0 || !ax.real && step.i <= 0 {
		return nil, fmt.Errorf("make-series: the step must be positive")
	}
	if hasFrom && from.null || hasTo && to.null {
		return nil, fmt.Errorf("make-series: the range bounds must not be null")
	}
	if x.InRange {
		from = ax.bin(from)
	}
	keys := make([]*operand, len(x.Keys))
	for i, k := range x.Keys {
		if keys[i], err = r.ev.operand(k, b); err != nil {
			return nil, err
		}
	}
	axis, err := r.ev.operand(x.On, b)
	if err != nil {
		return nil, err
	}
	aggs := make([]*aggInput, len(x.Aggs))
	for i, a := range x.Aggs {
		if aggs[i], err = r.aggInput(a, b); err != nil {
			return nil, err
		}
	}
	type series struct {
		keys     []types.Value
		rows     []int
		min, max axisValue
	}
	index := map[string]int{}
	var groups []*series
	var buf []byte
	for i := 0; i < b.N; i++ {
		v := ax.value(axis.get(i))
		if v.null {
			continue
		}
		buf = buf[:0]
		for _, k := range keys {
			buf = groupKey(buf, k.get(i))
		}
		gi, ok := index[string(buf)]
		if !ok {
			gi = len(groups)
			index[string(buf)] = gi
			g := &series{min: v, max: v}
			for _, k := range keys {
				g.keys = append(g.keys, k.get(i))
			}
			groups = append(groups, g)
		}
		g := groups[gi]
		g.rows = append(g.rows, i)
		if ax.less(v, g.min) {
			g.min = v
		}
		if ax.less(g.max, v) {
			g.max = v
		}
	}
	if len(groups) == 0 && x.NonEmpty && len(x.Keys) == 0 && hasFrom && hasTo {
		groups = append(groups, &series{min: from, max: from})
	}
	out := table.NewBatch(x.Columns, len(groups))
	row := make([]types.Value, 0, len(x.Columns))
	for _, g := range groups {
		start, n := from, int64(0)
		if !hasFrom {
			start = ax.bin(g.min)
		}
		switch {
		case hasTo && x.InRange:
			n = ax.index(to, start) + 1
		case hasTo:
			n = ax.index(to, start)
			if ax.real && start.f+float64(n)*step.f < to.f || !ax.real && start.i+n*step.i < to.i {
				n++
			}
		default:
			n = ax.index(g.max, start) + 1
		}
		if n < 0 {
			n = 0
		}
		if n > maxSeriesLen {
			return nil, fmt.Errorf("make-series: the series would have %d points, more than %d", n, maxSeriesLen)
		}
		// Rows per bin.
		bins := map[int64][]int{}
		for _, i := range g.rows {
			k := ax.index(ax.value(axis.get(i)), start)
			if k >= 0 && k < n {
				bins[k] = append(bins[k], i)
			}
		}
		row = append(row[:0], g.keys...)
		for a, in := range aggs {
			arr := make([]any, n)
			def := x.Defaults[a].ToDynamic()
			for k := int64(0); k < n; k++ {
				rows, ok := bins[k]
				if !ok {
					arr[k] = def
					continue
				}
				v, err := in.over(rows)
				if err != nil {
					return nil, err
				}
				arr[k] = v.ToDynamic()
			}
			row = append(row, types.NewDynamic(arr))
		}
		times := make([]any, n)
		for k := range times {
			times[k] = ax.at(start, int64(k))
		}
		row = append(row, types.NewDynamic(times))
		for i := range row {
			row[i] = coerce(row[i], x.Columns[i].Type)
		}
		out.AppendRow(row)
	}
	return sliceIter([]*table.Batch{out}), nil
}

// less orders two axis values.
func (a *seriesAxis) less(p, q axisValue) bool {
	if a.real {
		return p.f < q.f
	}
	return p.i < q.i
}
