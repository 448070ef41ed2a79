package builtins

import "github.com/rmmhunt/rmmhunt/kql/types"

// Output is one column of a function that returns several columns (a
// tuple), such as series_stats or series_fit_line.
type Output struct {
	Name string
	Type types.Type
}

// DefaultOutputName is the name Kusto gives output o of a tuple-valued call
// of f when no name is assigned: the function's name, the name of the
// series argument when it has one, and the output's name, joined by "_"
// (series_stats(x) gives series_stats_x_min, ...).
func (f *Func) DefaultOutputName(argName string, o Output) string {
	if argName == "" {
		return f.CanonicalName() + "_" + o.Name
	}
	return f.CanonicalName() + "_" + argName + "_" + o.Name
}

// Series functions: element-wise arithmetic and comparison over numeric
// arrays, filling, filtering, statistics, regression and decomposition.
func init() {
	R, L, DY := types.Real, types.Long, types.Dynamic
	// Element-wise binary operations: two arrays, or an array and a number.
	for _, n := range []string{"series_add", "series_subtract", "series_multiply", "series_divide", "series_pow",
		"series_equals", "series_not_equals", "series_greater", "series_greater_equals", "series_less", "series_less_equals"} {
		def(&Func{Name: n, MinArgs: 2, MaxArgs: 2, Result: fixed(DY), Args: []ArgKind{ArgAny}})
	}
	// Element-wise unary math.
	for _, n := range []string{"series_abs", "series_acos", "series_asin", "series_atan", "series_ceiling", "series_floor",
		"series_cos", "series_sin", "series_tan", "series_exp", "series_log", "series_sign"} {
		def(&Func{Name: n, MinArgs: 1, MaxArgs: 1, Result: fixed(DY), Args: []ArgKind{ArgDynamic}})
	}
	// Filling missing values.
	fill := func(name string, min, max int, args ...ArgKind) {
		def(&Func{Name: name, MinArgs: min, MaxArgs: max, Result: fixed(DY), Args: args, NameKind: NameFirstArg})
	}
	fill("series_fill_backward", 1, 2, ArgDynamic, ArgAny)
	fill("series_fill_forward", 1, 2, ArgDynamic, ArgAny)
	fill("series_fill_const", 2, 3, ArgDynamic, ArgAny, ArgAny)
	fill("series_fill_linear", 1, 4, ArgDynamic, ArgAny, ArgBool, ArgAny)
	// Filters.
	fill("series_fir", 2, 4, ArgDynamic, ArgDynamic, ArgBool, ArgBool)
	fill("series_iir", 3, 3, ArgDynamic, ArgDynamic, ArgDynamic)

	// Statistics and regression.
	def(&Func{Name: "series_stats", MinArgs: 1, MaxArgs: 2, Result: fixed(DY), Args: []ArgKind{ArgDynamic, ArgBool},
		Outputs: []Output{{"min", R}, {"min_idx", L}, {"max", R}, {"max_idx", L}, {"avg", R}, {"stdev", R}, {"variance", R}}})
	def(&Func{Name: "series_stats_dynamic", MinArgs: 1, MaxArgs: 2, Result: fixed(DY), Args: []ArgKind{ArgDynamic, ArgBool}})
	def(&Func{Name: "series_fit_line", MinArgs: 1, MaxArgs: 1, Result: fixed(DY), Args: []ArgKind{ArgDynamic},
		Outputs: []Output{{"rsquare", R}, {"slope", R}, {"variance", R}, {"rvariance", R}, {"interception", R}, {"line_fit", DY}}})
	def(&Func{Name: "series_fit_line_dynamic", MinArgs: 1, MaxArgs: 1, Result: fixed(DY), Args: []ArgKind{ArgDynamic}})
	def(&Func{Name: "series_pearson_correlation", MinArgs: 2, MaxArgs: 2, Result: fixed(R), Args: []ArgKind{ArgDynamic}})
	def(&Func{Name: "series_dot_product", MinArgs: 2, MaxArgs: 2, Result: fixed(R), Args: []ArgKind{ArgAny}})

	// Decomposition with a given period. The period (Seasonality) must be
	// a constant: -1, its default, asks for automatic detection, which the
	// binder reports as unsupported.
	def(&Func{Name: "series_seasonal", MinArgs: 1, MaxArgs: 3, Result: fixed(DY), Args: []ArgKind{ArgDynamic, ArgInteger, ArgInteger}})
	def(&Func{Name: "series_decompose", MinArgs: 1, MaxArgs: 5, Result: fixed(DY),
		Args:    []ArgKind{ArgDynamic, ArgInteger, ArgString, ArgInteger, ArgNumber},
		Outputs: []Output{{"baseline", DY}, {"seasonal", DY}, {"trend", DY}, {"residual", DY}}})
	def(&Func{Name: "series_decompose_forecast", MinArgs: 2, MaxArgs: 5, Result: fixed(DY),
		Args: []ArgKind{ArgDynamic, ArgInteger, ArgInteger, ArgString, ArgNumber}})

	const undocumentedScore = "the anomaly score of Kusto's Tukey test (its scaling and percentile interpolation) is not documented"
	declaredUnsupported(&Func{Name: "series_outliers", MinArgs: 1, MaxArgs: 5, Result: fixed(DY),
		Args: []ArgKind{ArgDynamic, ArgString, ArgNumber, ArgNumber, ArgNumber}, NameKind: NameFirstArg}, undocumentedScore)
	declaredUnsupported(&Func{Name: "series_decompose_anomalies", MinArgs: 1, MaxArgs: 7, Result: fixed(DY),
		Args:    []ArgKind{ArgDynamic, ArgNumber, ArgInteger, ArgString, ArgInteger, ArgString, ArgNumber},
		Outputs: []Output{{"ad_flag", DY}, {"ad_score", DY}, {"baseline", DY}}}, undocumentedScore)
	const undocumentedPeriods = "Kusto's period detection and its scores are not documented"
	declaredUnsupported(&Func{Name: "series_periods_detect", MinArgs: 4, MaxArgs: 4, Result: fixed(DY),
		Args:    []ArgKind{ArgDynamic, ArgNumber, ArgNumber, ArgInteger},
		Outputs: []Output{{"periods", DY}, {"scores", DY}}}, undocumentedPeriods)
	declaredUnsupported(&Func{Name: "series_periods_validate", MinArgs: 2, MaxArgs: 17, Result: fixed(DY),
		Args:    []ArgKind{ArgDynamic, ArgNumber},
		Outputs: []Output{{"periods", DY}, {"scores", DY}}}, "Kusto's period scores are not documented")
	const undocumentedSplit = "which side of the split holds split_idx and where each line's x starts are not documented"
	declaredUnsupported(&Func{Name: "series_fit_2lines", MinArgs: 1, MaxArgs: 1, Result: fixed(DY), Args: []ArgKind{ArgDynamic},
		Outputs: []Output{{"rsquare", R}, {"split_idx", L}, {"variance", R}, {"rvariance", R}, {"line_fit", DY},
			{"right_rsquare", R}, {"right_slope", R}, {"right_interception", R}, {"right_variance", R}, {"right_rvariance", R},
			{"left_rsquare", R}, {"left_slope", R}, {"left_interception", R}, {"left_variance", R}, {"left_rvariance", R}}}, undocumentedSplit)
	declaredUnsupported(&Func{Name: "series_fit_2lines_dynamic", MinArgs: 1, MaxArgs: 1, Result: fixed(DY), Args: []ArgKind{ArgDynamic}}, undocumentedSplit)
	declaredUnsupported(&Func{Name: "series_fit_poly", MinArgs: 1, MaxArgs: 3, Result: fixed(DY), Args: []ArgKind{ArgDynamic, ArgDynamic, ArgInteger},
		Outputs: []Output{{"rsquare", R}, {"coefficients", DY}, {"variance", R}, {"rvariance", R}, {"poly_fit", DY}}}, "polynomial regression is not implemented")
	unsupported("series_fft", Scalar, 1, 2, "the Fourier transform is not implemented")
	unsupported("series_ifft", Scalar, 1, 2, "the Fourier transform is not implemented")
}
