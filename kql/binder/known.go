package binder

import (
	"strings"

	"github.com/rmmhunt/rmmhunt/schema"
)

// kustoFunctionNames are Kusto built-in scalar, aggregate and window function
// names. A call of one of these that the builtins table lacks is reported as
// "not supported yet" (valid KQL), not as an unknown function.
var kustoFunctionNames = strings.Fields(`
abs acos ago array_concat array_iff array_iif array_index_of array_length array_reverse
array_rotate_left array_rotate_right array_shift_left array_shift_right array_slice
array_sort_asc array_sort_desc array_split array_sum asin assert atan atan2 bag_has_key
bag_keys bag_merge bag_pack bag_pack_columns bag_remove_keys bag_set_key base64_decode_toarray
base64_decode_toguid base64_decode_tostring base64_encode_fromarray base64_encode_fromguid
base64_encode_tostring beta_cdf beta_inv beta_pdf bin bin_at bin_auto binary_and binary_not
binary_or binary_shift_left binary_shift_right binary_xor bitset_count_ones case ceiling
coalesce column_ifexists convert_angle convert_energy convert_force convert_length
convert_mass convert_speed convert_temperature convert_volume cos cot countof current_cluster_endpoint
current_database current_principal current_principal_details current_principal_is_member_of
cursor_after cursor_before_or_at cursor_current datetime_add datetime_diff datetime_list_timezones
datetime_local_to_utc datetime_part datetime_utc_to_local dayofmonth dayofweek dayofyear
dcount_hll degrees dynamic_to_json endofday endofmonth endofweek endofyear erf erfc estimate_data_size
exp exp10 exp2 extent_id extent_tags_table extract extract_all extract_json extractall extractjson
format_bytes format_datetime format_ipv4 format_ipv4_mask format_timespan gamma geo_angle
geo_distance_2points geo_point_in_circle geo_point_in_polygon geo_point_to_geohash getmonth
gettype getyear gzip_compress_to_base64_string gzip_decompress_from_base64_string has_any_index
has_ipv4 has_ipv4_prefix hash hash_combine hash_many hash_md5 hash_sha1 hash_sha256 hash_xxhash64
hourofday iff iif indexof indexof_regex ingestion_time ipv4_compare ipv4_is_in_any_range
ipv4_is_in_range ipv4_is_match ipv4_is_private ipv4_netmask_suffix ipv4_range_to_cidr_list
ipv6_compare ipv6_is_in_any_range ipv6_is_in_range ipv6_is_match isascii isempty isfinite isinf
isnan isnotempty isnotnull isnull isutf8 jaccard_index log log10 log1p log2 loggamma make_datetime
make_string make_timespan max_of min_of monthofyear new_guid next not notempty notnull now
pack pack_all pack_array pack_dictionary parse_command_line parse_csv parse_ipv4 parse_ipv4_mask
parse_ipv6 parse_ipv6_mask parse_json parse_path parse_url parse_urlquery parse_user_agent
parse_version parse_xml parsejson percentile_array_tdigest percentile_tdigest percentrank_tdigest
pi pow prev radians rand range rank_tdigest regex_quote repeat replace replace_regex replace_string
replace_strings reverse round row_cumsum row_number row_rank_dense row_rank_min row_rank_dense
row_window_session series_add series_decompose series_divide series_fill_backward series_fill_const
series_fill_forward series_fill_linear series_fir series_fit_line series_fit_2lines series_iir
series_multiply series_outliers series_periods_detect series_stats series_stats_dynamic
series_subtract set_difference set_has_element set_intersect set_union sign sin split sqrt
startofday startofmonth startofweek startofyear strcat strcat_array strcat_delim strcmp string_size
strlen strrep substring tan tdigest_merge tobool toboolean tochar todatetime todecimal todouble
todynamic toguid tohex toint tolong tolower toobject toreal toscalar tostring totimespan toupper
translate treepath trim trim_end trim_start unicode_codepoints_from_string unicode_codepoints_to_string
unixtime_microseconds_todatetime unixtime_milliseconds_todatetime unixtime_nanoseconds_todatetime
unixtime_seconds_todatetime url_decode url_encode url_encode_component week_of_year weekofyear
welch_test zip zlib_compress_to_base64_string zlib_decompress_from_base64_string
count countif dcount dcountif count_distinct count_distinctif sum sumif avg avgif min max minif maxif
make_set make_set_if make_list make_list_if make_list_with_nulls make_bag make_bag_if makeset makelist
stdev stdevif stdevp variance varianceif variancep percentile percentiles percentiles_array
percentilew percentilesw percentilesw_array tdigest hll hll_merge take_any take_anyif any anyif
arg_max arg_min argmax argmin buildschema binary_all_and binary_all_or binary_all_xor
covariance covariancep covarianceif variancepif stdevpif
_GetWatchlist _GetWatchlistAlias
`)

var kustoFunctionSet = func() map[string]bool {
	m := map[string]bool{}
	for _, n := range kustoFunctionNames {
		m[n] = true
	}
	return m
}()

// KnownKustoFunction reports whether name is a Kusto built-in function.
func KnownKustoFunction(name string) bool { return kustoFunctionSet[name] }

func closestName(name string, cands []string) string { return schema.Closest(name, cands) }
