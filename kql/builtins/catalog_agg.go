package builtins

import "github.com/rmmhunt/rmmhunt/kql/types"

// Aggregates beyond the core set: percentiles, conditional statistics,
// distinct-count sketches and bitwise folds.
func init() {
	L, R, DY := types.Long, types.Real, types.Dynamic
	agg := func(name, prefix string, min, max int, res ResultFunc, args ...ArgKind) {
		def(&Func{Name: name, Kind: Aggregate, MinArgs: min, MaxArgs: max, Result: res, Args: args,
			NameKind: NamePrefixFirstArg, Prefix: prefix})
	}

	// Percentiles (nearest rank, exact). Their columns are named by the
	// binder: percentile_x_95, percentiles_x.
	agg("percentile", "percentile", 2, 2, percentileType, ArgSummable, ArgNumber)
	agg("percentiles", "percentile", 2, -1, percentileType, ArgSummable, ArgNumber)
	agg("percentiles_array", "percentiles", 2, -1, fixed(DY), ArgSummable, ArgAny)
	agg("percentilew", "percentile", 3, 3, percentileType, ArgSummable, ArgInteger, ArgNumber)
	agg("percentilesw", "percentile", 3, -1, percentileType, ArgSummable, ArgInteger, ArgNumber)
	agg("percentilesw_array", "percentiles", 3, -1, fixed(DY), ArgSummable, ArgInteger, ArgAny)

	// Conditional and population statistics.
	agg("stdevif", "stdevif", 2, 2, fixed(R), ArgSummable, ArgBool)
	agg("varianceif", "varianceif", 2, 2, fixed(R), ArgSummable, ArgBool)
	agg("stdevp", "stdevp", 1, 1, fixed(R), ArgSummable)
	agg("variancep", "variancep", 1, 1, fixed(R), ArgSummable)
	agg("variancepif", "variancepif", 2, 2, fixed(R), ArgSummable, ArgBool)
	agg("covariance", "covariance", 2, 2, fixed(R), ArgNumber, ArgNumber)
	agg("covariancep", "covariancep", 2, 2, fixed(R), ArgNumber, ArgNumber)
	agg("covarianceif", "covarianceif", 3, 3, fixed(R), ArgNumber, ArgNumber, ArgBool)
	agg("covariancepif", "covariancepif", 3, 3, fixed(R), ArgNumber, ArgNumber, ArgBool)

	// Collections and picks.
	agg("make_bag_if", "bag", 2, 3, fixed(DY), ArgDynamic, ArgBool, ArgInteger)
	def(&Func{Name: "take_anyif", Kind: Aggregate, MinArgs: 2, MaxArgs: 2, Result: argType(0),
		Args: []ArgKind{ArgAny, ArgBool}, NameKind: NameFirstArg, Prefix: "any"})
	deprecatedAlias("anyif", "take_anyif", "anyif")
	agg("count_distinctif", "count_distinctif", 2, 2, fixed(L), ArgNotDynamic, ArgBool)

	// Distinct-count sketches, kept exact: the "sketch" holds the distinct
	// values themselves, so dcount_hll is an exact count.
	agg("hll", "hll", 1, 2, fixed(DY), ArgNotDynamic, ArgInteger)
	agg("hll_if", "hll_if", 2, 3, fixed(DY), ArgNotDynamic, ArgBool, ArgInteger)
	agg("hll_merge", "hll_merge", 1, 1, fixed(DY), ArgDynamic)
	table["hll_merge"].ScalarForm = &Func{Name: "hll_merge", MinArgs: 2, MaxArgs: 16, Result: fixed(DY), Args: []ArgKind{ArgDynamic}}
	def(&Func{Name: "dcount_hll", MinArgs: 1, MaxArgs: 1, Result: fixed(L), Args: []ArgKind{ArgDynamic},
		NameKind: NamePrefixFirstArg, Prefix: "dcount_hll"})

	// Bitwise folds keep the argument's type and name.
	for _, n := range []string{"binary_all_and", "binary_all_or", "binary_all_xor"} {
		def(&Func{Name: n, Kind: Aggregate, MinArgs: 1, MaxArgs: 1, Result: argType(0), Args: []ArgKind{ArgInteger}, NameKind: NameFirstArg})
	}

	unsupported("tdigest", Aggregate, 1, 2, "t-digest sketches are not implemented; use percentiles")
	unsupported("tdigest_merge", Aggregate, 1, 1, "t-digest sketches are not implemented; use percentiles")
	alias("merge_tdigest", "tdigest_merge")
	for _, n := range []string{"percentile_tdigest", "percentiles_array_tdigest", "percentrank_tdigest", "rank_tdigest"} {
		unsupported(n, Scalar, 2, -1, "t-digest sketches are not implemented; use percentiles")
	}
	unsupported("buildschema", Aggregate, 1, 1, "schema inference of dynamic values is not implemented")
}

// percentileType is the column type of percentile(s): the value's type, with
// int widened to long and decimal to real.
func percentileType(a []types.Type) (types.Type, error) {
	if len(a) == 0 {
		return types.Real, nil
	}
	switch a[0] {
	case types.Int:
		return types.Long, nil
	case types.Decimal:
		return types.Real, nil
	}
	return a[0], nil
}
