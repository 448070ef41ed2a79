package engine

import (
	"math"
	"sort"

	"github.com/rmmhunt/rmmhunt/kql/binder"
	"github.com/rmmhunt/rmmhunt/kql/types"
)

// The series_* functions work on dynamic arrays of numbers, as produced by
// make-series and make_list. An element is numeric when it is a long or a
// real; anything else (null, strings, bools, missing elements of the shorter
// array) is not, and gives a null element where the documentation says so.

// snum is one series element.
type snum struct {
	f    float64
	i    int64
	kind uint8 // 0 not numeric, 1 long, 2 real
}

func (n snum) ok() bool { return n.kind != 0 }

// payload returns the element as a dynamic payload (int64, float64 or nil).
func (n snum) payload() any {
	switch n.kind {
	case 1:
		return n.i
	case 2:
		return n.f
	}
	return nil
}

func seriesElem(e any) snum {
	switch x := e.(type) {
	case int64:
		return snum{f: float64(x), i: x, kind: 1}
	case float64:
		return snum{f: x, kind: 2}
	}
	return snum{}
}

func scalarElem(v types.Value) snum {
	if v.Type == types.Dynamic {
		if v.Null {
			return snum{}
		}
		return seriesElem(v.D)
	}
	if isNullish(v) || !v.Type.IsNumeric() {
		return snum{}
	}
	if v.Type.UsesInts() {
		return snum{f: float64(v.I), i: v.I, kind: 1}
	}
	return snum{f: v.F, kind: 2}
}

// seriesOperand is an argument of an element-wise function: an array, or a
// number broadcast to every position.
type seriesOperand struct {
	arr    []any
	isArr  bool
	scalar snum
}

func newSeriesOperand(v types.Value) seriesOperand {
	if arr, ok := asArray(v); ok {
		return seriesOperand{arr: arr, isArr: true}
	}
	return seriesOperand{scalar: scalarElem(v)}
}

func (o seriesOperand) at(i int) snum {
	if !o.isArr {
		return o.scalar
	}
	if i < len(o.arr) {
		return seriesElem(o.arr[i])
	}
	return snum{}
}

// seriesFloats returns the elements of an array as float64 with a flag per
// element telling whether it is numeric; ok is false when v is no array.
func seriesFloats(v types.Value) (xs []float64, numeric []bool, ok bool) {
	arr, ok := asArray(v)
	if !ok {
		return nil, nil, false
	}
	xs = make([]float64, len(arr))
	numeric = make([]bool, len(arr))
	for i, e := range arr {
		n := seriesElem(e)
		xs[i], numeric[i] = n.f, n.ok()
	}
	return xs, numeric, true
}

// allNumeric returns the array's elements when every one is numeric.
func allNumeric(v types.Value) ([]float64, bool) {
	xs, numeric, ok := seriesFloats(v)
	if !ok {
		return nil, false
	}
	for _, n := range numeric {
		if !n {
			return nil, false
		}
	}
	return xs, true
}

func floatsToDynamic(xs []float64) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

func init() { registerSeriesFuncs() }

func registerSeriesFuncs() {
	fn := func(name string, f func(a []types.Value) types.Value) {
		scalarFuncs[name] = func(_ *evaluator, _ *binder.Call, a []types.Value) (types.Value, error) { return f(a), nil }
	}

	// Element-wise arithmetic: long with long stays long (add, subtract,
	// multiply); divide and pow are real, as documented.
	binary := func(name string, op func(x, y snum) any) {
		fn(name, func(a []types.Value) types.Value {
			l, r := newSeriesOperand(a[0]), newSeriesOperand(a[1])
			if !l.isArr && !r.isArr {
				return dynNull()
			}
			n := 0
			for _, o := range []seriesOperand{l, r} {
				if o.isArr && len(o.arr) > n {
					n = len(o.arr)
				}
			}
			out := make([]any, n)
			for i := range out {
				x, y := l.at(i), r.at(i)
				if x.ok() && y.ok() {
					out[i] = op(x, y)
				}
			}
			return types.NewDynamic(out)
		})
	}
	intOrReal := func(li func(x, y int64) int64, rf func(x, y float64) float64) func(x, y snum) any {
		return func(x, y snum) any {
			if x.kind == 1 && y.kind == 1 {
				return li(x.i, y.i)
			}
			return rf(x.f, y.f)
		}
	}
	binary("series_add", intOrReal(func(x, y int64) int64 { return x + y }, func(x, y float64) float64 { return x + y }))
	binary("series_subtract", intOrReal(func(x, y int64) int64 { return x - y }, func(x, y float64) float64 { return x - y }))
	binary("series_multiply", intOrReal(func(x, y int64) int64 { return x * y }, func(x, y float64) float64 { return x * y }))
	binary("series_divide", func(x, y snum) any { return x.f / y.f })
	binary("series_pow", func(x, y snum) any { return math.Pow(x.f, y.f) })
	cmp := func(x, y snum) int {
		if x.kind == 1 && y.kind == 1 {
			switch {
			case x.i < y.i:
				return -1
			case x.i > y.i:
				return 1
			}
			return 0
		}
		switch {
		case x.f < y.f:
			return -1
		case x.f > y.f:
			return 1
		case x.f == y.f:
			return 0
		}
		return 2 // NaN: unordered
	}
	compare := func(name string, test func(c int) bool) {
		binary(name, func(x, y snum) any { return test(cmp(x, y)) })
	}
	compare("series_equals", func(c int) bool { return c == 0 })
	compare("series_not_equals", func(c int) bool { return c != 0 })
	compare("series_greater", func(c int) bool { return c == 1 })
	compare("series_greater_equals", func(c int) bool { return c == 1 || c == 0 })
	compare("series_less", func(c int) bool { return c == -1 })
	compare("series_less_equals", func(c int) bool { return c == -1 || c == 0 })

	// Element-wise unary math; abs, ceiling and floor keep longs long.
	unary := func(name string, op func(x snum) any) {
		fn(name, func(a []types.Value) types.Value {
			arr, ok := asArray(a[0])
			if !ok {
				return dynNull()
			}
			out := make([]any, len(arr))
			for i, e := range arr {
				if x := seriesElem(e); x.ok() {
					out[i] = op(x)
				}
			}
			return types.NewDynamic(out)
		})
	}
	realUnary := func(name string, f func(float64) float64) {
		unary(name, func(x snum) any { return f(x.f) })
	}
	unary("series_abs", func(x snum) any {
		if x.kind == 1 {
			return abs64(x.i)
		}
		return math.Abs(x.f)
	})
	unary("series_ceiling", func(x snum) any {
		if x.kind == 1 {
			return x.i
		}
		return math.Ceil(x.f)
	})
	unary("series_floor", func(x snum) any {
		if x.kind == 1 {
			return x.i
		}
		return math.Floor(x.f)
	})
	realUnary("series_acos", math.Acos)
	realUnary("series_asin", math.Asin)
	realUnary("series_atan", math.Atan)
	realUnary("series_cos", math.Cos)
	realUnary("series_sin", math.Sin)
	realUnary("series_tan", math.Tan)
	realUnary("series_exp", math.Exp)
	realUnary("series_log", math.Log)
	realUnary("series_sign", func(x float64) float64 {
		switch {
		case x > 0:
			return 1
		case x < 0:
			return -1
		}
		return x
	})

	// Filling.
	fn("series_fill_forward", func(a []types.Value) types.Value { return seriesFillDirectional(a, false) })
	fn("series_fill_backward", func(a []types.Value) types.Value { return seriesFillDirectional(a, true) })
	fn("series_fill_const", func(a []types.Value) types.Value {
		arr, ok := asArray(a[0])
		if !ok {
			return dynNull()
		}
		missing := missingTest(a, 2)
		c := dynPayload(a[1])
		out := make([]any, len(arr))
		for i, e := range arr {
			if missing(e) {
				out[i] = c
			} else {
				out[i] = e
			}
		}
		return types.NewDynamic(out)
	})
	fn("series_fill_linear", seriesFillLinear)

	// Filters.
	fn("series_fir", seriesFIR)
	fn("series_iir", seriesIIR)

	// Statistics and regression.
	scalarFuncs["series_stats"] = func(_ *evaluator, _ *binder.Call, a []types.Value) (types.Value, error) {
		st, ok := seriesStatsOf(a)
		if !ok {
			return types.NewDynamic(make([]any, 7)), nil
		}
		return types.NewDynamic([]any{st.min, st.minIdx, st.max, st.maxIdx, st.avg, st.stdev, st.variance}), nil
	}
	fn("series_stats_dynamic", func(a []types.Value) types.Value {
		st, ok := seriesStatsOf(a)
		if !ok {
			return dynNull()
		}
		b := types.NewBag()
		b.Set("min", st.min)
		b.Set("min_idx", st.minIdx)
		b.Set("max", st.max)
		b.Set("max_idx", st.maxIdx)
		b.Set("avg", st.avg)
		b.Set("stdev", st.stdev)
		b.Set("variance", st.variance)
		b.Set("sum", st.sum)
		b.Set("len", st.length)
		return types.NewDynamic(b)
	})
	fn("series_fit_line", func(a []types.Value) types.Value {
		xs, ok := allNumeric(a[0])
		if !ok || len(xs) == 0 {
			return types.NewDynamic(make([]any, 6))
		}
		f := fitLine(xs, len(xs))
		return types.NewDynamic([]any{f.rsquare, f.slope, f.variance, f.rvariance, f.interception, floatsToDynamic(f.line)})
	})
	fn("series_fit_line_dynamic", func(a []types.Value) types.Value {
		xs, ok := allNumeric(a[0])
		if !ok || len(xs) == 0 {
			return dynNull()
		}
		f := fitLine(xs, len(xs))
		b := types.NewBag()
		b.Set("rsquare", f.rsquare)
		b.Set("slope", f.slope)
		b.Set("variance", f.variance)
		b.Set("rvariance", f.rvariance)
		b.Set("interception", f.interception)
		b.Set("line_fit", floatsToDynamic(f.line))
		return types.NewDynamic(b)
	})
	fn("series_pearson_correlation", func(a []types.Value) types.Value {
		xs, ok1 := allNumeric(a[0])
		ys, ok2 := allNumeric(a[1])
		if !ok1 || !ok2 || len(xs) != len(ys) || len(xs) == 0 {
			return types.NullOf(types.Real)
		}
		n := float64(len(xs))
		var mx, my float64
		for i := range xs {
			mx += xs[i]
			my += ys[i]
		}
		mx /= n
		my /= n
		var sxy, sxx, syy float64
		for i := range xs {
			dx, dy := xs[i]-mx, ys[i]-my
			sxy += dx * dy
			sxx += dx * dx
			syy += dy * dy
		}
		return types.NewReal(sxy / math.Sqrt(sxx*syy))
	})
	fn("series_dot_product", func(a []types.Value) types.Value {
		l, r := newSeriesOperand(a[0]), newSeriesOperand(a[1])
		n := -1
		for _, o := range []seriesOperand{l, r} {
			if o.isArr && (n < 0 || len(o.arr) < n) {
				n = len(o.arr)
			}
		}
		if n <= 0 {
			return types.NullOf(types.Real)
		}
		sum := 0.0
		for i := 0; i < n; i++ {
			if x, y := l.at(i), r.at(i); x.ok() && y.ok() {
				sum += x.f * y.f
			}
		}
		return types.NewReal(sum)
	})

	// Decomposition with a given period.
	fn("series_seasonal", func(a []types.Value) types.Value {
		xs, numeric, ok := seriesFloats(a[0])
		if !ok {
			return dynNull()
		}
		period, tp := optInt(a, 1, -1), optInt(a, 2, 0)
		learn := len(xs) - int(tp)
		if tp < 0 || learn < 0 {
			return dynNull()
		}
		return types.NewDynamic(floatsToDynamic(seasonalComponent(xs, numeric, int(period), learn)))
	})
	scalarFuncs["series_decompose"] = func(_ *evaluator, _ *binder.Call, a []types.Value) (types.Value, error) {
		d, ok := decompose(a[0], optInt(a, 1, -1), optString(a, 2, "avg"), optInt(a, 3, 0))
		if !ok {
			return types.NewDynamic(make([]any, 4)), nil
		}
		return types.NewDynamic([]any{floatsToDynamic(d.baseline), floatsToDynamic(d.seasonal), floatsToDynamic(d.trend), floatsToDynamic(d.residual)}), nil
	}
	fn("series_decompose_forecast", func(a []types.Value) types.Value {
		points, ok := intArgOK(a[1])
		if !ok {
			return dynNull()
		}
		d, ok := decompose(a[0], optInt(a, 2, -1), optString(a, 3, "avg"), points)
		if !ok {
			return dynNull()
		}
		return types.NewDynamic(floatsToDynamic(d.baseline))
	})

	// Output i of a tuple-valued call (see binder.TupleItem).
	scalarFuncs[binder.TupleItem] = func(_ *evaluator, x *binder.Call, a []types.Value) (types.Value, error) {
		arr, _ := asArray(a[0])
		i := int(a[1].I)
		var e any
		if i < len(arr) {
			e = arr[i]
		}
		switch x.T {
		case types.Dynamic:
			return types.NewDynamic(e), nil
		case types.Long:
			if n := seriesElem(e); n.ok() {
				if n.kind == 1 {
					return types.NewLong(n.i), nil
				}
				return types.NewLong(int64(n.f)), nil
			}
		case types.Real:
			if n := seriesElem(e); n.ok() {
				return types.NewReal(n.f), nil
			}
		}
		return types.NullOf(x.T), nil
	}
}

// optInt returns argument i as an integer, or def when it is absent.
func optInt(a []types.Value, i int, def int64) int64 {
	if i >= len(a) {
		return def
	}
	if n, ok := intArgOK(a[i]); ok {
		return n
	}
	return def
}

// optString returns argument i as a string, or def when it is absent.
func optString(a []types.Value, i int, def string) string {
	if i >= len(a) {
		return def
	}
	return a[i].String()
}

// optBool returns argument i as a bool and whether it was given.
func optBool(a []types.Value, i int) (val, given bool) {
	if i >= len(a) || isNullish(a[i]) {
		return false, false
	}
	v := a[i]
	if v.Type == types.Dynamic {
		v = types.DynamicScalar(v.D)
	}
	if v.Type != types.Bool || v.Null {
		return false, false
	}
	return v.I != 0, true
}

// missingTest returns the test for missing elements given the optional
// missing_value_placeholder at argument i: null by default (a null
// placeholder of any type means null), else elements numerically equal to it.
func missingTest(a []types.Value, i int) func(e any) bool {
	if i >= len(a) || isNullish(a[i]) || a[i].Type == types.Dynamic && a[i].D == nil {
		return func(e any) bool { return e == nil }
	}
	ph := scalarElem(a[i])
	if !ph.ok() {
		return func(e any) bool { return e == nil }
	}
	return func(e any) bool {
		n := seriesElem(e)
		if !n.ok() {
			return false
		}
		if n.kind == 1 && ph.kind == 1 {
			return n.i == ph.i
		}
		return n.f == ph.f
	}
}

// seriesFillDirectional implements series_fill_forward (each missing element
// takes the nearest value to its left) and series_fill_backward (to its
// right); missing elements with no such value stay.
func seriesFillDirectional(a []types.Value, backward bool) types.Value {
	arr, ok := asArray(a[0])
	if !ok {
		return dynNull()
	}
	missing := missingTest(a, 1)
	out := make([]any, len(arr))
	copy(out, arr)
	var last any
	have := false
	for k := range out {
		i := k
		if backward {
			i = len(out) - 1 - k
		}
		if missing(out[i]) {
			if have {
				out[i] = last
			}
			continue
		}
		last, have = out[i], true
	}
	return types.NewDynamic(out)
}

// seriesFillLinear implements series_fill_linear(series [, placeholder [,
// fill_edges [, constant_value]]]): missing elements between two values are
// interpolated on a line (truncated to an integer when every value is a
// long), those at the edges take the nearest value unless fill_edges is
// false, and an array with no value is filled with constant_value (0).
func seriesFillLinear(a []types.Value) types.Value {
	arr, ok := asArray(a[0])
	if !ok {
		return dynNull()
	}
	missing := missingTest(a, 1)
	fillEdges := true
	if v, given := optBool(a, 2); given {
		fillEdges = v
	}
	out := make([]any, len(arr))
	copy(out, arr)
	var valid []int
	ints := true
	for i, e := range arr {
		if missing(e) {
			continue
		}
		n := seriesElem(e)
		if !n.ok() {
			continue
		}
		valid = append(valid, i)
		if n.kind != 1 {
			ints = false
		}
	}
	if len(valid) == 0 {
		var c any = 0.0
		if len(a) > 3 {
			c = dynPayload(a[3])
			if n := seriesElem(c); n.ok() {
				c = n.payload()
			}
		}
		for i := range out {
			if missing(arr[i]) {
				out[i] = c
			}
		}
		return types.NewDynamic(out)
	}
	for k := 0; k+1 < len(valid); k++ {
		l, r := valid[k], valid[k+1]
		yl, yr := seriesElem(arr[l]).f, seriesElem(arr[r]).f
		for i := l + 1; i < r; i++ {
			if !missing(arr[i]) {
				continue
			}
			v := yl + (yr-yl)*float64(i-l)/float64(r-l)
			if ints {
				out[i] = int64(v)
			} else {
				out[i] = v
			}
		}
	}
	if fillEdges {
		first, last := valid[0], valid[len(valid)-1]
		for i := 0; i < first; i++ {
			if missing(arr[i]) {
				out[i] = arr[first]
			}
		}
		for i := last + 1; i < len(arr); i++ {
			if missing(arr[i]) {
				out[i] = arr[last]
			}
		}
	}
	return types.NewDynamic(out)
}

// seriesFIR implements series_fir(series, filter [, normalize [, center]]):
// y[i] = sum over k of c[k]*x[i-k] (x is 0 before the start and after the
// end), where c is the filter, divided by its sum when normalizing. The
// default normalizes unless a coefficient is negative; asking to normalize
// such a filter gives null. A centered filter of m coefficients is shifted
// (m-1)/2 points forward.
func seriesFIR(a []types.Value) types.Value {
	xs, numeric, ok := seriesFloats(a[0])
	if !ok {
		return dynNull()
	}
	c, ok := allNumeric(a[1])
	if !ok || len(c) == 0 {
		return dynNull()
	}
	negative := false
	sum := 0.0
	for _, v := range c {
		sum += v
		if v < 0 {
			negative = true
		}
	}
	normalize, given := optBool(a, 2)
	if !given {
		normalize = !negative
	}
	if normalize {
		if negative {
			return dynNull()
		}
		for k := range c {
			c[k] /= sum
		}
	}
	center, _ := optBool(a, 3)
	shift := 0
	if center {
		shift = (len(c) - 1) / 2
	}
	out := make([]any, len(xs))
	for i := range xs {
		y, valid := 0.0, true
		for k, ck := range c {
			j := i + shift - k
			if j < 0 || j >= len(xs) {
				continue
			}
			if !numeric[j] {
				valid = false
				break
			}
			y += ck * xs[j]
		}
		if valid {
			out[i] = y
		}
	}
	return types.NewDynamic(out)
}

// seriesIIR implements series_iir(series, numerators b, denominators a):
// y[i] = (sum b[k]*x[i-k] - sum over k>=1 of a[k]*y[i-k]) / a[0], with zero
// initial conditions.
func seriesIIR(a []types.Value) types.Value {
	xs, ok := allNumeric(a[0])
	if !ok {
		return dynNull()
	}
	b, ok1 := allNumeric(a[1])
	den, ok2 := allNumeric(a[2])
	if !ok1 || !ok2 || len(b) == 0 || len(den) == 0 || den[0] == 0 {
		return dynNull()
	}
	ys := make([]float64, len(xs))
	for i := range xs {
		s := 0.0
		for k, bk := range b {
			if i-k >= 0 {
				s += bk * xs[i-k]
			}
		}
		for k := 1; k < len(den); k++ {
			if i-k >= 0 {
				s -= den[k] * ys[i-k]
			}
		}
		ys[i] = s / den[0]
	}
	return types.NewDynamic(floatsToDynamic(ys))
}

type seriesStats struct {
	min, max, avg, stdev, variance, sum float64
	minIdx, maxIdx, length              int64
}

// seriesStatsOf computes series_stats(series [, ignore_nonfinite]): with
// ignore_nonfinite false (the default) a null, NaN, infinite or
// non-numeric element makes every statistic null; otherwise such elements
// are skipped. Indexes are positions in the input; the variance is the
// sample variance (0 for a single value).
//
// The documented example (min 2 at 8, max 87 at 3, avg 32.8, stdev
// 28.503633853548269, variance 812.45714285714291) is pinned by the tests.
func seriesStatsOf(a []types.Value) (seriesStats, bool) {
	arr, ok := asArray(a[0])
	if !ok {
		return seriesStats{}, false
	}
	ignore, _ := optBool(a, 1)
	st := seriesStats{length: int64(len(arr)), min: math.Inf(1), max: math.Inf(-1)}
	var vals []float64
	for i, e := range arr {
		n := seriesElem(e)
		if !n.ok() || math.IsNaN(n.f) || math.IsInf(n.f, 0) {
			if ignore {
				continue
			}
			return seriesStats{}, false
		}
		if n.f < st.min {
			st.min, st.minIdx = n.f, int64(i)
		}
		if n.f > st.max {
			st.max, st.maxIdx = n.f, int64(i)
		}
		st.sum += n.f
		vals = append(vals, n.f)
	}
	if len(vals) == 0 {
		return seriesStats{}, false
	}
	n := float64(len(vals))
	st.avg = st.sum / n
	if len(vals) > 1 {
		// (n*sum(x^2) - sum(x)^2) / (n*(n-1)): the form whose rounding
		// reproduces the documented 812.45714285714291 to the last digit.
		sq := 0.0
		for _, v := range vals {
			sq += v * v
		}
		st.variance = (n*sq - st.sum*st.sum) / (n * (n - 1))
	}
	st.stdev = math.Sqrt(st.variance)
	return st, true
}

type lineFit struct {
	rsquare, slope, variance, rvariance, interception float64
	line                                              []float64
}

// fitLine fits y = slope*x + interception by least squares to ys[:learn] at
// x = 1, 2, ..., and evaluates the line at every position of ys. variance is
// the sample variance of the fitted values' inputs, rvariance the residual
// sum of squares over n-1, and rsquare 1 - residual/total sum of squares
// (the documented example: y = [2,5,6,...] gives 0.982, 2.730, 98.628,
// 1.686, -1.666).
func fitLine(ys []float64, learn int) lineFit {
	n := float64(learn)
	var mx, my float64
	for i := 0; i < learn; i++ {
		mx += float64(i + 1)
		my += ys[i]
	}
	mx /= n
	my /= n
	var sxy, sxx float64
	for i := 0; i < learn; i++ {
		dx := float64(i+1) - mx
		sxy += dx * (ys[i] - my)
		sxx += dx * dx
	}
	f := lineFit{slope: sxy / sxx}
	if learn == 1 {
		f.slope = 0
	}
	f.interception = my - f.slope*mx
	f.line = make([]float64, len(ys))
	for i := range ys {
		f.line[i] = f.slope*float64(i+1) + f.interception
	}
	var ss, rs float64
	for i := 0; i < learn; i++ {
		ss += (ys[i] - my) * (ys[i] - my)
		rs += (ys[i] - f.line[i]) * (ys[i] - f.line[i])
	}
	if learn > 1 {
		f.variance = ss / (n - 1)
		f.rvariance = rs / (n - 1)
	}
	f.rsquare = 1 - rs/ss
	return f
}

// seasonalComponent returns, for every position, the median of the learned
// values (the first learn ones) in the same phase of the period; a phase
// with no value, and any period below 1, give 0.
func seasonalComponent(xs []float64, numeric []bool, period, learn int) []float64 {
	out := make([]float64, len(xs))
	if period < 1 {
		return out
	}
	med := make([]float64, period)
	for p := 0; p < period; p++ {
		var vals []float64
		for i := p; i < learn; i += period {
			if numeric[i] {
				vals = append(vals, xs[i])
			}
		}
		med[p] = median(vals)
	}
	for i := range out {
		out[i] = med[i%period]
	}
	return out
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return (s[m-1] + s[m]) / 2
}

type decomposition struct {
	baseline, seasonal, trend, residual []float64
}

// decompose implements series_decompose with a given period, as
// documented: the seasonal component is the per-phase median, the trend is
// extracted from the deseasonalized series (its average, a fitted line, or
// none), baseline = seasonal + trend and residual = x - baseline. The last
// testPoints points are left out of the learning and extrapolated.
func decompose(series types.Value, period int64, trend string, testPoints int64) (decomposition, bool) {
	xs, ok := allNumeric(series)
	if !ok || testPoints < 0 || testPoints > int64(len(xs)) {
		return decomposition{}, false
	}
	learn := len(xs) - int(testPoints)
	numeric := make([]bool, len(xs))
	for i := range numeric {
		numeric[i] = true
	}
	d := decomposition{seasonal: seasonalComponent(xs, numeric, int(period), learn)}
	des := make([]float64, len(xs))
	for i := range xs {
		des[i] = xs[i] - d.seasonal[i]
	}
	d.trend = make([]float64, len(xs))
	switch trend {
	case "avg":
		if learn > 0 {
			s := 0.0
			for i := 0; i < learn; i++ {
				s += des[i]
			}
			for i := range d.trend {
				d.trend[i] = s / float64(learn)
			}
		}
	case "linefit":
		if learn > 0 {
			copy(d.trend, fitLine(des, learn).line)
		}
	case "none":
	default:
		return decomposition{}, false
	}
	d.baseline = make([]float64, len(xs))
	d.residual = make([]float64, len(xs))
	for i := range xs {
		d.baseline[i] = d.seasonal[i] + d.trend[i]
		d.residual[i] = xs[i] - d.baseline[i]
	}
	return d, true
}
