package types

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Tick constants (100 ns units).
const (
	TicksPerMicrosecond int64 = 10
	TicksPerMillisecond int64 = 10_000
	TicksPerSecond      int64 = 10_000_000
	TicksPerMinute      int64 = 60 * TicksPerSecond
	TicksPerHour        int64 = 60 * TicksPerMinute
	TicksPerDay         int64 = 24 * TicksPerHour
	// UnixEpochTicks is 1970-01-01T00:00:00Z in ticks since 0001-01-01.
	UnixEpochTicks int64 = 621_355_968_000_000_000
	// MaxDatetimeTicks is 9999-12-31T23:59:59.9999999Z.
	MaxDatetimeTicks int64 = 3_155_378_975_999_999_999
)

// TicksFromTime converts a time.Time to datetime ticks (truncating to 100 ns).
func TicksFromTime(t time.Time) int64 {
	t = t.UTC()
	sec := t.Unix()
	return UnixEpochTicks + sec*TicksPerSecond + int64(t.Nanosecond())/100
}

// TimeFromTicks converts datetime ticks to a time.Time in UTC.
func TimeFromTicks(ticks int64) time.Time {
	rel := ticks - UnixEpochTicks
	sec := rel / TicksPerSecond
	rem := rel % TicksPerSecond
	if rem < 0 {
		rem += TicksPerSecond
		sec--
	}
	return time.Unix(sec, rem*100).UTC()
}

// FormatDatetime prints ticks as Kusto does: 2026-11-20T10:00:00.0000000Z.
func FormatDatetime(ticks int64) string {
	t := TimeFromTicks(ticks)
	frac := ticks % TicksPerSecond
	if frac < 0 {
		frac += TicksPerSecond
	}
	return fmt.Sprintf("%04d-%02d-%02dT%02d:%02d:%02d.%07dZ",
		t.Year(), int(t.Month()), t.Day(), t.Hour(), t.Minute(), t.Second(), frac)
}

// ParseDatetime parses the datetime forms that appear in Defender exports and
// KQL literals: ISO 8601 / RFC 3339 with 0–7 (or more, truncated) fractional
// digits, with or without 'Z' or an offset, with 'T' or a space, a bare date,
// and RFC 1123 / RFC 850 forms. A value without zone is UTC.
func ParseDatetime(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	if t, ok := parseISO(s); ok {
		return t, true
	}
	for _, layout := range []string{time.RFC1123, time.RFC1123Z, time.RFC850, time.RFC822, time.RFC822Z, time.ANSIC,
		"1/2/2006, 3:04:05.000 PM", "1/2/2006, 3:04:05 PM", "1/2/2006 3:04:05 PM", "1/2/2006 15:04:05", "1/2/2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return TicksFromTime(t), true
		}
	}
	return 0, false
}

// parseISO is a fast, allocation-free parser for yyyy-mm-dd[(T| )hh:mm[:ss[.fffffff]]][Z|±hh:mm].
func parseISO(s string) (int64, bool) {
	num := func(s string) (int, bool) {
		n := 0
		if s == "" {
			return 0, false
		}
		for i := 0; i < len(s); i++ {
			c := s[i]
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	if len(s) < 10 || s[4] != '-' || s[7] != '-' {
		return 0, false
	}
	y, ok1 := num(s[0:4])
	mo, ok2 := num(s[5:7])
	d, ok3 := num(s[8:10])
	if !ok1 || !ok2 || !ok3 || mo < 1 || mo > 12 || d < 1 || d > 31 || y < 1 {
		return 0, false
	}
	rest := s[10:]
	var h, mi, sec int
	var frac int64
	offset := 0
	if rest != "" {
		if rest[0] != 'T' && rest[0] != ' ' && rest[0] != 't' {
			return 0, false
		}
		rest = rest[1:]
		if len(rest) < 5 || rest[2] != ':' {
			return 0, false
		}
		var ok bool
		if h, ok = num(rest[0:2]); !ok || h > 23 {
			return 0, false
		}
		if mi, ok = num(rest[3:5]); !ok || mi > 59 {
			return 0, false
		}
		rest = rest[5:]
		if len(rest) >= 3 && rest[0] == ':' {
			if sec, ok = num(rest[1:3]); !ok || sec > 60 {
				return 0, false
			}
			rest = rest[3:]
			if len(rest) > 0 && rest[0] == '.' {
				rest = rest[1:]
				n := 0
				for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
					n++
				}
				if n == 0 {
					return 0, false
				}
				digits := rest[:n]
				rest = rest[n:]
				for i := 0; i < 7; i++ {
					frac *= 10
					if i < len(digits) {
						frac += int64(digits[i] - '0')
					}
				}
			}
		}
		switch {
		case rest == "" || rest == "Z" || rest == "z":
		case (rest[0] == '+' || rest[0] == '-') && (len(rest) == 6 && rest[3] == ':' || len(rest) == 5 || len(rest) == 3):
			oh, ok := num(rest[1:3])
			if !ok {
				return 0, false
			}
			om := 0
			if len(rest) == 6 {
				om, ok = num(rest[4:6])
			} else if len(rest) == 5 {
				om, ok = num(rest[3:5])
			}
			if !ok {
				return 0, false
			}
			offset = (oh*60 + om) * 60
			if rest[0] == '-' {
				offset = -offset
			}
		default:
			return 0, false
		}
	}
	t := time.Date(y, time.Month(mo), d, h, mi, sec, 0, time.UTC)
	if t.Day() != d {
		return 0, false // e.g. 2021-02-30
	}
	ticks := TicksFromTime(t) + frac - int64(offset)*TicksPerSecond
	return ticks, true
}

// FormatTimespan prints ticks as Kusto does: [-][d.]hh:mm:ss[.fffffff].
func FormatTimespan(ticks int64) string {
	neg := ticks < 0
	u := uint64(ticks)
	if neg {
		u = uint64(-ticks)
	}
	days := u / uint64(TicksPerDay)
	u %= uint64(TicksPerDay)
	h := u / uint64(TicksPerHour)
	u %= uint64(TicksPerHour)
	m := u / uint64(TicksPerMinute)
	u %= uint64(TicksPerMinute)
	s := u / uint64(TicksPerSecond)
	frac := u % uint64(TicksPerSecond)
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	if days > 0 {
		fmt.Fprintf(&b, "%d.", days)
	}
	fmt.Fprintf(&b, "%02d:%02d:%02d", h, m, s)
	if frac > 0 {
		fmt.Fprintf(&b, ".%07d", frac)
	}
	return b.String()
}

// timespanUnits maps every accepted literal suffix to its tick count.
var timespanUnits = map[string]int64{
	"d": TicksPerDay, "day": TicksPerDay, "days": TicksPerDay,
	"h": TicksPerHour, "hr": TicksPerHour, "hrs": TicksPerHour, "hour": TicksPerHour, "hours": TicksPerHour,
	"m": TicksPerMinute, "min": TicksPerMinute, "minute": TicksPerMinute, "minutes": TicksPerMinute,
	"s": TicksPerSecond, "sec": TicksPerSecond, "second": TicksPerSecond, "seconds": TicksPerSecond,
	"ms": TicksPerMillisecond, "milli": TicksPerMillisecond, "millis": TicksPerMillisecond,
	"millisec": TicksPerMillisecond, "millisecond": TicksPerMillisecond, "milliseconds": TicksPerMillisecond,
	"micro": TicksPerMicrosecond, "micros": TicksPerMicrosecond, "microsec": TicksPerMicrosecond,
	"microsecond": TicksPerMicrosecond, "microseconds": TicksPerMicrosecond,
	"tick": 1, "ticks": 1,
}

// nanoUnits are the nanosecond suffixes (1 tick = 100 ns).
var nanoUnits = map[string]bool{"nano": true, "nanos": true, "nanosec": true, "nanosecond": true, "nanoseconds": true}

// IsTimespanSuffix reports whether s is a timespan literal unit suffix.
func IsTimespanSuffix(s string) bool {
	_, ok := timespanUnits[s]
	return ok || nanoUnits[s]
}

// ParseTimespanLiteral parses a timespan literal such as 5d, 1.5h, 100ms,
// 30nanos (digits, optional fraction, unit suffix).
func ParseTimespanLiteral(s string) (int64, bool) {
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
		i++
	}
	if i == 0 {
		return 0, false
	}
	numText, unit := s[:i], s[i:]
	if nanoUnits[unit] {
		f, err := strconv.ParseFloat(numText, 64)
		if err != nil {
			return 0, false
		}
		return int64(f / 100), true
	}
	mult, ok := timespanUnits[unit]
	if !ok {
		return 0, false
	}
	if !strings.Contains(numText, ".") {
		n, err := strconv.ParseInt(numText, 10, 64)
		if err != nil {
			return 0, false
		}
		return n * mult, true
	}
	f, err := strconv.ParseFloat(numText, 64)
	if err != nil {
		return 0, false
	}
	return int64(f*float64(mult) + 0.5), true
}

// ParseTimespan parses the text forms accepted by timespan(...) and
// totimespan(): a literal with a unit (5d), a bare number of days (2),
// [-][d.]hh:mm[:ss[.fffffff]], and "N unit" with a space (15 seconds).
func ParseTimespan(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	neg := false
	if s[0] == '-' {
		neg = true
		s = strings.TrimSpace(s[1:])
	}
	res, ok := parseTimespanAbs(s)
	if neg {
		res = -res
	}
	return res, ok
}

func parseTimespanAbs(s string) (int64, bool) {
	if t, ok := ParseTimespanLiteral(strings.ReplaceAll(s, " ", "")); ok {
		return t, true
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n * TicksPerDay, true
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && !strings.ContainsAny(s, ":") {
		return int64(f * float64(TicksPerDay)), true
	}
	// [d.]hh:mm[:ss[.fffffff]]
	var days int64
	if dot := strings.IndexByte(s, '.'); dot >= 0 && dot < strings.IndexByte(s, ':') {
		d, err := strconv.ParseInt(s[:dot], 10, 64)
		if err != nil {
			return 0, false
		}
		days = d
		s = s[dot+1:]
	}
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, false
	}
	h, err1 := strconv.ParseInt(parts[0], 10, 64)
	m, err2 := strconv.ParseInt(parts[1], 10, 64)
	if err1 != nil || err2 != nil || m > 59 || h > 23 && days > 0 {
		return 0, false
	}
	var secTicks int64
	if len(parts) == 3 {
		sp := parts[2]
		frac := ""
		if dot := strings.IndexByte(sp, '.'); dot >= 0 {
			sp, frac = sp[:dot], sp[dot+1:]
		}
		sec, err := strconv.ParseInt(sp, 10, 64)
		if err != nil || sec > 59 {
			return 0, false
		}
		secTicks = sec * TicksPerSecond
		var f int64
		for i := 0; i < 7; i++ {
			f *= 10
			if i < len(frac) {
				c := frac[i]
				if c < '0' || c > '9' {
					return 0, false
				}
				f += int64(c - '0')
			}
		}
		secTicks += f
	}
	return days*TicksPerDay + h*TicksPerHour + m*TicksPerMinute + secTicks, true
}

// ParseTimeOfDay parses a time of day without a date, as .NET's datetime
// parser (and so Kusto's datetime literal) accepts it: "H:MM", "H:MM:SS" or
// "H:MM:SS.fffffff", optionally followed by "AM" or "PM". It returns the
// ticks since midnight.
func ParseTimeOfDay(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	ampm := ""
	if n := len(s); n > 2 {
		switch strings.ToUpper(s[n-2:]) {
		case "AM", "PM":
			ampm = strings.ToUpper(s[n-2:])
			s = strings.TrimSpace(s[:n-2])
		}
	}
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, false
	}
	num := func(p string, max int) (int, bool) {
		if len(p) == 0 || len(p) > 2 {
			return 0, false
		}
		v := 0
		for _, c := range p {
			if c < '0' || c > '9' {
				return 0, false
			}
			v = v*10 + int(c-'0')
		}
		return v, v <= max
	}
	h, ok := num(parts[0], 23)
	if !ok {
		return 0, false
	}
	m, ok := num(parts[1], 59)
	if !ok {
		return 0, false
	}
	var sec int
	var frac int64
	if len(parts) == 3 {
		sp, fp, hasFrac := strings.Cut(parts[2], ".")
		if sec, ok = num(sp, 59); !ok {
			return 0, false
		}
		if hasFrac {
			if len(fp) == 0 || len(fp) > 7 {
				return 0, false
			}
			for i := 0; i < 7; i++ {
				d := int64(0)
				if i < len(fp) {
					if fp[i] < '0' || fp[i] > '9' {
						return 0, false
					}
					d = int64(fp[i] - '0')
				}
				frac = frac*10 + d
			}
		}
	}
	switch ampm {
	case "AM", "PM":
		if h < 1 || h > 12 {
			return 0, false
		}
		h %= 12
		if ampm == "PM" {
			h += 12
		}
	}
	return ((int64(h)*60+int64(m))*60+int64(sec))*TicksPerSecond + frac, true
}
