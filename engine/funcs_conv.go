package engine

import (
	"math"
	"strconv"
	"strings"

	"github.com/rmmhunt/rmmhunt/kql/binder"
	"github.com/rmmhunt/rmmhunt/kql/types"
)

func registerConvFuncs() {
	for name, t := range map[string]types.Type{
		"tostring": types.String, "tolong": types.Long, "toint": types.Int, "toreal": types.Real,
		"todecimal": types.Decimal, "todatetime": types.Datetime, "totimespan": types.Timespan,
		"tobool": types.Bool, "toguid": types.Guid, "todynamic": types.Dynamic,
	} {
		t := t
		scalarFuncs[name] = func(_ *evaluator, _ *binder.Call, a []types.Value) (types.Value, error) {
			return convertTo(a[0], t), nil
		}
	}
}

// convertTo converts v to type t as Kusto's to*() functions do: failures give
// null (never an error), tostring of null is "", todynamic of a string parses
// JSON (invalid JSON stays a dynamic string).
func convertTo(v types.Value, t types.Type) types.Value {
	if t == types.String {
		return types.NewString(v.String())
	}
	if t == types.Dynamic {
		if v.Null {
			return types.NewDynamic(nil)
		}
		if v.Type == types.String {
			if d, ok := types.ParseJSON(v.S); ok {
				return types.NewDynamic(d)
			}
			return types.NewDynamic(v.S)
		}
		return types.NewDynamic(v.ToDynamic())
	}
	if v.Type == types.Dynamic {
		if v.Null || v.D == nil {
			return types.NullOf(t)
		}
		switch v.D.(type) {
		case []any, *types.Bag:
			return types.NullOf(t)
		}
		v = types.DynamicScalar(v.D)
	}
	if v.Null || v.Type == types.Null {
		return types.NullOf(t)
	}
	if v.Type == t {
		return v
	}
	switch t {
	case types.Long, types.Int:
		var n int64
		switch {
		case v.Type.UsesReals():
			if math.IsNaN(v.F) || math.IsInf(v.F, 0) {
				return types.NullOf(t)
			}
			n = int64(v.F)
		case v.Type == types.Bool || v.Type.IsInteger():
			n = v.I
		case v.Type == types.Datetime || v.Type == types.Timespan:
			n = v.I
		case v.Type == types.String:
			s := strings.TrimSpace(v.S)
			i, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				return types.NullOf(t)
			}
			n = i
		default:
			return types.NullOf(t)
		}
		if t == types.Int {
			if n > math.MaxInt32 || n < math.MinInt32 {
				return types.NullOf(t)
			}
		}
		return types.Value{Type: t, I: n}
	case types.Real, types.Decimal:
		switch {
		case v.Type.UsesReals():
			return types.Value{Type: t, F: v.F}
		case v.Type.IsInteger() || v.Type == types.Bool:
			return types.Value{Type: t, F: float64(v.I)}
		case v.Type == types.Timespan || v.Type == types.Datetime:
			return types.Value{Type: t, F: float64(v.I)}
		case v.Type == types.String:
			s := strings.TrimSpace(v.S)
			switch strings.ToLower(s) {
			case "nan":
				return types.Value{Type: t, F: math.NaN()}
			case "inf", "+inf", "infinity":
				return types.Value{Type: t, F: math.Inf(1)}
			case "-inf", "-infinity":
				return types.Value{Type: t, F: math.Inf(-1)}
			}
			f, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return types.NullOf(t)
			}
			return types.Value{Type: t, F: f}
		}
	case types.Bool:
		switch {
		case v.Type.IsInteger():
			return types.NewBool(v.I != 0)
		case v.Type.UsesReals():
			return types.NewBool(v.F != 0)
		case v.Type == types.String:
			switch strings.ToLower(strings.TrimSpace(v.S)) {
			case "true", "1":
				return types.NewBool(true)
			case "false", "0":
				return types.NewBool(false)
			}
		}
	case types.Datetime:
		switch {
		case v.Type == types.String:
			if ticks, ok := types.ParseDatetime(v.S); ok {
				return types.NewDatetime(ticks)
			}
		case v.Type.IsInteger():
			return types.NewDatetime(v.I)
		}
	case types.Timespan:
		switch {
		case v.Type == types.String:
			if ticks, ok := types.ParseTimespan(v.S); ok {
				return types.NewTimespan(ticks)
			}
		case v.Type.IsInteger():
			return types.NewTimespan(v.I)
		case v.Type.UsesReals():
			return types.NewTimespan(int64(v.F))
		}
	case types.Guid:
		if v.Type == types.String {
			s := strings.TrimSpace(v.S)
			if len(s) == 36 || len(s) == 32 {
				return types.NewGuid(strings.ToLower(s))
			}
		}
	}
	return types.NullOf(t)
}
