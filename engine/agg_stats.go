package engine

import (
	"math"
	"sort"

	"github.com/rmmhunt/rmmhunt/kql/binder"
	"github.com/rmmhunt/rmmhunt/kql/types"
)

// Statistical aggregates: percentiles (exact, nearest rank), variance and
// standard deviation (sample and population, with _if forms), covariance and
// the bitwise folds.

func init() {
	for name, f := range map[string]func(a *binder.AggCall) accumulator{
		"percentile":         func(a *binder.AggCall) accumulator { return newPercentiles(a, false, false) },
		"percentiles":        func(a *binder.AggCall) accumulator { return newPercentiles(a, false, false) },
		"percentiles_array":  func(a *binder.AggCall) accumulator { return newPercentiles(a, false, true) },
		"percentilew":        func(a *binder.AggCall) accumulator { return newPercentiles(a, true, false) },
		"percentilesw":       func(a *binder.AggCall) accumulator { return newPercentiles(a, true, false) },
		"percentilesw_array": func(a *binder.AggCall) accumulator { return newPercentiles(a, true, true) },
		"stdevif":            func(*binder.AggCall) accumulator { return &momentAcc{stdev: true, cond: 1} },
		"varianceif":         func(*binder.AggCall) accumulator { return &momentAcc{cond: 1} },
		"stdevp":             func(*binder.AggCall) accumulator { return &momentAcc{stdev: true, pop: true, cond: -1} },
		"variancep":          func(*binder.AggCall) accumulator { return &momentAcc{pop: true, cond: -1} },
		"variancepif":        func(*binder.AggCall) accumulator { return &momentAcc{pop: true, cond: 1} },
		"covariance":         func(*binder.AggCall) accumulator { return &covAcc{cond: -1} },
		"covariancep":        func(*binder.AggCall) accumulator { return &covAcc{pop: true, cond: -1} },
		"covarianceif":       func(*binder.AggCall) accumulator { return &covAcc{cond: 2} },
		"covariancepif":      func(*binder.AggCall) accumulator { return &covAcc{pop: true, cond: 2} },
		"binary_all_and":     func(a *binder.AggCall) accumulator { return &bitsAcc{op: '&', t: a.T} },
		"binary_all_or":      func(a *binder.AggCall) accumulator { return &bitsAcc{op: '|', t: a.T} },
		"binary_all_xor":     func(a *binder.AggCall) accumulator { return &bitsAcc{op: '^', t: a.T} },
	} {
		aggImpls[name] = f
	}
}

// percentileAcc collects the group's values and picks nearest-rank
// percentiles: for percentile p of N values (weights summing to N), the
// value of rank ceil(p/100*N) in ascending order (the first for p = 0).
type percentileAcc struct {
	weighted bool
	array    bool
	ps       []float64
	t        types.Type
	vals     []types.Value
	weights  []int64
}

func newPercentiles(a *binder.AggCall, weighted, array bool) *percentileAcc {
	acc := &percentileAcc{weighted: weighted, array: array, t: a.T}
	first := 1
	if weighted {
		first = 2
	}
	for _, e := range a.Args[first:] {
		c, ok := e.(*binder.Const)
		if !ok {
			continue
		}
		if arr, isArr := asArray(c.V); isArr {
			for _, p := range arr {
				if f, ok := numArg(types.DynamicScalar(p)); ok {
					acc.ps = append(acc.ps, f)
				}
			}
			continue
		}
		if f, ok := numArg(c.V); ok {
			acc.ps = append(acc.ps, f)
		}
	}
	return acc
}

func (p *percentileAcc) add(args, _ []types.Value) {
	v := args[0]
	if v.Type == types.Dynamic {
		v = types.DynamicScalar(v.D)
	}
	if isNullish(v) || !(v.Type.IsNumeric() || v.Type == types.Datetime || v.Type == types.Timespan) {
		return
	}
	if v.Type.UsesReals() && math.IsNaN(v.F) {
		return
	}
	w := int64(1)
	if p.weighted {
		n, ok := intArgOK(args[1])
		if !ok || n <= 0 {
			return
		}
		w = n
	}
	p.vals = append(p.vals, v)
	p.weights = append(p.weights, w)
}

func (p *percentileAcc) result() []types.Value {
	idx := make([]int, len(p.vals))
	var total int64
	for i := range idx {
		idx[i] = i
		total += p.weights[i]
	}
	sort.SliceStable(idx, func(i, j int) bool {
		c, ok := compareValues(p.vals[idx[i]], p.vals[idx[j]])
		return ok && c < 0
	})
	pick := func(pct float64) (types.Value, bool) {
		if total == 0 {
			return types.Value{}, false
		}
		rank := int64(math.Ceil(pct / 100 * float64(total)))
		if rank < 1 {
			rank = 1
		}
		var cum int64
		for _, i := range idx {
			cum += p.weights[i]
			if cum >= rank {
				return p.vals[i], true
			}
		}
		return p.vals[idx[len(idx)-1]], true
	}
	if p.array {
		if total == 0 {
			return []types.Value{dynNull()}
		}
		out := make([]any, len(p.ps))
		for i, pct := range p.ps {
			v, _ := pick(pct)
			out[i] = v.ToDynamic()
		}
		return []types.Value{types.NewDynamic(out)}
	}
	out := make([]types.Value, len(p.ps))
	for i, pct := range p.ps {
		v, ok := pick(pct)
		if !ok {
			out[i] = types.NullOf(p.t)
			continue
		}
		out[i] = coerce(v, p.t)
	}
	return out
}

// momentAcc computes variance and standard deviation (sample, n-1, or
// population, n) with Welford's method; a group of fewer values than the
// divisor needs gives 0.
type momentAcc struct {
	stdev, pop bool
	cond       int
	n          float64
	mean, m2   float64
}

func (m *momentAcc) add(args, _ []types.Value) {
	x, ok := numArg(args[0])
	if !ok || !condTrue(args, m.cond) {
		return
	}
	m.n++
	d := x - m.mean
	m.mean += d / m.n
	m.m2 += d * (x - m.mean)
}

func (m *momentAcc) result() []types.Value {
	div := m.n - 1
	if m.pop {
		div = m.n
	}
	if div <= 0 {
		return []types.Value{types.NewReal(0)}
	}
	r := m.m2 / div
	if m.stdev {
		r = math.Sqrt(r)
	}
	return []types.Value{types.NewReal(r)}
}

// covAcc computes the covariance of two columns over the rows where both
// are set (sample or population).
type covAcc struct {
	pop         bool
	cond        int
	n           float64
	mx, my, cxy float64
}

func (c *covAcc) add(args, _ []types.Value) {
	x, ok1 := numArg(args[0])
	y, ok2 := numArg(args[1])
	if !ok1 || !ok2 || !condTrue(args, c.cond) {
		return
	}
	c.n++
	dx := x - c.mx
	c.mx += dx / c.n
	c.my += (y - c.my) / c.n
	c.cxy += dx * (y - c.my)
}

func (c *covAcc) result() []types.Value {
	div := c.n - 1
	if c.pop {
		div = c.n
	}
	if div <= 0 {
		return []types.Value{types.NewReal(0)}
	}
	return []types.Value{types.NewReal(c.cxy / div)}
}

// bitsAcc folds integers with and, or or xor; a group without values is
// null.
type bitsAcc struct {
	op  byte
	t   types.Type
	v   int64
	has bool
}

func (b *bitsAcc) add(args, _ []types.Value) {
	x, ok := intArgOK(args[0])
	if !ok {
		return
	}
	if !b.has {
		b.v, b.has = x, true
		return
	}
	switch b.op {
	case '&':
		b.v &= x
	case '|':
		b.v |= x
	default:
		b.v ^= x
	}
}

func (b *bitsAcc) result() []types.Value {
	if !b.has {
		return []types.Value{types.NullOf(b.t)}
	}
	return []types.Value{coerce(types.NewLong(b.v), b.t)}
}
