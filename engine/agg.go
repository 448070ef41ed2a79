package engine

import (
	"fmt"
	"math"
	"strings"

	"github.com/rmmhunt/rmmhunt/kql/binder"
	"github.com/rmmhunt/rmmhunt/kql/types"
)

// accumulator is the running state of one aggregate in one group.
type accumulator interface {
	// add folds one row; args are the aggregate's argument values, extra the
	// values of arg_max/arg_min's returned columns.
	add(args, extra []types.Value)
	// result returns the aggregate's output columns.
	result() []types.Value
}

// aggImpls builds accumulators for each aggregate, keyed by canonical name.
var aggImpls = map[string]func(a *binder.AggCall) accumulator{
	"count":                func(*binder.AggCall) accumulator { return &countAcc{cond: -1} },
	"countif":              func(*binder.AggCall) accumulator { return &countAcc{cond: 0} },
	"dcount":               func(*binder.AggCall) accumulator { return &dcountAcc{seen: map[string]bool{}, cond: -1} },
	"count_distinct":       func(*binder.AggCall) accumulator { return &dcountAcc{seen: map[string]bool{}, cond: -1} },
	"dcountif":             func(*binder.AggCall) accumulator { return &dcountAcc{seen: map[string]bool{}, cond: 1} },
	"sum":                  func(a *binder.AggCall) accumulator { return &sumAcc{t: a.T, cond: -1} },
	"sumif":                func(a *binder.AggCall) accumulator { return &sumAcc{t: a.T, cond: 1} },
	"avg":                  func(*binder.AggCall) accumulator { return &avgAcc{cond: -1} },
	"avgif":                func(*binder.AggCall) accumulator { return &avgAcc{cond: 1} },
	"min":                  func(a *binder.AggCall) accumulator { return &minMaxAcc{t: a.T, cond: -1} },
	"max":                  func(a *binder.AggCall) accumulator { return &minMaxAcc{t: a.T, max: true, cond: -1} },
	"minif":                func(a *binder.AggCall) accumulator { return &minMaxAcc{t: a.T, cond: 1} },
	"maxif":                func(a *binder.AggCall) accumulator { return &minMaxAcc{t: a.T, max: true, cond: 1} },
	"make_set":             func(a *binder.AggCall) accumulator { return newCollect(a, true, -1, false) },
	"make_set_legacy":      func(a *binder.AggCall) accumulator { return newCollect(a, true, -1, false) },
	"make_set_if":          func(a *binder.AggCall) accumulator { return newCollect(a, true, 1, false) },
	"make_list":            func(a *binder.AggCall) accumulator { return newCollect(a, false, -1, false) },
	"make_list_legacy":     func(a *binder.AggCall) accumulator { return newCollect(a, false, -1, false) },
	"make_list_if":         func(a *binder.AggCall) accumulator { return newCollect(a, false, 1, false) },
	"make_list_with_nulls": func(a *binder.AggCall) accumulator { return newCollect(a, false, -1, true) },
	"take_any":             func(a *binder.AggCall) accumulator { return &anyAcc{n: a.Columns} },
	"arg_max":              func(a *binder.AggCall) accumulator { return &argAcc{max: true, n: a.Columns} },
	"arg_min":              func(a *binder.AggCall) accumulator { return &argAcc{n: a.Columns} },
	"stdev":                func(*binder.AggCall) accumulator { return &varAcc{stdev: true} },
	"variance":             func(*binder.AggCall) accumulator { return &varAcc{} },
}

func newAccumulator(a *binder.AggCall) (accumulator, error) {
	f, ok := aggImpls[a.Name]
	if !ok {
		return nil, fmt.Errorf("aggregate %s is not implemented", a.Name)
	}
	return f(a), nil
}

// HasAggregate reports whether the engine computes the named aggregate.
func HasAggregate(name string) bool {
	_, ok := aggImpls[name]
	return ok
}

// condTrue reports whether the condition argument at index i (if any) holds.
func condTrue(args []types.Value, i int) bool {
	if i < 0 {
		return true
	}
	b, ok := truthy(args[i])
	return ok && b
}

type countAcc struct {
	n    int64
	cond int // index of the condition argument (countif), -1 for count
}

// add counts the row; count(x) counts every row, as the documented example
// does, and countif(p) only rows where p is true.
func (c *countAcc) add(args, _ []types.Value) {
	if condTrue(args, c.cond) {
		c.n++
	}
}

func (c *countAcc) result() []types.Value { return []types.Value{types.NewLong(c.n)} }

type dcountAcc struct {
	seen map[string]bool
	cond int
	buf  []byte
}

func (d *dcountAcc) add(args, _ []types.Value) {
	if isNullish(args[0]) || !condTrue(args, d.cond) {
		return
	}
	d.buf = groupKey(d.buf[:0], args[0])
	if !d.seen[string(d.buf)] {
		d.seen[string(d.buf)] = true
	}
}

func (d *dcountAcc) result() []types.Value { return []types.Value{types.NewLong(int64(len(d.seen)))} }

type sumAcc struct {
	t    types.Type
	cond int
	i    int64
	f    float64
}

func (s *sumAcc) add(args, _ []types.Value) {
	v := args[0]
	if v.Type == types.Dynamic {
		v = types.DynamicScalar(v.D)
	}
	if isNullish(v) || !condTrue(args, s.cond) {
		return
	}
	if v.Type.UsesReals() {
		s.f += v.F
	} else {
		s.i += v.I
		s.f += float64(v.I)
	}
}

func (s *sumAcc) result() []types.Value {
	if s.t.UsesReals() {
		return []types.Value{{Type: s.t, F: s.f}}
	}
	return []types.Value{{Type: s.t, I: s.i}}
}

type avgAcc struct {
	cond int
	sum  float64
	n    int64
}

func (a *avgAcc) add(args, _ []types.Value) {
	v := args[0]
	if v.Type == types.Dynamic {
		v = types.DynamicScalar(v.D)
	}
	if isNullish(v) || !v.Type.IsNumeric() && v.Type != types.Timespan || !condTrue(args, a.cond) {
		return
	}
	a.sum += v.AsFloat()
	a.n++
}

func (a *avgAcc) result() []types.Value {
	if a.n == 0 {
		return []types.Value{types.NewReal(math.NaN())}
	}
	return []types.Value{types.NewReal(a.sum / float64(a.n))}
}

type minMaxAcc struct {
	t    types.Type
	max  bool
	cond int
	best types.Value
	has  bool
}

func (m *minMaxAcc) add(args, _ []types.Value) {
	v := args[0]
	if isNullish(v) || !condTrue(args, m.cond) {
		return
	}
	if v.Type.UsesReals() && math.IsNaN(v.F) {
		return
	}
	if !m.has {
		m.best, m.has = v, true
		return
	}
	c, ok := compareValues(v, m.best)
	if ok && (m.max && c > 0 || !m.max && c < 0) {
		m.best = v
	}
}

func (m *minMaxAcc) result() []types.Value {
	if !m.has {
		return []types.Value{types.NullOf(m.t)}
	}
	return []types.Value{coerce(m.best, m.t)}
}

// collectAcc implements make_set / make_list (and their _if forms).
type collectAcc struct {
	set       bool
	cond      int
	withNulls bool
	limit     int
	items     []any
	seen      map[string]bool
}

func newCollect(a *binder.AggCall, set bool, cond int, withNulls bool) *collectAcc {
	c := &collectAcc{set: set, cond: cond, withNulls: withNulls, limit: 1048576}
	if a.Name == "make_set_legacy" || a.Name == "make_list_legacy" {
		c.limit = 128
	}
	limitArg := 1
	if cond >= 0 {
		limitArg = 2
	}
	if limitArg < len(a.Args) {
		if k, ok := a.Args[limitArg].(*binder.Const); ok && !k.V.Null {
			if n := intArg(k.V); n > 0 && n < int64(c.limit) {
				c.limit = int(n)
			}
		}
	}
	if set {
		c.seen = map[string]bool{}
	}
	return c
}

func (c *collectAcc) add(args, _ []types.Value) {
	if !condTrue(args, c.cond) || len(c.items) >= c.limit {
		return
	}
	v := args[0]
	if isNullish(v) {
		if c.withNulls {
			c.items = append(c.items, nil)
		}
		return
	}
	d := v.ToDynamic()
	if c.set {
		// make_set over arrays collects their elements.
		if arr, ok := d.([]any); ok {
			for _, e := range arr {
				c.addSet(e)
			}
			return
		}
		c.addSet(d)
		return
	}
	c.items = append(c.items, keepable(d))
}

// keepable returns d ready to be kept past the current batch: a string may
// point into a whole row group's dictionary, and a copy lets the scan drop
// it.
func keepable(d any) any {
	if s, ok := d.(string); ok {
		return strings.Clone(s)
	}
	return d
}

func (c *collectAcc) addSet(d any) {
	if d == nil || len(c.items) >= c.limit {
		return
	}
	k := types.DynamicKey(d)
	if c.seen[k] {
		return
	}
	c.seen[k] = true
	c.items = append(c.items, keepable(d))
}

func (c *collectAcc) result() []types.Value {
	items := c.items
	if items == nil {
		items = []any{}
	}
	return []types.Value{types.NewDynamic(items)}
}

// anyAcc implements take_any: the first row seen (with non-null value for
// the single-argument form).
type anyAcc struct {
	n    int
	vals []types.Value
}

func (a *anyAcc) add(args, _ []types.Value) {
	if a.vals != nil {
		return
	}
	if len(args) == 1 && isNullish(args[0]) {
		return
	}
	a.vals = append([]types.Value(nil), args...)
	for i := range a.vals {
		a.vals[i].S = strings.Clone(a.vals[i].S)
	}
}

func (a *anyAcc) result() []types.Value {
	if a.vals == nil {
		out := make([]types.Value, a.n)
		for i := range out {
			out[i] = types.Value{Type: types.Null, Null: true}
		}
		return out
	}
	return a.vals
}

// argAcc implements arg_max/arg_min: the row where args[0] is largest
// (smallest); the first such row wins ties. A group whose value is always
// null still yields its first row.
type argAcc struct {
	max   bool
	n     int
	best  types.Value
	extra []types.Value
	has   bool
	valid bool
}

func (a *argAcc) add(args, extra []types.Value) {
	v := args[0]
	null := isNullish(v)
	if !a.has {
		a.has = true
		a.best, a.valid = v, !null
		a.extra = append([]types.Value(nil), extra...)
		return
	}
	if null {
		return
	}
	if !a.valid {
		a.best, a.valid = v, true
		a.extra = append(a.extra[:0], extra...)
		return
	}
	c, ok := compareValues(v, a.best)
	if ok && (a.max && c > 0 || !a.max && c < 0) {
		a.best = v
		a.extra = append(a.extra[:0], extra...)
	}
}

func (a *argAcc) result() []types.Value {
	out := make([]types.Value, 0, a.n)
	if !a.has {
		for i := 0; i < a.n; i++ {
			out = append(out, types.Value{Type: types.Null, Null: true})
		}
		return out
	}
	out = append(out, a.best)
	return append(out, a.extra...)
}

// varAcc implements stdev/variance (sample, n-1) with Welford's method.
type varAcc struct {
	stdev bool
	n     float64
	mean  float64
	m2    float64
}

func (v *varAcc) add(args, _ []types.Value) {
	x := types.DynamicScalar(args[0].ToDynamic())
	if isNullish(x) || !x.Type.IsNumeric() {
		return
	}
	f := x.AsFloat()
	v.n++
	d := f - v.mean
	v.mean += d / v.n
	v.m2 += d * (f - v.mean)
}

func (v *varAcc) result() []types.Value {
	if v.n < 2 {
		return []types.Value{types.NewReal(0)}
	}
	r := v.m2 / (v.n - 1)
	if v.stdev {
		r = math.Sqrt(r)
	}
	return []types.Value{types.NewReal(r)}
}
