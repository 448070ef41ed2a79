package types

import (
	"math"
	"strconv"
)

// Value is one scalar value. Which field holds the payload depends on Type:
// I for bool (0/1), int, long, datetime and timespan (ticks); F for real and
// decimal; S for string and guid; D for dynamic (see Dynamic). A null value
// has Null set and a zero payload; strings are never null.
type Value struct {
	Type Type
	Null bool
	I    int64
	F    float64
	S    string
	D    any
}

// NullOf returns the null value of type t ("" for strings).
func NullOf(t Type) Value {
	if t == String {
		return Value{Type: String}
	}
	return Value{Type: t, Null: true}
}

// NewBool returns a bool value.
func NewBool(b bool) Value {
	v := Value{Type: Bool}
	if b {
		v.I = 1
	}
	return v
}

// NewLong returns a long value.
func NewLong(i int64) Value { return Value{Type: Long, I: i} }

// NewInt returns an int value (stored widened).
func NewInt(i int32) Value { return Value{Type: Int, I: int64(i)} }

// NewReal returns a real value.
func NewReal(f float64) Value { return Value{Type: Real, F: f} }

// NewString returns a string value.
func NewString(s string) Value { return Value{Type: String, S: s} }

// NewDatetime returns a datetime value from ticks since 0001-01-01.
func NewDatetime(ticks int64) Value { return Value{Type: Datetime, I: ticks} }

// NewTimespan returns a timespan value from ticks.
func NewTimespan(ticks int64) Value { return Value{Type: Timespan, I: ticks} }

// NewGuid returns a guid value (lower-case canonical text).
func NewGuid(s string) Value { return Value{Type: Guid, S: s} }

// NewDynamic returns a dynamic value holding d (see Dynamic for the allowed
// Go types). A nil d is dynamic null.
func NewDynamic(d any) Value {
	if d == nil {
		return Value{Type: Dynamic, Null: true}
	}
	return Value{Type: Dynamic, D: d}
}

// Bool returns the payload of a bool value.
func (v Value) Bool() bool { return v.I != 0 }

// IsNullOrEmpty reports whether v is null or the empty string (isempty).
func (v Value) IsNullOrEmpty() bool {
	if v.Null {
		return true
	}
	if v.Type == String || v.Type == Guid {
		return v.S == ""
	}
	if v.Type == Dynamic {
		if s, ok := v.D.(string); ok {
			return s == ""
		}
	}
	return false
}

// AsFloat returns a numeric value as float64.
func (v Value) AsFloat() float64 {
	if v.Type.UsesReals() {
		return v.F
	}
	return float64(v.I)
}

// String formats v as KQL's tostring() does: null is "", datetimes in ISO
// 8601 with 7 fractional digits, timespans as [-][d.]hh:mm:ss[.fffffff],
// bools as "true"/"false", dynamic strings without quotes and other dynamic
// values as compact JSON.
func (v Value) String() string {
	if v.Null {
		return ""
	}
	switch v.Type {
	case Bool:
		if v.I != 0 {
			return "true"
		}
		return "false"
	case Int, Long:
		return strconv.FormatInt(v.I, 10)
	case Real, Decimal:
		return FormatReal(v.F)
	case Datetime:
		return FormatDatetime(v.I)
	case Timespan:
		return FormatTimespan(v.I)
	case String, Guid:
		return v.S
	case Dynamic:
		if s, ok := v.D.(string); ok {
			return s
		}
		return DynamicJSON(v.D)
	}
	return ""
}

// FormatReal formats a real as Kusto prints it: shortest round-trip form,
// NaN, Infinity and -Infinity spelled out.
func FormatReal(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// ToDynamic converts a scalar value into the payload of a dynamic value.
func (v Value) ToDynamic() any {
	if v.Null {
		return nil
	}
	switch v.Type {
	case Bool:
		return v.I != 0
	case Int, Long:
		return v.I
	case Real, Decimal:
		return v.F
	case Datetime:
		return DynDatetime(v.I)
	case Timespan:
		return DynTimespan(v.I)
	case String:
		return v.S
	case Guid:
		return DynGuid(v.S)
	case Dynamic:
		return v.D
	}
	return nil
}

// FromDynamic turns a dynamic payload back into a Value of type dynamic.
func FromDynamic(d any) Value { return NewDynamic(d) }
