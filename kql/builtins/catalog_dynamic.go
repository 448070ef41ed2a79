package builtins

import "github.com/rmmhunt/rmmhunt/kql/types"

// Dynamic arrays and property bags, JSON and CSV parsing.
func init() {
	S, L, R, B, DY := types.String, types.Long, types.Real, types.Bool, types.Dynamic
	dyn := func(name string, min, max int, res types.Type, args ...ArgKind) {
		def(&Func{Name: name, MinArgs: min, MaxArgs: max, Result: fixed(res), Args: args})
	}

	// Property bags.
	dyn("bag_keys", 1, 1, DY, ArgDynamic)
	dyn("bag_merge", 2, 64, DY, ArgDynamic)
	dyn("bag_remove_keys", 2, 2, DY, ArgDynamic, ArgDynamic)
	dyn("bag_has_key", 2, 2, B, ArgDynamic, ArgString)
	dyn("bag_set_key", 3, 3, DY, ArgDynamic, ArgString, ArgAny)
	dyn("bag_zip", 2, 2, DY, ArgDynamic, ArgDynamic)
	// pack_all() packs the columns of the row; the binder supplies them.
	dyn("pack_all", 0, 1, DY, ArgBool)
	alias("pack_dictionary", "bag_pack")
	// bag_pack_columns(c1, c2, ...) packs columns under their own names; the
	// binder rewrites it into bag_pack("c1", c1, "c2", c2, ...).
	def(&Func{Name: "bag_pack_columns", MinArgs: 1, MaxArgs: -1, Result: fixed(DY), Expanded: true})

	// Arrays.
	dyn("array_concat", 1, 64, DY, ArgDynamic)
	dyn("array_slice", 3, 3, DY, ArgDynamic, ArgInteger, ArgInteger)
	def(&Func{Name: "array_index_of", MinArgs: 2, MaxArgs: 5, Result: fixed(L),
		Args: []ArgKind{ArgDynamic, ArgAny, ArgInteger, ArgInteger, ArgInteger}, ConstArgs: []int{4}})
	// array_sort_asc/desc: one array and an optional nulls_last flag. Several
	// arrays sorted together produce several columns; the binder reports
	// that form as unsupported.
	for _, n := range []string{"array_sort_asc", "array_sort_desc"} {
		def(&Func{Name: n, MinArgs: 1, MaxArgs: 65, Result: fixed(DY), Args: []ArgKind{ArgDynamic, ArgAny}})
	}
	dyn("array_reverse", 1, 1, DY, ArgDynamic)
	dyn("array_sum", 1, 1, R, ArgDynamic)
	dyn("array_iff", 3, 3, DY, ArgDynamic, ArgAny, ArgAny)
	alias("array_iif", "array_iff")
	dyn("array_rotate_left", 2, 2, DY, ArgDynamic, ArgInteger)
	dyn("array_rotate_right", 2, 2, DY, ArgDynamic, ArgInteger)
	dyn("array_shift_left", 2, 3, DY, ArgDynamic, ArgInteger, ArgAny)
	dyn("array_shift_right", 2, 3, DY, ArgDynamic, ArgInteger, ArgAny)
	dyn("array_split", 2, 2, DY, ArgDynamic, ArgAny)
	alias("arraylength", "array_length")
	def(&Func{Name: "repeat", MinArgs: 2, MaxArgs: 2, Result: fixed(DY), Args: []ArgKind{ArgAny, ArgInteger},
		NameKind: NamePrefixFirstArg, Prefix: "repeat"})
	dyn("range", 2, 3, DY, ArgSummable)
	dyn("zip", 2, 64, DY, ArgDynamic)
	dyn("strcat_array", 2, 2, S, ArgDynamic, ArgAny)
	alias("array_strcat", "strcat_array")

	// Sets.
	dyn("set_union", 2, 64, DY, ArgDynamic)
	dyn("set_intersect", 2, 64, DY, ArgDynamic)
	dyn("set_difference", 2, 64, DY, ArgDynamic)
	dyn("set_has_element", 2, 2, B, ArgDynamic, ArgAny)
	dyn("jaccard_index", 2, 2, R, ArgDynamic, ArgDynamic)

	// JSON, CSV and trees.
	def(&Func{Name: "extract_json", MinArgs: 2, MaxArgs: 3, Result: typeofResult(2, S),
		Args: []ArgKind{ArgString, ArgAny, ArgType}, ConstArgs: []int{0}})
	alias("extractjson", "extract_json")
	def(&Func{Name: "parse_csv", MinArgs: 1, MaxArgs: 1, Result: fixed(DY), Args: []ArgKind{ArgString}, NameKind: NameFirstArg})
	def(&Func{Name: "treepath", MinArgs: 1, MaxArgs: 1, Result: fixed(DY), Args: []ArgKind{ArgDynamic},
		NameKind: NamePrefixFirstArg, Prefix: "tree"})
	dyn("dynamic_to_json", 1, 1, S, ArgDynamic)

	def(&Func{Name: "parse_xml", MinArgs: 1, MaxArgs: 1, Result: fixed(DY), Args: []ArgKind{ArgString}, NameKind: NameFirstArg})
}

// typeofResult is the result of a function whose optional argument i is a
// typeof(T) literal: T when given, def otherwise.
func typeofResult(i int, def types.Type) ResultFunc {
	return func(a []types.Type) (types.Type, error) {
		if i < len(a) {
			return a[i], nil
		}
		return def, nil
	}
}
