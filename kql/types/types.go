// Package types defines KQL's scalar types and the runtime representation of
// one scalar value, including dynamic values, datetimes and timespans, with
// Kusto's text formatting of each.
//
// Datetimes and timespans are int64 counts of 100-nanosecond ticks, so that
// arithmetic and bin() are exact; a datetime counts from 0001-01-01 00:00:00
// UTC as .NET does. Strings are never null (a missing string is "").
package types

import "strings"

// Type is a KQL scalar type.
type Type uint8

// The scalar types. Unknown is the type of an expression that failed to bind.
const (
	Unknown Type = iota
	Bool
	Int
	Long
	Real
	Decimal
	Datetime
	Timespan
	String
	Guid
	Dynamic
	// Null is the type of the untyped literal null inside dynamic literals and
	// of expressions that are always null; it converts to any type.
	Null
)

var typeNames = [...]string{
	Unknown: "unknown", Bool: "bool", Int: "int", Long: "long", Real: "real",
	Decimal: "decimal", Datetime: "datetime", Timespan: "timespan", String: "string",
	Guid: "guid", Dynamic: "dynamic", Null: "null",
}

// String returns the KQL name of the type.
func (t Type) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return "unknown"
}

// DotNetName returns the .NET type name that Kusto reports for t (getschema,
// the Advanced Hunting API's Schema).
func (t Type) DotNetName() string {
	switch t {
	case Bool:
		return "System.Boolean"
	case Int:
		return "System.Int32"
	case Long:
		return "System.Int64"
	case Real:
		return "System.Double"
	case Decimal:
		return "System.Data.SqlTypes.SqlDecimal"
	case Datetime:
		return "System.DateTime"
	case Timespan:
		return "System.TimeSpan"
	case String:
		return "System.String"
	case Guid:
		return "System.Guid"
	case Dynamic:
		return "System.Object"
	}
	return "System.Object"
}

// Parse returns the type named s (KQL names and aliases, case-insensitive,
// and the .NET names used in API results such as "Int64" or "DateTime").
func Parse(s string) (Type, bool) {
	switch strings.ToLower(strings.TrimPrefix(s, "System.")) {
	case "bool", "boolean":
		return Bool, true
	case "int", "int32", "integer":
		return Int, true
	case "long", "int64":
		return Long, true
	case "real", "double", "float", "single":
		return Real, true
	case "decimal", "sqldecimal", "data.sqltypes.sqldecimal":
		return Decimal, true
	case "datetime", "date":
		return Datetime, true
	case "timespan", "time":
		return Timespan, true
	case "string":
		return String, true
	case "guid", "uuid", "uniqueid":
		return Guid, true
	case "dynamic", "object", "sbyte":
		return Dynamic, true
	}
	return Unknown, false
}

// IsNumeric reports whether t is int, long, real or decimal.
func (t Type) IsNumeric() bool {
	return t == Int || t == Long || t == Real || t == Decimal
}

// IsInteger reports whether t is int or long.
func (t Type) IsInteger() bool { return t == Int || t == Long }

// UsesInts reports whether values of t are stored in Value.I.
func (t Type) UsesInts() bool {
	return t == Bool || t == Int || t == Long || t == Datetime || t == Timespan
}

// UsesReals reports whether values of t are stored in Value.F.
func (t Type) UsesReals() bool { return t == Real || t == Decimal }

// UsesStrings reports whether values of t are stored in Value.S.
func (t Type) UsesStrings() bool { return t == String || t == Guid }
