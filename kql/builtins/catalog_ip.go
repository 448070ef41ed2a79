package builtins

import "github.com/rmmhunt/rmmhunt/kql/types"

// IPv4 and IPv6 functions.
func init() {
	S, L, B, DY := types.String, types.Long, types.Bool, types.Dynamic
	fn := func(name string, min, max int, res types.Type, args ...ArgKind) {
		def(&Func{Name: name, MinArgs: min, MaxArgs: max, Result: fixed(res), Args: args})
	}
	fn("ipv4_is_private", 1, 1, B, ArgString)
	fn("ipv4_is_in_range", 2, 2, B, ArgString, ArgString)
	fn("ipv4_is_in_any_range", 2, -1, B, ArgString, ArgAny)
	fn("ipv4_compare", 2, 3, L, ArgString, ArgString, ArgInteger)
	fn("ipv4_is_match", 2, 3, B, ArgString, ArgString, ArgInteger)
	fn("parse_ipv4", 1, 1, L, ArgString)
	fn("parse_ipv4_mask", 2, 2, L, ArgString, ArgInteger)
	fn("format_ipv4", 1, 2, S, ArgAny, ArgInteger)
	fn("format_ipv4_mask", 1, 2, S, ArgAny, ArgInteger)
	fn("ipv4_netmask_suffix", 1, 1, L, ArgString)
	fn("ipv4_range_to_cidr_list", 2, 2, DY, ArgString, ArgString)
	fn("ipv6_compare", 2, 3, L, ArgString, ArgString, ArgInteger)
	fn("ipv6_is_match", 2, 3, B, ArgString, ArgString, ArgInteger)
	fn("ipv6_is_in_range", 2, 2, B, ArgString, ArgString)
	fn("ipv6_is_in_any_range", 2, -1, B, ArgString, ArgAny)
	fn("parse_ipv6", 1, 1, S, ArgString)
	fn("parse_ipv6_mask", 2, 2, S, ArgString, ArgInteger)
	fn("has_ipv4", 2, 2, B, ArgAny, ArgString)
	fn("has_ipv4_prefix", 2, 2, B, ArgAny, ArgString)
	fn("has_any_ipv4", 2, -1, B, ArgAny, ArgAny)
	fn("has_any_ipv4_prefix", 2, -1, B, ArgAny, ArgAny)
	// geo_info_from_ip_address(ip) returns a bag of country, state, city,
	// latitude and longitude looked up in Kusto's geolocation data.
	declaredUnsupported(&Func{Name: "geo_info_from_ip_address", MinArgs: 1, MaxArgs: 1, Result: fixed(types.Dynamic),
		Args: []ArgKind{ArgString}, NameKind: NameFirstArg}, "it needs a GeoIP database, which rmmhunt does not embed")
}
