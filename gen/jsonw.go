package gen

import (
	"strconv"
	"unicode/utf8"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

// Allocation-free JSON building: rows are appended to one reused buffer.

const hexDigits = "0123456789abcdef"

// appendDatetime appends ticks as 2026-11-20T12:00:00.0000000Z.
func appendDatetime(b []byte, ticks int64) []byte {
	rel := ticks - types.UnixEpochTicks
	sec := rel / types.TicksPerSecond
	frac := rel % types.TicksPerSecond
	if frac < 0 {
		frac += types.TicksPerSecond
		sec--
	}
	days := sec / 86400
	rem := sec % 86400
	if rem < 0 {
		rem += 86400
		days--
	}
	y, m, d := civilFromDays(days)
	b = append4(b, y)
	b = append(b, '-')
	b = append2(b, m)
	b = append(b, '-')
	b = append2(b, d)
	b = append(b, 'T')
	b = append2(b, int(rem/3600))
	b = append(b, ':')
	b = append2(b, int(rem/60%60))
	b = append(b, ':')
	b = append2(b, int(rem%60))
	b = append(b, '.')
	var f [7]byte
	for i := 6; i >= 0; i-- {
		f[i] = byte('0' + frac%10)
		frac /= 10
	}
	b = append(b, f[:]...)
	return append(b, 'Z')
}

// civilFromDays converts days since 1970-01-01 to a proleptic Gregorian
// date (Howard Hinnant's algorithm).
func civilFromDays(z int64) (y, m, d int) {
	z += 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	yy := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	dd := doy - (153*mp+2)/5 + 1
	mm := mp + 3
	if mp >= 10 {
		mm = mp - 9
	}
	if mm <= 2 {
		yy++
	}
	return int(yy), int(mm), int(dd)
}

func append2(b []byte, v int) []byte { return append(b, byte('0'+v/10), byte('0'+v%10)) }

func append4(b []byte, v int) []byte {
	return append(b, byte('0'+v/1000), byte('0'+v/100%10), byte('0'+v/10%10), byte('0'+v%10))
}

// appendString appends s as a JSON string. Non-ASCII UTF-8 is kept as is;
// invalid UTF-8 becomes U+FFFD.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	b = appendEscaped(b, s)
	return append(b, '"')
}

// appendEscaped appends the body of the JSON string for s, without quotes.
func appendEscaped(b []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, "\ufffd"...)
			i++
			start = i
			continue
		}
		i += size
	}
	return append(b, s[start:]...)
}

// obj appends the members of one JSON object. Keys are trusted ASCII
// constants and are written without escaping.
//
// With s set (sink mode) the members go to the columns of s instead: key
// starts a member whose JSON value the caller appends to b, and the typed
// writers store their values directly. err keeps the first error of a
// member typed in sink mode.
type obj struct {
	b     []byte
	first bool
	s     *colSink
	err   error
}

func (o *obj) open() {
	if o.s != nil {
		o.s.startRow()
		return
	}
	o.b = append(o.b, '{')
	o.first = true
}

func (o *obj) close() {
	if o.s != nil {
		return
	}
	o.b = append(o.b, '}')
}

func (o *obj) key(k string) {
	if o.s != nil {
		o.sinkKey(k)
		return
	}
	if !o.first {
		o.b = append(o.b, ',')
	}
	o.first = false
	o.b = append(o.b, '"')
	o.b = append(o.b, k...)
	o.b = append(o.b, '"', ':')
}

// str writes a string member; "" is written as null, as the streaming API
// does for empty values.
func (o *obj) str(k, v string) {
	if o.s != nil && o.sinkStr(k, v) {
		return
	}
	o.key(k)
	if v == "" {
		o.b = append(o.b, "null"...)
		return
	}
	o.b = appendString(o.b, v)
}

// strUser writes a string containing %u placeholders, replaced by user.
func (o *obj) strUser(k, v, user string) {
	o.key(k)
	if v == "" {
		o.b = append(o.b, "null"...)
		return
	}
	o.b = append(o.b, '"')
	for {
		i := indexPercentU(v)
		if i < 0 {
			break
		}
		o.b = appendEscaped(o.b, v[:i])
		o.b = appendEscaped(o.b, user)
		v = v[i+2:]
	}
	o.b = appendEscaped(o.b, v)
	o.b = append(o.b, '"')
}

func (o *obj) null(k string) {
	o.key(k)
	o.b = append(o.b, "null"...)
}

func (o *obj) num(k string, v int64) {
	if o.s != nil && o.sinkInt(k, v, types.Long) {
		return
	}
	o.key(k)
	o.b = strconv.AppendInt(o.b, v, 10)
}

func (o *obj) boolean(k string, v bool) {
	if o.s != nil && o.sinkInt(k, b2i(v), types.Bool) {
		return
	}
	o.key(k)
	o.b = strconv.AppendBool(o.b, v)
}

func (o *obj) time(k string, ticks int64) {
	if o.s != nil && o.sinkInt(k, ticks, types.Datetime) {
		return
	}
	o.key(k)
	o.b = appendDatetimeJSON(o.b, ticks)
}

// raw writes a member whose value is already JSON.
func (o *obj) raw(k string, v []byte) {
	o.key(k)
	o.b = append(o.b, v...)
}

func indexPercentU(s string) int {
	for i := 0; i+1 < len(s); i++ {
		if s[i] == '%' && s[i+1] == 'u' {
			return i
		}
	}
	return -1
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
