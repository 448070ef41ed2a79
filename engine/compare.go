package engine

import (
	"math"
	"strconv"
	"strings"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

// compareValues orders two non-null values of comparable types. It reports
// ok=false when either is null or they cannot be compared.
func compareValues(a, b types.Value) (int, bool) {
	if a.Null || b.Null || a.Type == types.Null || b.Type == types.Null {
		return 0, false
	}
	if a.Type == types.Dynamic {
		a = types.DynamicScalar(a.D)
		if a.Null {
			return 0, false
		}
	}
	if b.Type == types.Dynamic {
		b = types.DynamicScalar(b.D)
		if b.Null {
			return 0, false
		}
	}
	switch {
	case a.Type.IsNumeric() && b.Type.IsNumeric():
		if a.Type.UsesInts() && b.Type.UsesInts() {
			return cmpInt(a.I, b.I), true
		}
		x, y := a.AsFloat(), b.AsFloat()
		switch {
		case math.IsNaN(x) || math.IsNaN(y):
			return 0, false
		case x < y:
			return -1, true
		case x > y:
			return 1, true
		}
		return 0, true
	case a.Type == b.Type && a.Type.UsesInts():
		return cmpInt(a.I, b.I), true
	case a.Type == types.Bool && b.Type.IsNumeric() || b.Type == types.Bool && a.Type.IsNumeric():
		x, y := a.AsFloat(), b.AsFloat()
		if x == y {
			return 0, true
		}
		if x < y {
			return -1, true
		}
		return 1, true
	case a.Type.UsesStrings() && b.Type.UsesStrings():
		return strings.Compare(a.S, b.S), true
	case a.Type == types.Dynamic || b.Type == types.Dynamic:
		if types.DynamicEqual(a.ToDynamic(), b.ToDynamic()) {
			return 0, true
		}
		return strings.Compare(a.String(), b.String()), true
	case a.Type == types.String || b.Type == types.String:
		return strings.Compare(a.String(), b.String()), true
	}
	return 0, false
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// equalOp implements == and != with Kusto's null rules: one null side gives
// false for == (true for !=); two null sides give null.
func equalOp(a, b types.Value, neg bool) types.Value {
	an, bn := isNullish(a), isNullish(b)
	if an && bn {
		return types.NullOf(types.Bool)
	}
	if an || bn {
		return types.NewBool(neg)
	}
	c, ok := compareValues(a, b)
	eq := ok && c == 0
	if !ok && (a.Type == types.Dynamic || b.Type == types.Dynamic) {
		eq = types.DynamicEqual(a.ToDynamic(), b.ToDynamic())
	}
	return types.NewBool(eq != neg)
}

func isNullish(v types.Value) bool {
	return v.Null || v.Type == types.Null || v.Type == types.Dynamic && v.D == nil
}

// groupKey appends an encoding of v to buf such that equal values (for
// grouping, distinct and joins) have equal encodings.
func groupKey(buf []byte, v types.Value) []byte {
	if v.Null {
		return append(buf, 0, byte(v.Type))
	}
	buf = append(buf, 1, byte(v.Type))
	switch {
	case v.Type.UsesInts():
		buf = strconv.AppendInt(buf, v.I, 10)
	case v.Type.UsesReals():
		buf = strconv.AppendFloat(buf, v.F, 'g', -1, 64)
	case v.Type.UsesStrings():
		buf = strconv.AppendInt(buf, int64(len(v.S)), 10)
		buf = append(buf, ':')
		buf = append(buf, v.S...)
	default:
		buf = append(buf, types.DynamicKey(v.D)...)
	}
	return append(buf, 0xff)
}

// numericKey is the key of a value in a set used by `in`: numbers compare
// numerically across int/long/real, everything else by type and text.
func setKey(v types.Value, fold bool) string {
	if v.Type == types.Dynamic {
		v = types.DynamicScalar(v.D)
	}
	switch {
	case v.Type.IsNumeric():
		f := v.AsFloat()
		if v.Type.UsesInts() {
			return "n" + strconv.FormatInt(v.I, 10)
		}
		if f == math.Trunc(f) && math.Abs(f) < 1<<62 {
			return "n" + strconv.FormatInt(int64(f), 10)
		}
		return "f" + strconv.FormatFloat(f, 'g', -1, 64)
	case v.Type == types.String || v.Type == types.Guid:
		if fold {
			return "s" + foldString(v.S)
		}
		return "s" + v.S
	case v.Type == types.Datetime:
		return "d" + strconv.FormatInt(v.I, 10)
	case v.Type == types.Timespan:
		return "t" + strconv.FormatInt(v.I, 10)
	case v.Type == types.Bool:
		return "b" + strconv.FormatInt(v.I, 10)
	}
	return "j" + types.DynamicKey(v.ToDynamic())
}
