package engine

import (
	"github.com/rmmhunt/rmmhunt/kql/binder"
	"github.com/rmmhunt/rmmhunt/kql/types"
)

// Collecting and picking aggregates (make_bag with limits, make_bag_if,
// take_anyif, count_distinctif) and the distinct-count sketches.
//
// hll(), hll_if() and hll_merge() are kept exact: instead of HyperLogLog
// registers the "sketch" holds the distinct values themselves, so
// dcount_hll() returns the exact count. Kusto's estimate equals the exact
// count at the sizes hunting queries see (see kql-semantics.md §7, dcount);
// the sketch's text form differs from Kusto's binary one.

// hllKey is the property of the bag that carries an exact sketch's values.
const hllKey = "exact_distinct_values"

func init() {
	for name, f := range map[string]func(a *binder.AggCall) accumulator{
		"make_bag":         func(a *binder.AggCall) accumulator { return newBagAcc(a, -1) },
		"make_bag_if":      func(a *binder.AggCall) accumulator { return newBagAcc(a, 1) },
		"take_anyif":       func(*binder.AggCall) accumulator { return &anyIfAcc{} },
		"count_distinctif": func(*binder.AggCall) accumulator { return &dcountAcc{seen: map[string]bool{}, cond: 1} },
		"hll":              func(*binder.AggCall) accumulator { return newHLLAcc(-1, false) },
		"hll_if":           func(*binder.AggCall) accumulator { return newHLLAcc(1, false) },
		"hll_merge":        func(*binder.AggCall) accumulator { return newHLLAcc(-1, true) },
	} {
		aggImpls[name] = f
	}
	scalarFuncs["hll_merge"] = func(_ *evaluator, _ *binder.Call, a []types.Value) (types.Value, error) {
		acc := newHLLAcc(-1, true)
		for _, v := range a {
			acc.add([]types.Value{v}, nil)
		}
		return acc.result()[0], nil
	}
	scalarFuncs["dcount_hll"] = func(_ *evaluator, _ *binder.Call, a []types.Value) (types.Value, error) {
		vals, ok := hllValues(a[0])
		if !ok {
			return types.NullOf(types.Long), nil
		}
		return types.NewLong(int64(len(vals))), nil
	}
}

// bagMergeAcc implements make_bag and make_bag_if: the union of the bags,
// the first value of a key kept, at most limit keys.
type bagMergeAcc struct {
	cond  int
	limit int
	bag   *types.Bag
}

func newBagAcc(a *binder.AggCall, cond int) *bagMergeAcc {
	acc := &bagMergeAcc{cond: cond, limit: 1 << 20, bag: types.NewBag()}
	limitArg := 1
	if cond >= 0 {
		limitArg = 2
	}
	if limitArg < len(a.Args) {
		if k, ok := a.Args[limitArg].(*binder.Const); ok && !k.V.Null {
			if n := intArg(k.V); n > 0 && n < int64(acc.limit) {
				acc.limit = int(n)
			}
		}
	}
	return acc
}

func (b *bagMergeAcc) add(args, _ []types.Value) {
	bag, ok := asBag(args[0])
	if !ok || !condTrue(args, b.cond) {
		return
	}
	for i, k := range bag.Keys {
		if b.bag.Len() >= b.limit {
			return
		}
		if _, exists := b.bag.Get(k); !exists {
			b.bag.Set(k, bag.Vals[i])
		}
	}
}

func (b *bagMergeAcc) result() []types.Value { return []types.Value{types.NewDynamic(b.bag)} }

// anyIfAcc implements take_anyif: the first non-null value of a row where
// the predicate holds.
type anyIfAcc struct {
	v   types.Value
	has bool
}

func (a *anyIfAcc) add(args, _ []types.Value) {
	if a.has || isNullish(args[0]) || !condTrue(args, 1) {
		return
	}
	a.v, a.has = args[0], true
}

func (a *anyIfAcc) result() []types.Value {
	if !a.has {
		return []types.Value{{Type: types.Null, Null: true}}
	}
	return []types.Value{a.v}
}

// hllAcc builds an exact distinct-value sketch, from values (hll, hll_if) or
// from other sketches (hll_merge).
type hllAcc struct {
	cond   int
	merge  bool
	seen   map[string]bool
	values []any
}

func newHLLAcc(cond int, merge bool) *hllAcc {
	return &hllAcc{cond: cond, merge: merge, seen: map[string]bool{}}
}

func (h *hllAcc) addValue(d any) {
	if d == nil {
		return
	}
	k := types.DynamicKey(d)
	if !h.seen[k] {
		h.seen[k] = true
		h.values = append(h.values, d)
	}
}

func (h *hllAcc) add(args, _ []types.Value) {
	if !condTrue(args, h.cond) {
		return
	}
	if h.merge {
		vals, ok := hllValues(args[0])
		if !ok {
			return
		}
		for _, d := range vals {
			h.addValue(d)
		}
		return
	}
	if isNullish(args[0]) {
		return
	}
	h.addValue(args[0].ToDynamic())
}

func (h *hllAcc) result() []types.Value {
	vals := h.values
	if vals == nil {
		vals = []any{}
	}
	bag := types.NewBag()
	bag.Set(hllKey, vals)
	return []types.Value{types.NewDynamic(bag)}
}

// hllValues returns the values of an exact sketch.
func hllValues(v types.Value) ([]any, bool) {
	bag, ok := asBag(v)
	if !ok || bag.Len() != 1 {
		return nil, false
	}
	d, _ := bag.Get(hllKey)
	arr, ok := d.([]any)
	return arr, ok
}
