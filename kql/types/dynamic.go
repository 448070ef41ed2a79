package types

import (
	"bytes"
	"encoding/json"
	"math"
	"sort"
	"strconv"
	"strings"
)

// The payload of a dynamic value (Value.D) is one of:
//
//	nil                          null
//	bool, int64, float64, string JSON primitives (integers stay exact)
//	DynDatetime, DynTimespan     ticks, from dynamic literals or conversions
//	DynGuid                      a guid
//	[]any                        an array
//	*Bag                         a property bag
type (
	// DynDatetime is a datetime held inside a dynamic value.
	DynDatetime int64
	// DynTimespan is a timespan held inside a dynamic value.
	DynTimespan int64
	// DynGuid is a guid held inside a dynamic value.
	DynGuid string
)

// Bag is a property bag. Keys keep their insertion order for printing;
// lookups go through the index.
type Bag struct {
	Keys  []string
	Vals  []any
	index map[string]int
}

// NewBag returns an empty bag.
func NewBag() *Bag { return &Bag{} }

// Get returns the value of key k.
func (b *Bag) Get(k string) (any, bool) {
	if b == nil {
		return nil, false
	}
	if b.index == nil && len(b.Keys) > 8 {
		b.index = make(map[string]int, len(b.Keys))
		for i, key := range b.Keys {
			b.index[key] = i
		}
	}
	if b.index != nil {
		i, ok := b.index[k]
		if !ok {
			return nil, false
		}
		return b.Vals[i], true
	}
	for i, key := range b.Keys {
		if key == k {
			return b.Vals[i], true
		}
	}
	return nil, false
}

// Set sets key k to v, replacing an existing value.
func (b *Bag) Set(k string, v any) {
	if _, ok := b.Get(k); ok {
		for i, key := range b.Keys {
			if key == k {
				b.Vals[i] = v
				return
			}
		}
	}
	b.Keys = append(b.Keys, k)
	b.Vals = append(b.Vals, v)
	if b.index != nil {
		b.index[k] = len(b.Keys) - 1
	}
}

// Len returns the number of properties.
func (b *Bag) Len() int { return len(b.Keys) }

// ParseJSON parses JSON text into a dynamic payload. Integers that fit in
// int64 stay exact; others become float64. It reports false for invalid JSON.
func ParseJSON(s string) (any, bool) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	v, err := decodeValue(dec)
	if err != nil {
		return nil, false
	}
	if dec.More() {
		return nil, false
	}
	if _, err := dec.Token(); err == nil {
		return nil, false
	}
	return v, true
}

// FromJSONValue converts a value produced by encoding/json with UseNumber
// (map[string]any, []any, json.Number, ...) into a dynamic payload.
func FromJSONValue(v any) any {
	switch x := v.(type) {
	case nil, bool, string:
		return x
	case json.Number:
		return numberFromJSON(string(x))
	case float64:
		return x
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = FromJSONValue(e)
		}
		return out
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b := &Bag{}
		for _, k := range keys {
			b.Set(k, FromJSONValue(x[k]))
		}
		return b
	}
	return nil
}

func numberFromJSON(s string) any {
	if !strings.ContainsAny(s, ".eE") {
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			return i
		}
	}
	f, _ := strconv.ParseFloat(s, 64)
	return f
}

// decodeValue reads one JSON value, keeping object key order.
func decodeValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '[':
			arr := []any{}
			for dec.More() {
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				arr = append(arr, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return arr, nil
		case '{':
			b := &Bag{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k, _ := kt.(string)
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				b.Set(k, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return b, nil
		}
	case json.Number:
		return numberFromJSON(string(t)), nil
	case string, bool, nil:
		return t, nil
	}
	return nil, nil
}

// DynamicJSON prints a dynamic payload as compact JSON, the way Kusto's
// tostring() prints arrays and bags. Datetimes and timespans print as
// strings in Kusto's text form.
func DynamicJSON(d any) string {
	var b bytes.Buffer
	writeJSON(&b, d)
	return b.String()
}

// AppendJSON appends the JSON form of a dynamic payload to buf.
func AppendJSON(buf *bytes.Buffer, d any) { writeJSON(buf, d) }

func writeJSON(b *bytes.Buffer, d any) {
	switch x := d.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		if x {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			writeJSONString(b, FormatReal(x))
		} else {
			b.WriteString(strconv.FormatFloat(x, 'g', -1, 64))
		}
	case string:
		writeJSONString(b, x)
	case DynDatetime:
		writeJSONString(b, FormatDatetime(int64(x)))
	case DynTimespan:
		writeJSONString(b, FormatTimespan(int64(x)))
	case DynGuid:
		writeJSONString(b, string(x))
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSON(b, e)
		}
		b.WriteByte(']')
	case *Bag:
		b.WriteByte('{')
		for i, k := range x.Keys {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSONString(b, k)
			b.WriteByte(':')
			writeJSON(b, x.Vals[i])
		}
		b.WriteByte('}')
	default:
		b.WriteString("null")
	}
}

func writeJSONString(b *bytes.Buffer, s string) {
	enc, _ := json.Marshal(s)
	// json.Marshal escapes <, > and & for HTML; Kusto does not.
	enc = bytes.ReplaceAll(enc, []byte(`\u003c`), []byte("<"))
	enc = bytes.ReplaceAll(enc, []byte(`\u003e`), []byte(">"))
	enc = bytes.ReplaceAll(enc, []byte(`\u0026`), []byte("&"))
	b.Write(enc)
}

// DynamicText returns the text of a dynamic payload as string operators see
// it: a string without quotes, anything else as JSON ("" for null).
func DynamicText(d any) string {
	switch x := d.(type) {
	case nil:
		return ""
	case string:
		return x
	case DynGuid:
		return string(x)
	case DynDatetime:
		return FormatDatetime(int64(x))
	case DynTimespan:
		return FormatTimespan(int64(x))
	}
	return DynamicJSON(d)
}

// DynamicScalar converts a primitive dynamic payload into a typed Value; arrays
// and bags stay dynamic.
func DynamicScalar(d any) Value {
	switch x := d.(type) {
	case nil:
		return NullOf(Dynamic)
	case bool:
		return NewBool(x)
	case int64:
		return NewLong(x)
	case float64:
		return NewReal(x)
	case string:
		return NewString(x)
	case DynDatetime:
		return NewDatetime(int64(x))
	case DynTimespan:
		return NewTimespan(int64(x))
	case DynGuid:
		return NewGuid(string(x))
	}
	return NewDynamic(d)
}

// DynamicEqual reports whether two dynamic payloads are equal (deep).
func DynamicEqual(a, b any) bool {
	switch x := a.(type) {
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !DynamicEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	case *Bag:
		y, ok := b.(*Bag)
		if !ok || x.Len() != y.Len() {
			return false
		}
		for i, k := range x.Keys {
			v, ok := y.Get(k)
			if !ok || !DynamicEqual(x.Vals[i], v) {
				return false
			}
		}
		return true
	case int64:
		switch y := b.(type) {
		case int64:
			return x == y
		case float64:
			return float64(x) == y
		}
		return false
	case float64:
		switch y := b.(type) {
		case int64:
			return x == float64(y)
		case float64:
			return x == y
		}
		return false
	}
	return a == b
}

// DynamicKey returns a string that identifies a dynamic payload for grouping
// and set membership (make_set, dcount): equal payloads have equal keys.
func DynamicKey(d any) string {
	switch x := d.(type) {
	case string:
		return "s" + x
	case int64:
		return "n" + strconv.FormatInt(x, 10)
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<62 {
			return "n" + strconv.FormatInt(int64(x), 10)
		}
		return "f" + strconv.FormatFloat(x, 'g', -1, 64)
	}
	return "j" + DynamicJSON(d)
}
