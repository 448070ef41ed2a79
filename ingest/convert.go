package ingest

import (
	"math"
	"strconv"
	"strings"
	"unsafe"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

// This file types one value by its column's type. JSON values arrive as
// raw, validated JSON bytes; CSV values as text. Each function fills a cell
// or returns a short reason ("is not a datetime") for the reject message.

// jsonCell types the raw JSON value v for a column of type t. String
// payloads are unescaped into *scratch, whose capacity the caller has made
// large enough for the whole row so that earlier cells stay valid.
func jsonCell(t types.Type, v []byte, scratch *[]byte, c *cell) string {
	switch v[0] {
	case 'n':
		c.kind = kNull
		return ""
	case '"':
		s := jsonString(v, scratch)
		if t == types.String {
			c.kind, c.b = kStr, nonNil(s)
			return ""
		}
		if t == types.Dynamic {
			return dynamicText(s, c)
		}
		return bytesCell(t, s, c)
	case '{', '[':
		switch t {
		case types.String:
			start := len(*scratch)
			*scratch = appendCompact(*scratch, v)
			c.kind, c.b = kStr, (*scratch)[start:]
			return ""
		case types.Dynamic:
			c.kind = kDyn
			c.d, _ = dynamicFromJSON(v, 0)
			return ""
		}
		return "is not a " + t.String()
	case 't', 'f':
		b := v[0] == 't'
		switch t {
		case types.Bool:
			c.kind, c.i = kBool, b2i(b)
		case types.String:
			c.kind, c.b = kStr, v
		case types.Dynamic:
			c.kind, c.d = kDyn, b
		default:
			return "is not a " + t.String()
		}
		return ""
	}
	// A number.
	switch t {
	case types.String:
		c.kind, c.b = kStr, v
		return ""
	case types.Dynamic:
		c.kind = kDyn
		c.d, _ = dynamicFromJSON(v, 0)
		return ""
	case types.Bool:
		switch string(v) {
		case "0":
			c.kind, c.i = kBool, 0
		case "1":
			c.kind, c.i = kBool, 1
		default:
			return "is not a bool"
		}
		return ""
	case types.Long, types.Int:
		n, ok := parseInt(v)
		if !ok {
			if n, ok = integralFloat(v); !ok {
				if isIntText(v) {
					return "is out of range for " + t.String()
				}
				return "is not a whole number"
			}
		}
		if t == types.Int && (n < math.MinInt32 || n > math.MaxInt32) {
			return "is out of range for int"
		}
		c.kind, c.i = kInt, n
		return ""
	case types.Real, types.Decimal:
		f, err := strconv.ParseFloat(string(v), 64)
		if err != nil && !isRangeErr(err) {
			return "is not a real"
		}
		c.kind, c.f = kReal, f
		return ""
	}
	return "is not a " + t.String()
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// nonNil makes an empty payload distinguishable from "no bytes".
func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

func isIntText(b []byte) bool {
	if len(b) > 0 && b[0] == '-' {
		b = b[1:]
	}
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if !isDigit(c) {
			return false
		}
	}
	return true
}

// jsonString returns the text of the JSON string v (with its quotes),
// unescaped into *scratch when it has escapes.
func jsonString(v []byte, scratch *[]byte) []byte {
	body := v[1 : len(v)-1]
	for _, ch := range body {
		if ch == '\\' {
			start := len(*scratch)
			*scratch = appendUnquoted(*scratch, body)
			return (*scratch)[start:]
		}
	}
	return body
}

// dynamicText types a string for a dynamic column: JSON object or array
// text is parsed (Sentinel and the Log Analytics API carry dynamic values as
// JSON text); anything else stays a string; "" is null.
func dynamicText(s []byte, c *cell) string {
	if len(s) == 0 {
		c.kind = kNull
		return ""
	}
	if i := skipSpace(s, 0); i < len(s) && (s[i] == '{' || s[i] == '[') {
		if end, err := scanValue(s, i, 0); err == nil && skipSpace(s, end) == len(s) {
			c.kind = kDyn
			c.d, _ = dynamicFromJSON(s, i)
			return ""
		}
	}
	c.kind, c.d = kDyn, string(s)
	return ""
}

// bytesCell types text (a JSON string's content) for a non-string,
// non-dynamic column. "" is null.
func bytesCell(t types.Type, s []byte, c *cell) string {
	if len(s) == 0 {
		c.kind = kNull
		return ""
	}
	switch t {
	case types.Long, types.Int:
		n, ok := parseInt(s)
		if !ok {
			if isIntText(s) {
				return "is out of range for " + t.String()
			}
			return "is not a " + t.String()
		}
		if t == types.Int && (n < math.MinInt32 || n > math.MaxInt32) {
			return "is out of range for int"
		}
		c.kind, c.i = kInt, n
		return ""
	}
	if t == types.Guid || t == types.String || t == types.Dynamic {
		return textCell(t, string(s), c)
	}
	// The other types only parse the text: it is viewed, not copied.
	return textCell(t, unsafe.String(unsafe.SliceData(s), len(s)), c)
}

// textCell types text for a column of type t (CSV fields, JSON strings).
// "" is null, or "" for strings.
func textCell(t types.Type, s string, c *cell) string {
	if s == "" {
		c.kind = kNull
		return ""
	}
	switch t {
	case types.String:
		c.kind, c.s = kStr, s
	case types.Long, types.Int:
		n, ok := parseInt([]byte(strings.TrimSpace(s)))
		if !ok {
			if isIntText([]byte(s)) {
				return "is out of range for " + t.String()
			}
			return "is not a " + t.String()
		}
		if t == types.Int && (n < math.MinInt32 || n > math.MaxInt32) {
			return "is out of range for int"
		}
		c.kind, c.i = kInt, n
	case types.Real, types.Decimal:
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil && !isRangeErr(err) {
			return "is not a real"
		}
		c.kind, c.f = kReal, f
	case types.Bool:
		switch {
		case strings.EqualFold(s, "true") || s == "1":
			c.kind, c.i = kBool, 1
		case strings.EqualFold(s, "false") || s == "0":
			c.kind, c.i = kBool, 0
		default:
			return "is not a bool"
		}
	case types.Datetime:
		ticks, ok := types.ParseDatetime(s)
		if !ok {
			return "is not a datetime"
		}
		c.kind, c.i = kInt, ticks
	case types.Timespan:
		ticks, ok := types.ParseTimespan(s)
		if !ok {
			return "is not a timespan"
		}
		c.kind, c.i = kInt, ticks
	case types.Guid:
		g, ok := canonicalGuid(s)
		if !ok {
			return "is not a guid"
		}
		c.kind, c.s = kStr, g
	case types.Dynamic:
		return dynamicText([]byte(s), c)
	default:
		return "cannot be read as " + t.String()
	}
	return ""
}

// canonicalGuid returns the lower-case 8-4-4-4-12 form of a GUID written
// with or without braces and dashes.
func canonicalGuid(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) == 38 && s[0] == '{' && s[37] == '}' {
		s = s[1:37]
	}
	var hex [32]byte
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '-' && (len(s) == 36 && (i == 8 || i == 13 || i == 18 || i == 23)) {
			continue
		}
		if !isHex(c) || n == 32 {
			return "", false
		}
		if c >= 'A' && c <= 'F' {
			c += 'a' - 'A'
		}
		hex[n] = c
		n++
	}
	if n != 32 || len(s) != 32 && len(s) != 36 {
		return "", false
	}
	return string(hex[0:8]) + "-" + string(hex[8:12]) + "-" + string(hex[12:16]) + "-" +
		string(hex[16:20]) + "-" + string(hex[20:32]), true
}

// inferJSONCell reads a raw JSON value for a column whose type is inferred
// from its values: strings ("" is null), integers, reals, bools, and
// objects or arrays as dynamic.
func inferJSONCell(v []byte, scratch *[]byte, c *cell) {
	switch v[0] {
	case 'n':
		c.kind = kNull
	case '"':
		s := jsonString(v, scratch)
		if len(s) == 0 {
			c.kind = kNull
		} else {
			c.kind, c.b = kStr, s
		}
	case 't', 'f':
		c.kind, c.i = kBool, b2i(v[0] == 't')
	case '{', '[':
		c.kind = kDyn
		c.d, _ = dynamicFromJSON(v, 0)
	default:
		if n, ok := parseInt(v); ok {
			c.kind, c.i = kInt, n
			return
		}
		f, _ := strconv.ParseFloat(string(v), 64)
		c.kind, c.f = kReal, f
	}
}
