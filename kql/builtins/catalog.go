package builtins

import (
	"github.com/rmmhunt/rmmhunt/kql/types"
)

// The entries below are Kusto's built-ins as rmmhunt knows them. Each entry
// gives arity, result type and default column naming; see the Kusto.Language
// function catalog for the reference behaviour.
func init() {
	S, L, R, B, D, TS, DY, G, I := types.String, types.Long, types.Real, types.Bool, types.Datetime, types.Timespan, types.Dynamic, types.Guid, types.Int

	// Time.
	def(&Func{Name: "now", MinArgs: 0, MaxArgs: 1, Result: fixed(D), Volatile: true})
	def(&Func{Name: "ago", MinArgs: 1, MaxArgs: 1, Result: fixed(D), Volatile: true})
	def(&Func{Name: "bin", MinArgs: 2, MaxArgs: 2, Result: argType(0), NameKind: NameFirstArg})
	alias("floor", "bin")
	def(&Func{Name: "bin_at", MinArgs: 3, MaxArgs: 3, Result: argType(0), NameKind: NameFirstArg})
	for _, n := range []string{"startofday", "startofweek", "startofmonth", "startofyear", "endofday", "endofweek", "endofmonth", "endofyear"} {
		nk := NameNone
		if n == "startofday" {
			nk = NameFirstArg
		}
		def(&Func{Name: n, MinArgs: 1, MaxArgs: 2, Result: fixed(D), NameKind: nk})
	}
	def(&Func{Name: "datetime_add", MinArgs: 3, MaxArgs: 3, Result: fixed(D)})
	def(&Func{Name: "datetime_diff", MinArgs: 3, MaxArgs: 3, Result: fixed(L)})
	def(&Func{Name: "datetime_part", MinArgs: 2, MaxArgs: 2, Result: fixed(I)})
	def(&Func{Name: "dayofweek", MinArgs: 1, MaxArgs: 1, Result: fixed(TS)})
	def(&Func{Name: "dayofmonth", MinArgs: 1, MaxArgs: 1, Result: fixed(I)})
	def(&Func{Name: "dayofyear", MinArgs: 1, MaxArgs: 1, Result: fixed(I)})
	def(&Func{Name: "hourofday", MinArgs: 1, MaxArgs: 1, Result: fixed(I)})
	def(&Func{Name: "getmonth", MinArgs: 1, MaxArgs: 1, Result: fixed(I)})
	alias("monthofyear", "getmonth")
	def(&Func{Name: "getyear", MinArgs: 1, MaxArgs: 1, Result: fixed(I)})
	def(&Func{Name: "unixtime_seconds_todatetime", MinArgs: 1, MaxArgs: 1, Result: fixed(D)})
	def(&Func{Name: "unixtime_milliseconds_todatetime", MinArgs: 1, MaxArgs: 1, Result: fixed(D)})
	def(&Func{Name: "format_datetime", MinArgs: 2, MaxArgs: 2, Result: fixed(S), NameKind: NameFirstArg})
	def(&Func{Name: "format_timespan", MinArgs: 2, MaxArgs: 2, Result: fixed(S), NameKind: NameFirstArg})

	// Conversions.
	def(&Func{Name: "tostring", MinArgs: 1, MaxArgs: 1, Result: fixed(S), NameKind: NameFirstArg})
	def(&Func{Name: "tolong", MinArgs: 1, MaxArgs: 1, Result: fixed(L), NameKind: NameFirstArg})
	def(&Func{Name: "toint", MinArgs: 1, MaxArgs: 1, Result: fixed(I), NameKind: NameFirstArg})
	def(&Func{Name: "toreal", MinArgs: 1, MaxArgs: 1, Result: fixed(R), NameKind: NameFirstArg})
	alias("todouble", "toreal")
	def(&Func{Name: "todecimal", MinArgs: 1, MaxArgs: 1, Result: fixed(types.Decimal), NameKind: NameFirstArg})
	def(&Func{Name: "todatetime", MinArgs: 1, MaxArgs: 1, Result: fixed(D), NameKind: NameFirstArg})
	def(&Func{Name: "totimespan", MinArgs: 1, MaxArgs: 1, Result: fixed(TS), NameKind: NameFirstArg})
	alias("totime", "totimespan")
	def(&Func{Name: "tobool", MinArgs: 1, MaxArgs: 1, Result: fixed(B), NameKind: NameFirstArg})
	alias("toboolean", "tobool")
	def(&Func{Name: "toguid", MinArgs: 1, MaxArgs: 1, Result: fixed(G), NameKind: NameFirstArg})
	def(&Func{Name: "todynamic", MinArgs: 1, MaxArgs: 1, Result: fixed(DY), NameKind: NameFirstArg})
	alias("parse_json", "todynamic")
	alias("toobject", "todynamic")
	alias("parsejson", "todynamic")

	// Logic and nulls.
	def(&Func{Name: "not", MinArgs: 1, MaxArgs: 1, Result: fixed(B)})
	def(&Func{Name: "iff", MinArgs: 3, MaxArgs: 3, Result: func(a []types.Type) (types.Type, error) { return branchType(a[1:]) }})
	alias("iif", "iff")
	def(&Func{Name: "case", MinArgs: 3, MaxArgs: -1, Result: func(a []types.Type) (types.Type, error) {
		var vals []types.Type
		for i := 1; i < len(a); i += 2 {
			vals = append(vals, a[i])
		}
		vals = append(vals, a[len(a)-1])
		return branchType(vals)
	}})
	def(&Func{Name: "coalesce", MinArgs: 1, MaxArgs: -1, Result: commonType})
	def(&Func{Name: "isempty", MinArgs: 1, MaxArgs: 1, Result: fixed(B)})
	def(&Func{Name: "isnotempty", MinArgs: 1, MaxArgs: 1, Result: fixed(B)})
	alias("notempty", "isnotempty")
	def(&Func{Name: "isnull", MinArgs: 1, MaxArgs: 1, Result: fixed(B)})
	def(&Func{Name: "isnotnull", MinArgs: 1, MaxArgs: 1, Result: fixed(B)})
	alias("notnull", "isnotnull")
	def(&Func{Name: "gettype", MinArgs: 1, MaxArgs: 1, Result: fixed(S), NameKind: NamePrefixFirstArg, Prefix: "type"})

	// Strings.
	def(&Func{Name: "strlen", MinArgs: 1, MaxArgs: 1, Result: fixed(L), NameKind: NamePrefixFirstArg, Prefix: "strlen"})
	def(&Func{Name: "tolower", MinArgs: 1, MaxArgs: 1, Result: fixed(S)})
	def(&Func{Name: "toupper", MinArgs: 1, MaxArgs: 1, Result: fixed(S)})
	def(&Func{Name: "strcat", MinArgs: 1, MaxArgs: -1, Result: fixed(S)})
	def(&Func{Name: "strcat_delim", MinArgs: 2, MaxArgs: -1, Result: fixed(S)})
	def(&Func{Name: "substring", MinArgs: 2, MaxArgs: 3, Result: fixed(S)})
	def(&Func{Name: "trim", MinArgs: 2, MaxArgs: 2, Result: fixed(S)})
	def(&Func{Name: "trim_start", MinArgs: 2, MaxArgs: 2, Result: fixed(S)})
	def(&Func{Name: "trim_end", MinArgs: 2, MaxArgs: 2, Result: fixed(S)})
	def(&Func{Name: "split", MinArgs: 2, MaxArgs: 3, Result: fixed(DY), NameKind: NameFirstArg})
	def(&Func{Name: "replace_string", MinArgs: 3, MaxArgs: 3, Result: fixed(S)})
	def(&Func{Name: "replace_regex", MinArgs: 3, MaxArgs: 3, Result: fixed(S), ConstArgs: []int{1}})
	// The deprecated replace takes (regex, rewrite, text): not an alias.
	def(&Func{Name: "replace", MinArgs: 3, MaxArgs: 3, Result: fixed(S), ConstArgs: []int{0}})
	def(&Func{Name: "indexof", MinArgs: 2, MaxArgs: 5, Result: fixed(L)})
	def(&Func{Name: "countof", MinArgs: 2, MaxArgs: 3, Result: fixed(L)})
	def(&Func{Name: "reverse", MinArgs: 1, MaxArgs: 1, Result: fixed(S)})
	def(&Func{Name: "extract", MinArgs: 3, MaxArgs: 4, Result: func(a []types.Type) (types.Type, error) {
		if len(a) == 4 {
			return a[3], nil
		}
		return types.String, nil
	}, ConstArgs: []int{0}, Args: []ArgKind{ArgString, ArgInteger, ArgAny, ArgType}})
	def(&Func{Name: "extract_all", MinArgs: 2, MaxArgs: 3, Result: fixed(DY), ConstArgs: []int{0}})
	def(&Func{Name: "hash_sha256", MinArgs: 1, MaxArgs: 1, Result: fixed(S)})
	def(&Func{Name: "hash_md5", MinArgs: 1, MaxArgs: 1, Result: fixed(S)})
	def(&Func{Name: "hash_sha1", MinArgs: 1, MaxArgs: 1, Result: fixed(S)})
	def(&Func{Name: "base64_decode_tostring", MinArgs: 1, MaxArgs: 1, Result: fixed(S)})
	def(&Func{Name: "base64_encode_tostring", MinArgs: 1, MaxArgs: 1, Result: fixed(S)})
	def(&Func{Name: "url_decode", MinArgs: 1, MaxArgs: 1, Result: fixed(S)})
	def(&Func{Name: "url_encode", MinArgs: 1, MaxArgs: 1, Result: fixed(S)})
	def(&Func{Name: "strrep", MinArgs: 2, MaxArgs: 3, Result: fixed(S)})

	// Math.
	def(&Func{Name: "abs", MinArgs: 1, MaxArgs: 1, Result: argType(0), NameKind: NameFirstArg})
	def(&Func{Name: "round", MinArgs: 1, MaxArgs: 2, Result: argType(0), NameKind: NameFirstArg})
	def(&Func{Name: "ceiling", MinArgs: 1, MaxArgs: 1, Result: argType(0), NameKind: NameFirstArg})
	def(&Func{Name: "sqrt", MinArgs: 1, MaxArgs: 1, Result: fixed(R), NameKind: NameFirstArg})
	def(&Func{Name: "pow", MinArgs: 2, MaxArgs: 2, Result: fixed(R), NameKind: NameFirstArg})
	def(&Func{Name: "log", MinArgs: 1, MaxArgs: 1, Result: fixed(R), NameKind: NameFirstArg})
	def(&Func{Name: "log10", MinArgs: 1, MaxArgs: 1, Result: fixed(R), NameKind: NameFirstArg})
	def(&Func{Name: "log2", MinArgs: 1, MaxArgs: 1, Result: fixed(R), NameKind: NameFirstArg})
	def(&Func{Name: "exp", MinArgs: 1, MaxArgs: 1, Result: fixed(R), NameKind: NameFirstArg})
	def(&Func{Name: "isnan", MinArgs: 1, MaxArgs: 1, Result: fixed(B)})
	def(&Func{Name: "max_of", MinArgs: 1, MaxArgs: -1, Result: commonType})
	def(&Func{Name: "min_of", MinArgs: 1, MaxArgs: -1, Result: commonType})

	// Dynamic.
	def(&Func{Name: "array_length", MinArgs: 1, MaxArgs: 1, Result: fixed(L)})
	def(&Func{Name: "pack_array", MinArgs: 0, MaxArgs: -1, Result: fixed(DY)})
	def(&Func{Name: "bag_pack", MinArgs: 0, MaxArgs: -1, Result: fixed(DY)})
	alias("pack", "bag_pack")

	// Aggregates.
	agg := func(name, prefix string, min, max int, res ResultFunc) {
		def(&Func{Name: name, Kind: Aggregate, MinArgs: min, MaxArgs: max, Result: res, NameKind: NamePrefixFirstArg, Prefix: prefix})
	}
	agg("count", "count", 0, 1, fixed(L))
	agg("countif", "countif", 1, 1, fixed(L))
	agg("dcount", "dcount", 1, 2, fixed(L))
	agg("dcountif", "dcountif", 2, 3, fixed(L))
	agg("count_distinct", "count_distinct", 1, 1, fixed(L))
	agg("sum", "sum", 1, 1, sumType)
	agg("sumif", "sumif", 2, 2, sumType)
	agg("avg", "avg", 1, 1, fixed(R))
	agg("avgif", "avgif", 2, 2, fixed(R))
	agg("min", "min", 1, 1, orderable)
	agg("max", "max", 1, 1, orderable)
	agg("minif", "minif", 2, 2, orderable)
	agg("maxif", "maxif", 2, 2, orderable)
	agg("make_set", "set", 1, 2, fixed(DY))
	agg("make_set_if", "set", 2, 3, fixed(DY))
	agg("make_list", "list", 1, 2, fixed(DY))
	agg("make_list_if", "list", 2, 3, fixed(DY))
	agg("make_list_with_nulls", "list", 1, 2, fixed(DY))
	agg("make_bag", "bag", 1, 2, fixed(DY))
	agg("stdev", "stdev", 1, 1, fixed(R))
	agg("variance", "variance", 1, 1, fixed(R))
	alias("makeset", "make_set")
	alias("makelist", "make_list")
	def(&Func{Name: "take_any", Kind: Aggregate, MinArgs: 1, MaxArgs: -1, Result: argType(0), NameKind: NameFirstArg, Prefix: "any"})
	alias("any", "take_any")
	def(&Func{Name: "arg_max", Kind: Aggregate, MinArgs: 1, MaxArgs: -1, Result: argType(0), Prefix: "max"})
	def(&Func{Name: "arg_min", Kind: Aggregate, MinArgs: 1, MaxArgs: -1, Result: argType(0), Prefix: "min"})
	alias("argmax", "arg_max")
	alias("argmin", "arg_min")
}

func sumType(a []types.Type) (types.Type, error) {
	if len(a) == 0 {
		return types.Long, nil
	}
	switch a[0] {
	case types.Timespan:
		return types.Timespan, nil
	case types.Dynamic:
		return types.Real, nil
	}
	return numericPromote(a[:1])
}
