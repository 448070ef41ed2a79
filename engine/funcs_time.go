package engine

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/rmmhunt/rmmhunt/kql/binder"
	"github.com/rmmhunt/rmmhunt/kql/types"
)

func registerTimeFuncs() {
	scalarFuncs["bin"] = func(_ *evaluator, x *binder.Call, a []types.Value) (types.Value, error) {
		return binValue(a[0], a[1], types.Value{}, false, x.T), nil
	}
	scalarFuncs["bin_at"] = func(_ *evaluator, x *binder.Call, a []types.Value) (types.Value, error) {
		return binValue(a[0], a[1], a[2], true, x.T), nil
	}
	dt := func(name string, f func(t time.Time, ticks int64, a []types.Value) types.Value) {
		scalarFuncs[name] = func(_ *evaluator, x *binder.Call, a []types.Value) (types.Value, error) {
			v := a[0]
			if v.Type == types.Dynamic {
				v = convertTo(v, types.Datetime)
			}
			if v.Null || v.Type != types.Datetime {
				return types.NullOf(x.T), nil
			}
			return f(types.TimeFromTicks(v.I), v.I, a), nil
		}
	}
	offset := func(a []types.Value) int {
		if len(a) > 1 && !a[1].Null {
			return int(intArg(a[1]))
		}
		return 0
	}
	day := func(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC) }
	week := func(t time.Time) time.Time { return day(t).AddDate(0, 0, -int(t.Weekday())) }
	month := func(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC) }
	year := func(t time.Time) time.Time { return time.Date(t.Year(), 1, 1, 0, 0, 0, 0, time.UTC) }
	d := func(t time.Time) types.Value { return types.NewDatetime(types.TicksFromTime(t)) }
	dt("startofday", func(t time.Time, _ int64, a []types.Value) types.Value { return d(day(t).AddDate(0, 0, offset(a))) })
	dt("startofweek", func(t time.Time, _ int64, a []types.Value) types.Value { return d(week(t).AddDate(0, 0, 7*offset(a))) })
	dt("startofmonth", func(t time.Time, _ int64, a []types.Value) types.Value { return d(month(t).AddDate(0, offset(a), 0)) })
	dt("startofyear", func(t time.Time, _ int64, a []types.Value) types.Value { return d(year(t).AddDate(offset(a), 0, 0)) })
	end := func(t time.Time) types.Value { return types.NewDatetime(types.TicksFromTime(t) - 1) }
	dt("endofday", func(t time.Time, _ int64, a []types.Value) types.Value { return end(day(t).AddDate(0, 0, offset(a)+1)) })
	dt("endofweek", func(t time.Time, _ int64, a []types.Value) types.Value {
		return end(week(t).AddDate(0, 0, 7*(offset(a)+1)))
	})
	dt("endofmonth", func(t time.Time, _ int64, a []types.Value) types.Value {
		return end(month(t).AddDate(0, offset(a)+1, 0))
	})
	dt("endofyear", func(t time.Time, _ int64, a []types.Value) types.Value {
		return end(year(t).AddDate(offset(a)+1, 0, 0))
	})
	dt("dayofweek", func(t time.Time, ticks int64, _ []types.Value) types.Value {
		return types.NewTimespan(int64(t.Weekday()) * types.TicksPerDay)
	})
	dt("dayofmonth", func(t time.Time, _ int64, _ []types.Value) types.Value { return types.NewInt(int32(t.Day())) })
	dt("dayofyear", func(t time.Time, _ int64, _ []types.Value) types.Value { return types.NewInt(int32(t.YearDay())) })
	dt("hourofday", func(t time.Time, _ int64, _ []types.Value) types.Value { return types.NewInt(int32(t.Hour())) })
	dt("getmonth", func(t time.Time, _ int64, _ []types.Value) types.Value { return types.NewInt(int32(t.Month())) })
	dt("getyear", func(t time.Time, _ int64, _ []types.Value) types.Value { return types.NewInt(int32(t.Year())) })
	scalarFuncs["datetime_part"] = func(_ *evaluator, x *binder.Call, a []types.Value) (types.Value, error) {
		v := convertTo(a[1], types.Datetime)
		if v.Null {
			return types.NullOf(types.Int), nil
		}
		t := types.TimeFromTicks(v.I)
		frac := v.I % types.TicksPerSecond
		var n int
		switch strings.ToLower(a[0].String()) {
		case "year":
			n = t.Year()
		case "quarter":
			n = (int(t.Month())-1)/3 + 1
		case "month":
			n = int(t.Month())
		case "week_of_year", "weekofyear":
			_, n = t.ISOWeek()
		case "day":
			n = t.Day()
		case "dayofyear":
			n = t.YearDay()
		case "hour":
			n = t.Hour()
		case "minute":
			n = t.Minute()
		case "second":
			n = t.Second()
		case "millisecond":
			n = int(frac / types.TicksPerMillisecond)
		case "microsecond":
			n = int(frac / types.TicksPerMicrosecond)
		case "nanosecond":
			n = int(frac * 100)
		default:
			return types.Value{}, fmt.Errorf("datetime_part: unknown part %q", a[0].String())
		}
		return types.NewInt(int32(n)), nil
	}
	scalarFuncs["datetime_add"] = func(_ *evaluator, x *binder.Call, a []types.Value) (types.Value, error) {
		v := convertTo(a[2], types.Datetime)
		if v.Null || a[1].Null {
			return types.NullOf(types.Datetime), nil
		}
		n := intArg(a[1])
		t := types.TimeFromTicks(v.I)
		var ticks int64
		switch strings.ToLower(a[0].String()) {
		case "year":
			ticks = types.TicksFromTime(t.AddDate(int(n), 0, 0))
		case "quarter":
			ticks = types.TicksFromTime(t.AddDate(0, 3*int(n), 0))
		case "month":
			ticks = types.TicksFromTime(t.AddDate(0, int(n), 0))
		case "week":
			ticks = v.I + n*7*types.TicksPerDay
		case "day":
			ticks = v.I + n*types.TicksPerDay
		case "hour":
			ticks = v.I + n*types.TicksPerHour
		case "minute":
			ticks = v.I + n*types.TicksPerMinute
		case "second":
			ticks = v.I + n*types.TicksPerSecond
		case "millisecond":
			ticks = v.I + n*types.TicksPerMillisecond
		case "microsecond":
			ticks = v.I + n*types.TicksPerMicrosecond
		case "nanosecond":
			ticks = v.I + n/100
		default:
			return types.Value{}, fmt.Errorf("datetime_add: unknown part %q", a[0].String())
		}
		return types.NewDatetime(ticks), nil
	}
	scalarFuncs["datetime_diff"] = func(_ *evaluator, x *binder.Call, a []types.Value) (types.Value, error) {
		v1, v2 := convertTo(a[1], types.Datetime), convertTo(a[2], types.Datetime)
		if v1.Null || v2.Null {
			return types.NullOf(types.Long), nil
		}
		t1, t2 := types.TimeFromTicks(v1.I), types.TimeFromTicks(v2.I)
		var n int64
		switch strings.ToLower(a[0].String()) {
		case "year":
			n = int64(t1.Year() - t2.Year())
		case "quarter":
			n = int64((t1.Year()*12+int(t1.Month())-1)/3 - (t2.Year()*12+int(t2.Month())-1)/3)
		case "month":
			n = int64((t1.Year()-t2.Year())*12 + int(t1.Month()) - int(t2.Month()))
		case "week":
			w := func(t time.Time) int64 {
				return floorDiv(types.TicksFromTime(day(t).AddDate(0, 0, -int(t.Weekday()))), 7*types.TicksPerDay)
			}
			n = w(t1) - w(t2)
		case "day":
			n = floorDiv(v1.I, types.TicksPerDay) - floorDiv(v2.I, types.TicksPerDay)
		case "hour":
			n = floorDiv(v1.I, types.TicksPerHour) - floorDiv(v2.I, types.TicksPerHour)
		case "minute":
			n = floorDiv(v1.I, types.TicksPerMinute) - floorDiv(v2.I, types.TicksPerMinute)
		case "second":
			n = floorDiv(v1.I, types.TicksPerSecond) - floorDiv(v2.I, types.TicksPerSecond)
		case "millisecond":
			n = floorDiv(v1.I, types.TicksPerMillisecond) - floorDiv(v2.I, types.TicksPerMillisecond)
		case "microsecond":
			n = floorDiv(v1.I, types.TicksPerMicrosecond) - floorDiv(v2.I, types.TicksPerMicrosecond)
		case "nanosecond":
			n = (v1.I - v2.I) * 100
		default:
			return types.Value{}, fmt.Errorf("datetime_diff: unknown part %q", a[0].String())
		}
		return types.NewLong(n), nil
	}
	scalarFuncs["unixtime_seconds_todatetime"] = func(_ *evaluator, _ *binder.Call, a []types.Value) (types.Value, error) {
		if isNullish(a[0]) {
			return types.NullOf(types.Datetime), nil
		}
		v := types.DynamicScalar(a[0].ToDynamic())
		return types.NewDatetime(types.UnixEpochTicks + int64(math.Round(v.AsFloat()*float64(types.TicksPerSecond)))), nil
	}
	scalarFuncs["unixtime_milliseconds_todatetime"] = func(_ *evaluator, _ *binder.Call, a []types.Value) (types.Value, error) {
		if isNullish(a[0]) {
			return types.NullOf(types.Datetime), nil
		}
		v := types.DynamicScalar(a[0].ToDynamic())
		return types.NewDatetime(types.UnixEpochTicks + int64(math.Round(v.AsFloat()*float64(types.TicksPerMillisecond)))), nil
	}
	scalarFuncs["format_datetime"] = func(_ *evaluator, _ *binder.Call, a []types.Value) (types.Value, error) {
		v := convertTo(a[0], types.Datetime)
		if v.Null {
			return str(""), nil
		}
		return str(formatDatetime(v.I, a[1].String())), nil
	}
	scalarFuncs["format_timespan"] = func(_ *evaluator, _ *binder.Call, a []types.Value) (types.Value, error) {
		v := convertTo(a[0], types.Timespan)
		if v.Null {
			return str(""), nil
		}
		return str(formatTimespan(v.I, a[1].String())), nil
	}
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// binValue implements bin/bin_at: round down to a multiple of size (from the
// origin at for bin_at). Datetimes bin on ticks since 0001-01-01, so weeks
// start on Monday. A null or non-positive size gives null.
func binValue(v, size, at types.Value, hasAt bool, t types.Type) types.Value {
	if v.Type == types.Dynamic {
		v = types.DynamicScalar(v.D)
	}
	if size.Type == types.Dynamic {
		size = types.DynamicScalar(size.D)
	}
	if isNullish(v) || isNullish(size) || hasAt && isNullish(at) {
		return types.NullOf(t)
	}
	switch {
	case v.Type == types.Datetime || v.Type == types.Timespan:
		if size.Type != types.Timespan || size.I <= 0 {
			return types.NullOf(t)
		}
		origin := int64(0)
		if hasAt {
			origin = at.I
		}
		r := floorDiv(v.I-origin, size.I)*size.I + origin
		return types.Value{Type: v.Type, I: r}
	case v.Type.IsNumeric():
		s := size.AsFloat()
		if s <= 0 || math.IsNaN(s) {
			return types.NullOf(t)
		}
		origin := 0.0
		if hasAt {
			origin = at.AsFloat()
		}
		if v.Type.UsesInts() && size.Type.UsesInts() && (!hasAt || at.Type.UsesInts()) {
			o := int64(origin)
			return coerce(types.Value{Type: v.Type, I: floorDiv(v.I-o, size.I)*size.I + o}, t)
		}
		r := math.Floor((v.AsFloat()-origin)/s)*s + origin
		return coerce(types.Value{Type: types.Real, F: r}, t)
	}
	return types.NullOf(t)
}

// formatDatetime implements format_datetime's .NET-style format strings.
func formatDatetime(ticks int64, f string) string {
	t := types.TimeFromTicks(ticks)
	frac := ticks % types.TicksPerSecond
	var b strings.Builder
	for i := 0; i < len(f); {
		c := f[i]
		j := i
		for j < len(f) && f[j] == c {
			j++
		}
		n := j - i
		switch c {
		case 'y':
			if n <= 2 {
				fmt.Fprintf(&b, "%02d", t.Year()%100)
			} else {
				fmt.Fprintf(&b, "%0*d", n, t.Year())
			}
		case 'M':
			fmt.Fprintf(&b, "%0*d", min(n, 2), int(t.Month()))
		case 'd':
			fmt.Fprintf(&b, "%0*d", min(n, 2), t.Day())
		case 'H':
			fmt.Fprintf(&b, "%0*d", min(n, 2), t.Hour())
		case 'h':
			h := t.Hour() % 12
			if h == 0 {
				h = 12
			}
			fmt.Fprintf(&b, "%0*d", min(n, 2), h)
		case 'm':
			fmt.Fprintf(&b, "%0*d", min(n, 2), t.Minute())
		case 's':
			fmt.Fprintf(&b, "%0*d", min(n, 2), t.Second())
		case 'f', 'F':
			digits := fmt.Sprintf("%07d", frac)
			if n > 7 {
				n = 7
			}
			out := digits[:n]
			if c == 'F' {
				out = strings.TrimRight(out, "0")
			}
			b.WriteString(out)
		case 't':
			if t.Hour() < 12 {
				b.WriteString("AM"[:min(n, 2)])
			} else {
				b.WriteString("PM"[:min(n, 2)])
			}
		default:
			b.WriteString(f[i:j])
		}
		i = j
	}
	return b.String()
}

// formatTimespan implements format_timespan's format strings (d, h, H, m, s, f).
func formatTimespan(ticks int64, f string) string {
	neg := ticks < 0
	if neg {
		ticks = -ticks
	}
	days := ticks / types.TicksPerDay
	rem := ticks % types.TicksPerDay
	h := rem / types.TicksPerHour
	m := rem % types.TicksPerHour / types.TicksPerMinute
	s := rem % types.TicksPerMinute / types.TicksPerSecond
	frac := rem % types.TicksPerSecond
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i := 0; i < len(f); {
		c := f[i]
		j := i
		for j < len(f) && f[j] == c {
			j++
		}
		n := j - i
		switch c {
		case 'd':
			fmt.Fprintf(&b, "%0*d", n, days)
		case 'h', 'H':
			fmt.Fprintf(&b, "%0*d", min(n, 2), h)
		case 'm':
			fmt.Fprintf(&b, "%0*d", min(n, 2), m)
		case 's':
			fmt.Fprintf(&b, "%0*d", min(n, 2), s)
		case 'f', 'F':
			digits := fmt.Sprintf("%07d", frac)
			out := digits[:min(n, 7)]
			if c == 'F' {
				out = strings.TrimRight(out, "0")
			}
			b.WriteString(out)
		default:
			b.WriteString(f[i:j])
		}
		i = j
	}
	return b.String()
}
