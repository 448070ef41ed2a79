package engine

import (
	"fmt"
	"math"
	"strings"
	"unicode/utf8"

	"github.com/rmmhunt/rmmhunt/kql/binder"
	"github.com/rmmhunt/rmmhunt/kql/types"
)

// scalarFunc computes one row of a function call. It never fails on bad
// input values (those give null, as in Kusto); an error is an engine fault.
type scalarFunc func(ev *evaluator, x *binder.Call, a []types.Value) (types.Value, error)

// scalarFuncs holds the implementation of every built-in scalar function and
// operator, keyed by canonical name. See kql/builtins for their signatures.
var scalarFuncs = map[string]scalarFunc{}

func init() {
	for _, op := range []string{"==", "!="} {
		neg := op == "!="
		scalarFuncs[op] = func(_ *evaluator, _ *binder.Call, a []types.Value) (types.Value, error) {
			return equalOp(a[0], a[1], neg), nil
		}
	}
	for _, op := range []string{"<", "<=", ">", ">="} {
		op := op
		scalarFuncs[op] = func(_ *evaluator, _ *binder.Call, a []types.Value) (types.Value, error) {
			c, ok := compareValues(a[0], a[1])
			if !ok {
				return types.NullOf(types.Bool), nil
			}
			switch op {
			case "<":
				return types.NewBool(c < 0), nil
			case "<=":
				return types.NewBool(c <= 0), nil
			case ">":
				return types.NewBool(c > 0), nil
			}
			return types.NewBool(c >= 0), nil
		}
	}
	for _, op := range []string{"=~", "!~", "has", "!has", "has_cs", "!has_cs", "hasprefix", "!hasprefix",
		"hasprefix_cs", "!hasprefix_cs", "hassuffix", "!hassuffix", "hassuffix_cs", "!hassuffix_cs",
		"contains", "!contains", "contains_cs", "!contains_cs", "startswith", "!startswith",
		"startswith_cs", "!startswith_cs", "endswith", "!endswith", "endswith_cs", "!endswith_cs"} {
		pred, neg := stringPredicate(op)
		scalarFuncs[op] = func(_ *evaluator, _ *binder.Call, a []types.Value) (types.Value, error) {
			an, bn := isNullish(a[0]), isNullish(a[1])
			if an && bn {
				return types.NullOf(types.Bool), nil
			}
			if an || bn {
				return types.NewBool(neg), nil
			}
			return types.NewBool(pred(a[0].String(), a[1].String()) != neg), nil
		}
	}
	scalarFuncs["matches regex"] = func(ev *evaluator, _ *binder.Call, a []types.Value) (types.Value, error) {
		if isNullish(a[0]) || isNullish(a[1]) {
			return types.NewBool(false), nil
		}
		re, err := ev.run.regex(a[1].String())
		if err != nil {
			return types.Value{}, err
		}
		return types.NewBool(re.MatchString(a[0].String())), nil
	}
	for _, op := range []string{"+", "-", "*", "/", "%"} {
		op := op
		scalarFuncs[op] = func(_ *evaluator, x *binder.Call, a []types.Value) (types.Value, error) {
			return arith(op, a[0], a[1], x.T), nil
		}
	}
	scalarFuncs["neg"] = func(_ *evaluator, x *binder.Call, a []types.Value) (types.Value, error) {
		v := a[0]
		if v.Type == types.Dynamic {
			v = types.DynamicScalar(v.D)
		}
		if isNullish(v) {
			return types.NullOf(x.T), nil
		}
		switch {
		case v.Type.UsesInts():
			return coerce(types.Value{Type: v.Type, I: -v.I}, x.T), nil
		case v.Type.UsesReals():
			return coerce(types.Value{Type: v.Type, F: -v.F}, x.T), nil
		}
		return types.NullOf(x.T), nil
	}
	scalarFuncs["_access"] = func(_ *evaluator, _ *binder.Call, a []types.Value) (types.Value, error) {
		return types.NewDynamic(dynAccess(a[0], a[1])), nil
	}
	registerStringFuncs()
	registerTimeFuncs()
	registerConvFuncs()
	registerMiscFuncs()
}

// callScalar evaluates one call over one row of argument values.
func (ev *evaluator) callScalar(x *binder.Call, args []types.Value) (types.Value, error) {
	f, ok := scalarFuncs[x.Name]
	if !ok {
		return types.Value{}, fmt.Errorf("function %s is not implemented", x.Name)
	}
	return f(ev, x, args)
}

// HasImplementation reports whether the engine computes the named scalar
// function or operator.
func HasImplementation(name string) bool {
	_, ok := scalarFuncs[name]
	return ok
}

// dynAccess implements d.key, d["key"] and d[i] (negative i counts from the
// end). A missing key, out-of-range index or non-container is null.
func dynAccess(obj, key types.Value) any {
	if obj.Null || obj.Type != types.Dynamic {
		return nil
	}
	d := obj.D
	if s, ok := d.(string); ok {
		// A dynamic string holding JSON is not parsed implicitly.
		_ = s
		return nil
	}
	switch c := d.(type) {
	case []any:
		k := key
		if k.Type == types.Dynamic {
			k = types.DynamicScalar(k.D)
		}
		if !k.Type.IsNumeric() || k.Null {
			return nil
		}
		i := k.I
		if k.Type.UsesReals() {
			i = int64(k.F)
		}
		if i < 0 {
			i += int64(len(c))
		}
		if i < 0 || i >= int64(len(c)) {
			return nil
		}
		return c[i]
	case *types.Bag:
		v, _ := c.Get(key.String())
		return v
	}
	return nil
}

// arith implements + - * / % over numbers, datetimes and timespans with
// Kusto's rules: integer division truncates, integer division by zero is
// null, modulo is never negative, null is sticky.
func arith(op string, a, b types.Value, t types.Type) types.Value {
	if a.Type == types.Dynamic {
		a = types.DynamicScalar(a.D)
	}
	if b.Type == types.Dynamic {
		b = types.DynamicScalar(b.D)
	}
	if isNullish(a) || isNullish(b) {
		return types.NullOf(t)
	}
	switch t {
	case types.Real, types.Decimal:
		if a.Type == types.Timespan && b.Type == types.Timespan && op == "/" {
			return types.Value{Type: t, F: float64(a.I) / float64(b.I)}
		}
		if !a.Type.IsNumeric() || !b.Type.IsNumeric() {
			return types.NullOf(t)
		}
		x, y := a.AsFloat(), b.AsFloat()
		var r float64
		switch op {
		case "+":
			r = x + y
		case "-":
			r = x - y
		case "*":
			r = x * y
		case "/":
			r = x / y
		case "%":
			r = math.Mod(x, y)
			if r < 0 {
				r += math.Abs(y)
			}
		}
		return types.Value{Type: t, F: r}
	case types.Long, types.Int:
		if !a.Type.IsNumeric() || !b.Type.IsNumeric() {
			return types.NullOf(t)
		}
		x, y := a.I, b.I
		if a.Type.UsesReals() {
			x = int64(a.F)
		}
		if b.Type.UsesReals() {
			y = int64(b.F)
		}
		var r int64
		switch op {
		case "+":
			r = x + y
		case "-":
			r = x - y
		case "*":
			r = x * y
		case "/":
			if y == 0 {
				return types.NullOf(t)
			}
			r = x / y
		case "%":
			if y == 0 {
				return types.NullOf(t)
			}
			r = x % y
			if r < 0 {
				if y < 0 {
					r -= y
				} else {
					r += y
				}
			}
		}
		if t == types.Int {
			r = int64(int32(r))
		}
		return types.Value{Type: t, I: r}
	case types.Datetime:
		switch {
		case a.Type == types.Datetime && b.Type == types.Timespan:
			if op == "-" {
				return types.NewDatetime(a.I - b.I)
			}
			return types.NewDatetime(a.I + b.I)
		case a.Type == types.Timespan && b.Type == types.Datetime:
			return types.NewDatetime(a.I + b.I)
		}
	case types.Timespan:
		switch {
		case a.Type == types.Datetime && b.Type == types.Datetime:
			return types.NewTimespan(a.I - b.I)
		case a.Type == types.Timespan && b.Type == types.Timespan:
			switch op {
			case "+":
				return types.NewTimespan(a.I + b.I)
			case "-":
				return types.NewTimespan(a.I - b.I)
			case "%":
				if b.I == 0 {
					return types.NullOf(t)
				}
				r := a.I % b.I
				if r < 0 {
					r += abs64(b.I)
				}
				return types.NewTimespan(r)
			}
		case a.Type == types.Timespan && b.Type.IsNumeric():
			f := b.AsFloat()
			if op == "*" {
				return types.NewTimespan(int64(math.Round(float64(a.I) * f)))
			}
			if f == 0 {
				return types.NullOf(t)
			}
			return types.NewTimespan(int64(float64(a.I) / f))
		case a.Type.IsNumeric() && b.Type == types.Timespan:
			return types.NewTimespan(int64(math.Round(a.AsFloat() * float64(b.I))))
		}
	case types.Dynamic:
		if a.Type.IsNumeric() && b.Type.IsNumeric() {
			rt := types.Long
			if a.Type.UsesReals() || b.Type.UsesReals() || op == "/" && (a.I%max64(b.I, 1) != 0) {
				rt = types.Real
			}
			return types.NewDynamic(arith(op, a, b, rt).ToDynamic())
		}
	}
	return types.NullOf(t)
}

func abs64(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

func max64(a, b int64) int64 {
	if a > b {
		return a
	}
	return b
}

// runeLen counts characters, as strlen does.
func runeLen(s string) int { return utf8.RuneCountInString(s) }

func stringsRepeat(s string, n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat(s, n)
}
