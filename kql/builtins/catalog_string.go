package builtins

import "github.com/rmmhunt/rmmhunt/kql/types"

// String parsing, encoding and hashing functions.
func init() {
	S, L, B, DY, G := types.String, types.Long, types.Bool, types.Dynamic, types.Guid
	fn := func(name string, min, max int, res types.Type, args ...ArgKind) {
		def(&Func{Name: name, MinArgs: min, MaxArgs: max, Result: fixed(res), Args: args})
	}

	// Parsing.
	fn("parse_url", 1, 1, DY, ArgString)
	alias("parseurl", "parse_url")
	fn("parse_urlquery", 1, 1, DY, ArgString)
	alias("parseurlquery", "parse_urlquery")
	fn("parse_path", 1, 1, DY, ArgString)
	def(&Func{Name: "parse_command_line", MinArgs: 2, MaxArgs: 2, Result: fixed(DY), Args: []ArgKind{ArgAny, ArgString}, ConstArgs: []int{1}})
	unsupported("parse_version", Scalar, 1, 1, "its result is a 128-bit decimal, which rmmhunt does not represent exactly")
	unsupported("parse_user_agent", Scalar, 1, 2, "user-agent parsing needs Kusto's browser and OS database")

	// Searching and replacing.
	fn("replace_strings", 3, 3, S, ArgString, ArgDynamic, ArgDynamic)
	fn("translate", 3, 3, S, ArgString, ArgString, ArgString)
	def(&Func{Name: "indexof_regex", MinArgs: 2, MaxArgs: 5, Result: fixed(L),
		Args: []ArgKind{ArgAny, ArgString, ArgInteger, ArgInteger, ArgInteger}, ConstArgs: []int{1, 4}})
	fn("has_any_index", 2, 2, L, ArgAny, ArgDynamic)
	fn("regex_quote", 1, 1, S, ArgAny)
	def(&Func{Name: "strcmp", MinArgs: 2, MaxArgs: 2, Result: fixed(L), NameKind: NameNone})
	def(&Func{Name: "string_size", MinArgs: 1, MaxArgs: 1, Result: fixed(L), NameKind: NamePrefixFirstArg, Prefix: "string_size"})
	fn("isascii", 1, 1, B, ArgAny)
	fn("isutf8", 1, 1, B, ArgAny)

	// Code points and encodings.
	fn("unicode_codepoints_to_string", 1, -1, S, ArgAny)
	alias("make_string", "unicode_codepoints_to_string")
	fn("unicode_codepoints_from_string", 1, 1, DY, ArgAny)
	alias("to_utf8", "unicode_codepoints_from_string")
	fn("base64_decode_toarray", 1, 1, DY, ArgString)
	fn("base64_encode_fromarray", 1, 1, S, ArgDynamic)
	fn("base64_decode_toguid", 1, 1, G, ArgString)
	fn("base64_encode_fromguid", 1, 1, S, ArgGuid)
	alias("base64_encodestring", "base64_encode_tostring")
	alias("base64_decodestring", "base64_decode_tostring")
	fn("url_encode_component", 1, 1, S, ArgString)
	fn("gzip_decompress_from_base64_string", 1, 1, S, ArgString)
	fn("zlib_decompress_from_base64_string", 1, 1, S, ArgString)
	unsupported("gzip_compress_to_base64_string", Scalar, 1, 1, "compressed bytes differ between compressor implementations")
	unsupported("zlib_compress_to_base64_string", Scalar, 1, 1, "compressed bytes differ between compressor implementations")

	// Hashes.
	fn("hash", 1, 2, L, ArgNotDynamic, ArgInteger)
	fn("hash_xxhash64", 1, 2, L, ArgNotDynamic, ArgInteger)
	unsupported("hash_many", Scalar, 1, -1, "Kusto's way of combining the hashes of several values is not documented")
	unsupported("hash_combine", Scalar, 2, -1, "Kusto's way of combining hashes is not documented")

	// Formatting and misc.
	def(&Func{Name: "format_bytes", MinArgs: 1, MaxArgs: 3, Result: fixed(S), Args: []ArgKind{ArgNumber, ArgInteger, ArgString},
		ConstArgs: []int{2}, NameKind: NameFirstArg})
	def(&Func{Name: "tohex", MinArgs: 1, MaxArgs: 2, Result: fixed(S), Args: []ArgKind{ArgInteger, ArgInteger}, NameKind: NameFirstArg})
	def(&Func{Name: "new_guid", MinArgs: 0, MaxArgs: 0, Result: fixed(G), Volatile: true})
}
