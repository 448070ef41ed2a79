package builtins

import "github.com/rmmhunt/rmmhunt/kql/types"

// Time construction and conversion, math, trigonometry and bit functions.
func init() {
	S, L, R, B, D, TS, I := types.String, types.Long, types.Real, types.Bool, types.Datetime, types.Timespan, types.Int

	// Time.
	def(&Func{Name: "make_datetime", MinArgs: 1, MaxArgs: 6, Result: fixed(D), Args: []ArgKind{ArgAny, ArgNumber}})
	def(&Func{Name: "make_timespan", MinArgs: 1, MaxArgs: 4, Result: fixed(TS), Args: []ArgKind{ArgAny, ArgNumber}})
	def(&Func{Name: "week_of_year", MinArgs: 1, MaxArgs: 1, Result: fixed(I), Args: []ArgKind{ArgDatetime}})
	unsupported("weekofyear", Scalar, 1, 1, "the legacy week numbering is not ISO 8601 and is not documented; use week_of_year")
	def(&Func{Name: "unixtime_microseconds_todatetime", MinArgs: 1, MaxArgs: 1, Result: fixed(D), Args: []ArgKind{ArgNumber}})
	def(&Func{Name: "unixtime_nanoseconds_todatetime", MinArgs: 1, MaxArgs: 1, Result: fixed(D), Args: []ArgKind{ArgNumber}})
	def(&Func{Name: "datetime_utc_to_local", MinArgs: 2, MaxArgs: 2, Result: fixed(D), Args: []ArgKind{ArgDatetime, ArgString}})
	def(&Func{Name: "datetime_local_to_utc", MinArgs: 2, MaxArgs: 2, Result: fixed(D), Args: []ArgKind{ArgDatetime, ArgString}})
	unsupported("datetime_list_timezones", Scalar, 0, 0, "the list of Kusto's time zone names is not embedded")
	alias("datepart", "datetime_part")
	unsupported("bin_auto", Scalar, 1, 1, "needs the query_bin_auto_size and query_bin_auto_at request properties")
	def(&Func{Name: "ingestion_time", MinArgs: 0, MaxArgs: 0, Result: fixed(types.Datetime),
		Note: "ingestion_time() is null: exported rows carry no ingestion time, and Kusto gives null for a table without an IngestionTime policy"})
	for _, n := range []string{"current_cluster_endpoint", "current_database", "current_principal", "current_principal_details",
		"current_principal_is_member_of", "extent_id", "extent_tags", "cursor_after", "cursor_before_or_at", "cursor_current", "estimate_data_size"} {
		unsupported(n, Scalar, 0, -1, "offline queries have no cluster, database, principal or extents")
	}

	// Math.
	num := func(name string, nk NameKind, res types.Type, min, max int) {
		def(&Func{Name: name, MinArgs: min, MaxArgs: max, Result: fixed(res), Args: []ArgKind{ArgNumber}, NameKind: nk})
	}
	for _, n := range []string{"exp2", "exp10", "sin", "cos", "tan", "asin", "acos", "atan", "gamma", "loggamma"} {
		num(n, NameFirstArg, R, 1, 1)
	}
	num("atan2", NameFirstArg, R, 2, 2)
	for _, n := range []string{"cot", "degrees", "radians", "sign"} {
		num(n, NameNone, R, 1, 1)
	}
	def(&Func{Name: "pi", MinArgs: 0, MaxArgs: 0, Result: fixed(R)})
	def(&Func{Name: "rand", MinArgs: 0, MaxArgs: 1, Result: fixed(R), Args: []ArgKind{ArgInteger}, Volatile: true, NameKind: NameFirstArg})
	def(&Func{Name: "isinf", MinArgs: 1, MaxArgs: 1, Result: fixed(B), Args: []ArgKind{ArgNumber}})
	def(&Func{Name: "isfinite", MinArgs: 1, MaxArgs: 1, Result: fixed(B), Args: []ArgKind{ArgNumber}})
	def(&Func{Name: "around", MinArgs: 3, MaxArgs: 3, Result: fixed(B), Args: []ArgKind{ArgSummable, ArgSummable, ArgSummable}})
	def(&Func{Name: "assert", MinArgs: 2, MaxArgs: 2, Result: fixed(B), Args: []ArgKind{ArgBool, ArgString}})
	for _, n := range []string{"beta_cdf", "beta_inv", "beta_pdf"} {
		unsupported(n, Scalar, 3, 3, "the incomplete beta function is not implemented")
	}
	unsupported("welch_test", Scalar, 6, 6, "Student's t distribution is not implemented")
	for _, n := range []string{"convert_angle", "convert_energy", "convert_force", "convert_length", "convert_mass",
		"convert_speed", "convert_temperature", "convert_volume"} {
		unsupported(n, Scalar, 3, 3, "unit conversion tables are not implemented")
	}

	// Bits.
	bits := func(name string, n int) {
		def(&Func{Name: name, MinArgs: n, MaxArgs: n, Result: fixed(L), Args: []ArgKind{ArgInteger}, NameKind: NameFirstArg})
	}
	for _, n := range []string{"binary_and", "binary_or", "binary_xor", "binary_shift_left", "binary_shift_right"} {
		bits(n, 2)
	}
	bits("binary_not", 1)
	bits("bitset_count_ones", 1)
	_ = S
}
