package engine

import (
	"math"

	"github.com/rmmhunt/rmmhunt/kql/binder"
	"github.com/rmmhunt/rmmhunt/kql/types"
)

func truthy(v types.Value) (bool, bool) {
	if isNullish(v) {
		return false, false
	}
	if v.Type == types.Dynamic {
		b, ok := v.D.(bool)
		return b, ok
	}
	return v.I != 0, true
}

func registerMiscFuncs() {
	scalarFuncs["not"] = func(_ *evaluator, _ *binder.Call, a []types.Value) (types.Value, error) {
		b, ok := truthy(a[0])
		if !ok {
			return types.NullOf(types.Bool), nil
		}
		return types.NewBool(!b), nil
	}
	scalarFuncs["iff"] = func(_ *evaluator, x *binder.Call, a []types.Value) (types.Value, error) {
		if b, ok := truthy(a[0]); ok && b {
			return coerce(a[1], x.T), nil
		}
		return coerce(a[2], x.T), nil
	}
	scalarFuncs["case"] = func(_ *evaluator, x *binder.Call, a []types.Value) (types.Value, error) {
		for i := 0; i+1 < len(a); i += 2 {
			if b, ok := truthy(a[i]); ok && b {
				return coerce(a[i+1], x.T), nil
			}
		}
		return coerce(a[len(a)-1], x.T), nil
	}
	scalarFuncs["coalesce"] = func(_ *evaluator, x *binder.Call, a []types.Value) (types.Value, error) {
		for _, v := range a {
			if !isNullish(v) && !(v.Type == types.String && v.S == "") {
				return coerce(v, x.T), nil
			}
		}
		return types.NullOf(x.T), nil
	}
	scalarFuncs["isempty"] = func(_ *evaluator, _ *binder.Call, a []types.Value) (types.Value, error) {
		return types.NewBool(a[0].IsNullOrEmpty() || isNullish(a[0])), nil
	}
	scalarFuncs["isnotempty"] = func(_ *evaluator, _ *binder.Call, a []types.Value) (types.Value, error) {
		return types.NewBool(!(a[0].IsNullOrEmpty() || isNullish(a[0]))), nil
	}
	scalarFuncs["isnull"] = func(_ *evaluator, _ *binder.Call, a []types.Value) (types.Value, error) {
		return types.NewBool(isNullish(a[0]) && a[0].Type != types.String), nil
	}
	scalarFuncs["isnotnull"] = func(_ *evaluator, _ *binder.Call, a []types.Value) (types.Value, error) {
		return types.NewBool(!(isNullish(a[0]) && a[0].Type != types.String)), nil
	}
	scalarFuncs["gettype"] = func(_ *evaluator, _ *binder.Call, a []types.Value) (types.Value, error) {
		v := a[0]
		if v.Type == types.Dynamic {
			switch d := v.D.(type) {
			case nil:
				return str("null"), nil
			case []any:
				return str("array"), nil
			case *types.Bag:
				return str("dictionary"), nil
			case bool:
				return str("bool"), nil
			case int64:
				return str("long"), nil
			case float64:
				return str("real"), nil
			case string:
				return str("string"), nil
			default:
				_ = d
				return str(types.DynamicScalar(v.D).Type.String()), nil
			}
		}
		if v.Null && v.Type != types.String {
			return str("null"), nil
		}
		switch v.Type {
		case types.Real:
			return str("real"), nil
		case types.Bool:
			return str("bool"), nil
		}
		return str(v.Type.String()), nil
	}
	num := func(name string, f func(x float64, a []types.Value) float64) {
		scalarFuncs[name] = func(_ *evaluator, x *binder.Call, a []types.Value) (types.Value, error) {
			v := a[0]
			if v.Type == types.Dynamic {
				v = types.DynamicScalar(v.D)
			}
			if isNullish(v) || !v.Type.IsNumeric() {
				return types.NullOf(x.T), nil
			}
			return coerce(types.NewReal(f(v.AsFloat(), a)), x.T), nil
		}
	}
	num("sqrt", func(x float64, _ []types.Value) float64 { return math.Sqrt(x) })
	num("log", func(x float64, _ []types.Value) float64 { return math.Log(x) })
	num("log10", func(x float64, _ []types.Value) float64 { return math.Log10(x) })
	num("log2", func(x float64, _ []types.Value) float64 { return math.Log2(x) })
	num("exp", func(x float64, _ []types.Value) float64 { return math.Exp(x) })
	num("pow", func(x float64, a []types.Value) float64 {
		return math.Pow(x, types.DynamicScalar(a[1].ToDynamic()).AsFloat())
	})
	num("ceiling", func(x float64, _ []types.Value) float64 { return math.Ceil(x) })
	scalarFuncs["round"] = func(_ *evaluator, x *binder.Call, a []types.Value) (types.Value, error) {
		v := types.DynamicScalar(a[0].ToDynamic())
		if isNullish(v) || !v.Type.IsNumeric() {
			return types.NullOf(x.T), nil
		}
		p := 0.0
		if len(a) > 1 {
			p = float64(intArg(a[1]))
		}
		var r float64
		if p < 0 {
			// round(-50.55, -2) == -100: divide by the exact power of ten.
			scale := math.Pow(10, -p)
			r = math.Round(v.AsFloat()/scale) * scale
		} else {
			scale := math.Pow(10, p)
			r = math.Round(v.AsFloat()*scale) / scale
		}
		return coerce(types.NewReal(r), x.T), nil
	}
	scalarFuncs["abs"] = func(_ *evaluator, x *binder.Call, a []types.Value) (types.Value, error) {
		v := a[0]
		if v.Type == types.Dynamic {
			v = types.DynamicScalar(v.D)
		}
		if isNullish(v) {
			return types.NullOf(x.T), nil
		}
		if v.Type.UsesInts() {
			return coerce(types.Value{Type: v.Type, I: abs64(v.I)}, x.T), nil
		}
		return coerce(types.Value{Type: v.Type, F: math.Abs(v.F)}, x.T), nil
	}
	scalarFuncs["isnan"] = func(_ *evaluator, _ *binder.Call, a []types.Value) (types.Value, error) {
		v := types.DynamicScalar(a[0].ToDynamic())
		return types.NewBool(v.Type.UsesReals() && math.IsNaN(v.F)), nil
	}
	for _, name := range []string{"max_of", "min_of"} {
		isMax := name == "max_of"
		scalarFuncs[name] = func(_ *evaluator, x *binder.Call, a []types.Value) (types.Value, error) {
			var best types.Value
			found := false
			for _, v := range a {
				if isNullish(v) {
					continue
				}
				if !found {
					best, found = v, true
					continue
				}
				c, ok := compareValues(v, best)
				if ok && (isMax && c > 0 || !isMax && c < 0) {
					best = v
				}
			}
			if !found {
				return types.NullOf(x.T), nil
			}
			return coerce(best, x.T), nil
		}
	}
	scalarFuncs["array_length"] = func(_ *evaluator, _ *binder.Call, a []types.Value) (types.Value, error) {
		if arr, ok := a[0].D.([]any); ok && a[0].Type == types.Dynamic {
			return types.NewLong(int64(len(arr))), nil
		}
		return types.NullOf(types.Long), nil
	}
	scalarFuncs["pack_array"] = func(_ *evaluator, _ *binder.Call, a []types.Value) (types.Value, error) {
		arr := make([]any, len(a))
		for i, v := range a {
			arr[i] = v.ToDynamic()
		}
		return types.NewDynamic(arr), nil
	}
	scalarFuncs["bag_pack"] = func(_ *evaluator, _ *binder.Call, a []types.Value) (types.Value, error) {
		bag := types.NewBag()
		for i := 0; i+1 < len(a); i += 2 {
			bag.Set(a[i].String(), a[i+1].ToDynamic())
		}
		return types.NewDynamic(bag), nil
	}
}
