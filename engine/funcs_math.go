package engine

import (
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"sync"
	"time"
	// Time zones are embedded so that datetime_utc_to_local and
	// datetime_local_to_utc work on machines without a zoneinfo database.
	_ "time/tzdata"

	"github.com/rmmhunt/rmmhunt/kql/binder"
	"github.com/rmmhunt/rmmhunt/kql/builtins"
	"github.com/rmmhunt/rmmhunt/kql/types"
)

func init() { registerMathFuncs() }

// numArg returns a numeric argument as float64; ok is false for null or
// non-numeric values.
func numArg(v types.Value) (float64, bool) {
	if v.Type == types.Dynamic {
		v = types.DynamicScalar(v.D)
	}
	if isNullish(v) || !v.Type.IsNumeric() {
		return 0, false
	}
	return v.AsFloat(), true
}

// intArgOK returns an integer argument; ok is false for null or
// non-numeric values.
func intArgOK(v types.Value) (int64, bool) {
	if v.Type == types.Dynamic {
		v = types.DynamicScalar(v.D)
	}
	if isNullish(v) || !v.Type.IsNumeric() {
		return 0, false
	}
	return intArg(v), true
}

// datetimeFromParts builds a datetime from calendar parts; seconds may have
// a fraction (kept to the tick). Out-of-range parts give false.
func datetimeFromParts(y, mo, d, h, mi int64, sec float64) (int64, bool) {
	if y < 1 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec >= 60 {
		return 0, false
	}
	t := time.Date(int(y), time.Month(mo), int(d), int(h), int(mi), 0, 0, time.UTC)
	if t.Day() != int(d) {
		return 0, false // 2021-02-30
	}
	return types.TicksFromTime(t) + int64(math.Round(sec*float64(types.TicksPerSecond))), true
}

// zoneCache keeps loaded time zones.
var zoneCache sync.Map

func loadZone(name string) (*time.Location, bool) {
	if z, ok := zoneCache.Load(name); ok {
		loc, _ := z.(*time.Location)
		return loc, loc != nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil || name == "" || name == "Local" {
		zoneCache.Store(name, (*time.Location)(nil))
		return nil, false
	}
	zoneCache.Store(name, loc)
	return loc, true
}

func registerMathFuncs() {
	fn := func(name string, f func(a []types.Value) types.Value) {
		scalarFuncs[name] = func(_ *evaluator, _ *binder.Call, a []types.Value) (types.Value, error) { return f(a), nil }
	}
	nullDT, nullReal, nullLong := types.NullOf(types.Datetime), types.NullOf(types.Real), types.NullOf(types.Long)

	// now() and ago() are bound as constants of the query; these entries
	// evaluate them when called directly.
	scalarFuncs["ingestion_time"] = func(*evaluator, *binder.Call, []types.Value) (types.Value, error) {
		return types.NullOf(types.Datetime), nil
	}
	scalarFuncs["now"] = func(ev *evaluator, _ *binder.Call, a []types.Value) (types.Value, error) {
		t := ev.run.now
		if len(a) == 1 {
			if isNullish(a[0]) {
				return nullDT, nil
			}
			t += a[0].I
		}
		return types.NewDatetime(t), nil
	}
	scalarFuncs["ago"] = func(ev *evaluator, _ *binder.Call, a []types.Value) (types.Value, error) {
		if isNullish(a[0]) {
			return nullDT, nil
		}
		return types.NewDatetime(ev.run.now - a[0].I), nil
	}

	// Time.
	fn("make_datetime", func(a []types.Value) types.Value {
		if len(a) == 1 {
			return convertTo(a[0], types.Datetime)
		}
		var parts [5]int64
		for i := 0; i < len(a) && i < 5; i++ {
			n, ok := intArgOK(a[i])
			if !ok {
				return nullDT
			}
			parts[i] = n
		}
		sec := 0.0
		if len(a) == 6 {
			s, ok := numArg(a[5])
			if !ok {
				return nullDT
			}
			sec = s
		}
		if len(a) < 3 {
			return nullDT
		}
		ticks, ok := datetimeFromParts(parts[0], parts[1], parts[2], parts[3], parts[4], sec)
		if !ok {
			return nullDT
		}
		return types.NewDatetime(ticks)
	})
	fn("make_timespan", func(a []types.Value) types.Value {
		null := types.NullOf(types.Timespan)
		if len(a) == 1 {
			return convertTo(a[0], types.Timespan)
		}
		var d, h, m int64
		sec := 0.0
		ints := a
		if len(a) == 4 {
			n, ok := intArgOK(a[0])
			if !ok {
				return null
			}
			d, ints = n, a[1:]
		}
		var ok bool
		if h, ok = intArgOK(ints[0]); !ok {
			return null
		}
		if m, ok = intArgOK(ints[1]); !ok {
			return null
		}
		if len(ints) > 2 {
			if sec, ok = numArg(ints[2]); !ok {
				return null
			}
		}
		return types.NewTimespan(d*types.TicksPerDay + h*types.TicksPerHour + m*types.TicksPerMinute + int64(math.Round(sec*float64(types.TicksPerSecond))))
	})
	fn("week_of_year", func(a []types.Value) types.Value {
		v := convertTo(a[0], types.Datetime)
		if v.Null {
			return types.NullOf(types.Int)
		}
		_, w := types.TimeFromTicks(v.I).ISOWeek()
		return types.NewInt(int32(w))
	})
	unix := func(name string, ticksPerUnit int64) {
		fn(name, func(a []types.Value) types.Value {
			v := a[0]
			if v.Type == types.Dynamic {
				v = types.DynamicScalar(v.D)
			}
			if isNullish(v) || !v.Type.IsNumeric() {
				return nullDT
			}
			var ticks int64
			if v.Type.IsInteger() {
				if ticksPerUnit >= 1 {
					ticks = v.I * ticksPerUnit
				} else {
					ticks = floorDiv(v.I, 100) // nanoseconds
				}
			} else {
				ticks = int64(math.Round(v.F * float64(ticksPerUnit)))
				if ticksPerUnit < 1 {
					ticks = int64(math.Floor(v.F / 100))
				}
			}
			t := types.UnixEpochTicks + ticks
			if t < 0 || t > types.MaxDatetimeTicks {
				return nullDT
			}
			return types.NewDatetime(t)
		})
	}
	unix("unixtime_microseconds_todatetime", types.TicksPerMicrosecond)
	unix("unixtime_nanoseconds_todatetime", 0)
	zoneConv := func(name string, toLocal bool) {
		fn(name, func(a []types.Value) types.Value {
			v := convertTo(a[0], types.Datetime)
			loc, ok := loadZone(a[1].String())
			if v.Null || !ok {
				return nullDT
			}
			t := types.TimeFromTicks(v.I)
			frac := v.I % types.TicksPerSecond
			if frac < 0 {
				frac += types.TicksPerSecond
			}
			if toLocal {
				_, off := t.In(loc).Zone()
				return types.NewDatetime(v.I + int64(off)*types.TicksPerSecond)
			}
			// The wall-clock time in loc; in a DST gap the offset after the
			// transition applies, as in the documented Europe/Brussels case.
			wall := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, loc)
			_, off := wall.Zone()
			if check := wall.In(loc); check.Hour() != t.Hour() || check.Minute() != t.Minute() {
				_, off = wall.Add(time.Hour).Zone()
			}
			sec := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC).Unix() - int64(off)
			return types.NewDatetime(types.UnixEpochTicks + sec*types.TicksPerSecond + frac)
		})
	}
	zoneConv("datetime_utc_to_local", true)
	zoneConv("datetime_local_to_utc", false)

	// Math.
	real1 := func(name string, f func(float64) float64) {
		fn(name, func(a []types.Value) types.Value {
			x, ok := numArg(a[0])
			if !ok {
				return nullReal
			}
			return types.NewReal(f(x))
		})
	}
	real1("exp2", math.Exp2)
	real1("exp10", func(x float64) float64 { return math.Pow(10, x) })
	real1("sin", math.Sin)
	real1("cos", math.Cos)
	real1("tan", math.Tan)
	real1("asin", math.Asin)
	real1("acos", math.Acos)
	real1("atan", math.Atan)
	real1("cot", func(x float64) float64 { return 1 / math.Tan(x) })
	real1("degrees", func(x float64) float64 { return x * 180 / math.Pi })
	real1("radians", func(x float64) float64 { return x * math.Pi / 180 })
	real1("gamma", math.Gamma)
	real1("loggamma", func(x float64) float64 { v, _ := math.Lgamma(x); return v })
	real1("sign", func(x float64) float64 {
		switch {
		case x > 0:
			return 1
		case x < 0:
			return -1
		}
		return x // 0, -0 and NaN
	})
	fn("atan2", func(a []types.Value) types.Value {
		y, ok1 := numArg(a[0])
		x, ok2 := numArg(a[1])
		if !ok1 || !ok2 {
			return nullReal
		}
		return types.NewReal(math.Atan2(y, x))
	})
	fn("pi", func(_ []types.Value) types.Value { return types.NewReal(math.Pi) })
	fn("rand", func(a []types.Value) types.Value {
		if len(a) == 0 {
			return types.NewReal(rand.Float64())
		}
		n, ok := intArgOK(a[0])
		if !ok || n <= 0 {
			return nullReal
		}
		return types.NewReal(float64(rand.Int64N(n)))
	})
	fn("isinf", func(a []types.Value) types.Value {
		x, ok := numArg(a[0])
		if !ok {
			return types.NullOf(types.Bool)
		}
		return types.NewBool(math.IsInf(x, 0))
	})
	fn("isfinite", func(a []types.Value) types.Value {
		x, ok := numArg(a[0])
		if !ok {
			return types.NullOf(types.Bool)
		}
		return types.NewBool(!math.IsInf(x, 0) && !math.IsNaN(x))
	})
	fn("around", func(a []types.Value) types.Value {
		v, c, d := types.DynamicScalar(dynPayload(a[0])), types.DynamicScalar(dynPayload(a[1])), types.DynamicScalar(dynPayload(a[2]))
		if isNullish(v) || isNullish(c) || isNullish(d) {
			return types.NullOf(types.Bool)
		}
		t := c.Type
		if c.Type.IsNumeric() && d.Type.IsNumeric() {
			t, _ = builtins.NumericPromote(c.Type, d.Type)
		}
		lo := arith("-", c, d, t)
		hi := arith("+", c, d, t)
		c1, ok1 := compareValues(v, lo)
		c2, ok2 := compareValues(v, hi)
		if !ok1 || !ok2 {
			return types.NullOf(types.Bool)
		}
		return types.NewBool(c1 >= 0 && c2 <= 0)
	})
	scalarFuncs["assert"] = func(_ *evaluator, _ *binder.Call, a []types.Value) (types.Value, error) {
		if b, ok := truthy(a[0]); ok && b {
			return types.NewBool(true), nil
		}
		return types.Value{}, fmt.Errorf("assert failed: %s", a[1].String())
	}

	// Bits.
	bin2 := func(name string, f func(x, y int64) (int64, bool)) {
		fn(name, func(a []types.Value) types.Value {
			x, ok1 := intArgOK(a[0])
			y, ok2 := intArgOK(a[1])
			if !ok1 || !ok2 {
				return nullLong
			}
			r, ok := f(x, y)
			if !ok {
				return nullLong
			}
			return types.NewLong(r)
		})
	}
	bin2("binary_and", func(x, y int64) (int64, bool) { return x & y, true })
	bin2("binary_or", func(x, y int64) (int64, bool) { return x | y, true })
	bin2("binary_xor", func(x, y int64) (int64, bool) { return x ^ y, true })
	// Shifts are by shift%64; a negative shift gives null.
	bin2("binary_shift_left", func(x, n int64) (int64, bool) {
		if n < 0 {
			return 0, false
		}
		return x << (n % 64), true
	})
	bin2("binary_shift_right", func(x, n int64) (int64, bool) {
		if n < 0 {
			return 0, false
		}
		return x >> (n % 64), true
	})
	fn("binary_not", func(a []types.Value) types.Value {
		x, ok := intArgOK(a[0])
		if !ok {
			return nullLong
		}
		return types.NewLong(^x)
	})
	fn("bitset_count_ones", func(a []types.Value) types.Value {
		x, ok := intArgOK(a[0])
		if !ok {
			return nullLong
		}
		return types.NewLong(int64(bits.OnesCount64(uint64(x))))
	})
}
