package engine

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"math"
	"math/bits"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/rmmhunt/rmmhunt/kql/binder"
	"github.com/rmmhunt/rmmhunt/kql/types"
)

func init() { registerTextFuncs() }

func registerTextFuncs() {
	fn := func(name string, f func(a []types.Value) types.Value) {
		scalarFuncs[name] = func(_ *evaluator, _ *binder.Call, a []types.Value) (types.Value, error) { return f(a), nil }
	}

	// The deprecated replace(regex, rewrite, text) is replace_regex with its
	// arguments in another order.
	scalarFuncs["replace"] = func(ev *evaluator, x *binder.Call, a []types.Value) (types.Value, error) {
		return scalarFuncs["replace_regex"](ev, x, []types.Value{a[2], a[0], a[1]})
	}

	// Parsing.
	fn("parse_url", func(a []types.Value) types.Value { return types.NewDynamic(parseURL(a[0].String())) })
	fn("parse_urlquery", func(a []types.Value) types.Value {
		out := types.NewBag()
		out.Set("Query Parameters", parseQueryParams(a[0].String()))
		return types.NewDynamic(out)
	})
	fn("parse_path", func(a []types.Value) types.Value { return types.NewDynamic(parsePath(a[0].String())) })
	scalarFuncs["parse_command_line"] = func(_ *evaluator, _ *binder.Call, a []types.Value) (types.Value, error) {
		if !strings.EqualFold(a[1].String(), "windows") {
			return types.Value{}, fmt.Errorf("parse_command_line: the only parser is \"windows\", got %q", a[1].String())
		}
		args := parseWindowsCommandLine(a[0].String())
		out := make([]any, len(args))
		for i, s := range args {
			out[i] = s
		}
		return types.NewDynamic(out), nil
	}

	// Searching and replacing.
	fn("replace_strings", func(a []types.Value) types.Value {
		lookups, ok1 := asArray(a[1])
		rewrites, ok2 := asArray(a[2])
		if !ok1 || !ok2 {
			return str(a[0].String())
		}
		return str(replaceStrings(a[0].String(), lookups, rewrites))
	})
	fn("translate", func(a []types.Value) types.Value {
		return str(translate(a[0].String(), a[1].String(), a[2].String()))
	})
	scalarFuncs["indexof_regex"] = func(ev *evaluator, _ *binder.Call, a []types.Value) (types.Value, error) {
		re, err := ev.run.regex(a[1].String())
		if err != nil {
			return types.Value{}, err
		}
		return indexOfRegex(re, a), nil
	}
	fn("has_any_index", func(a []types.Value) types.Value {
		values, ok := asArray(a[1])
		if !ok {
			return types.NullOf(types.Long)
		}
		hay := a[0].String()
		for i, v := range values {
			if v == nil {
				continue
			}
			if hasTerm(hay, types.DynamicText(v), false) {
				return types.NewLong(int64(i))
			}
		}
		return types.NewLong(-1)
	})
	fn("regex_quote", func(a []types.Value) types.Value { return str(regexp.QuoteMeta(a[0].String())) })
	fn("strcmp", func(a []types.Value) types.Value {
		return types.NewLong(int64(strings.Compare(a[0].String(), a[1].String())))
	})
	fn("string_size", func(a []types.Value) types.Value { return types.NewLong(int64(len(a[0].String()))) })
	fn("isascii", func(a []types.Value) types.Value {
		s := a[0].String()
		for i := 0; i < len(s); i++ {
			if s[i] >= 0x80 {
				return types.NewBool(false)
			}
		}
		return types.NewBool(true)
	})
	fn("isutf8", func(a []types.Value) types.Value { return types.NewBool(utf8.ValidString(a[0].String())) })

	// Code points and encodings.
	fn("unicode_codepoints_to_string", func(a []types.Value) types.Value {
		var b strings.Builder
		add := func(v types.Value) bool {
			if isNullish(v) || !v.Type.IsInteger() {
				return false
			}
			if v.I < 0 || v.I > utf8.MaxRune {
				return false
			}
			b.WriteRune(rune(v.I))
			return true
		}
		for _, v := range a {
			if arr, ok := asArray(v); ok {
				for _, e := range arr {
					if !add(types.DynamicScalar(e)) {
						return str("")
					}
				}
				continue
			}
			if v.Type == types.Dynamic {
				v = types.DynamicScalar(v.D)
			}
			if !add(v) {
				return str("")
			}
		}
		return str(b.String())
	})
	fn("unicode_codepoints_from_string", func(a []types.Value) types.Value {
		s := a[0].String()
		out := make([]any, 0, len(s))
		for _, r := range s {
			out = append(out, int64(r))
		}
		return types.NewDynamic(out)
	})
	fn("base64_decode_toarray", func(a []types.Value) types.Value {
		b, ok := decodeBase64(a[0].String())
		if !ok {
			return dynNull()
		}
		out := make([]any, len(b))
		for i, c := range b {
			out[i] = int64(c)
		}
		return types.NewDynamic(out)
	})
	fn("base64_encode_fromarray", func(a []types.Value) types.Value {
		arr, ok := asArray(a[0])
		if !ok {
			return str("")
		}
		b := make([]byte, len(arr))
		for i, e := range arr {
			n, isInt := e.(int64)
			if !isInt || n < 0 || n > 255 {
				return str("")
			}
			b[i] = byte(n)
		}
		return str(base64.StdEncoding.EncodeToString(b))
	})
	fn("base64_decode_toguid", func(a []types.Value) types.Value {
		b, ok := decodeBase64(a[0].String())
		if !ok || len(b) != 16 {
			return types.NullOf(types.Guid)
		}
		return types.NewGuid(guidFromDotNetBytes(b))
	})
	fn("base64_encode_fromguid", func(a []types.Value) types.Value {
		v := a[0]
		if v.Type == types.Dynamic {
			v = types.DynamicScalar(v.D)
		}
		b, ok := guidToDotNetBytes(v.String())
		if isNullish(v) || !ok {
			return str("")
		}
		return str(base64.StdEncoding.EncodeToString(b))
	})
	fn("url_encode_component", func(a []types.Value) types.Value { return str(urlEncode(a[0].String(), "%20")) })
	fn("gzip_decompress_from_base64_string", func(a []types.Value) types.Value {
		return str(decompressBase64(a[0].String(), func(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) }))
	})
	fn("zlib_decompress_from_base64_string", func(a []types.Value) types.Value {
		return str(decompressBase64(a[0].String(), func(r io.Reader) (io.Reader, error) { return zlib.NewReader(r) }))
	})

	// Hashes.
	for _, name := range []string{"hash", "hash_xxhash64"} {
		fn(name, func(a []types.Value) types.Value {
			v := a[0]
			if isNullish(v) && v.Type != types.String {
				return types.NullOf(types.Long)
			}
			h := xxhash64(hashBytes(v), 0)
			if len(a) > 1 {
				if isNullish(a[1]) {
					return types.NullOf(types.Long)
				}
				mod := intArg(a[1])
				if mod <= 0 {
					return types.NullOf(types.Long)
				}
				return types.NewLong(int64(h % uint64(mod)))
			}
			return types.NewLong(int64(h))
		})
	}

	// Formatting and misc.
	fn("format_bytes", func(a []types.Value) types.Value {
		v := types.DynamicScalar(dynPayload(a[0]))
		if isNullish(v) || !v.Type.IsNumeric() {
			return str("")
		}
		prec := int64(0)
		if len(a) > 1 && !isNullish(a[1]) {
			prec = intArg(a[1])
		}
		unit := ""
		if len(a) > 2 {
			unit = a[2].String()
		}
		return str(formatBytes(v.AsFloat(), int(prec), unit))
	})
	fn("tohex", func(a []types.Value) types.Value {
		v := a[0]
		if v.Type == types.Dynamic {
			v = types.DynamicScalar(v.D)
		}
		if isNullish(v) || !v.Type.IsInteger() {
			return str("")
		}
		var s string
		if v.Type == types.Int && v.I < 0 {
			s = strconv.FormatUint(uint64(uint32(int32(v.I))), 16)
		} else {
			s = strconv.FormatUint(uint64(v.I), 16)
		}
		if len(a) > 1 && !isNullish(a[1]) {
			min := int(intArg(a[1]))
			if min > 16 {
				min = 16
			}
			if len(s) < min {
				s = strings.Repeat("0", min-len(s)) + s
			}
		}
		return str(s)
	})
	fn("new_guid", func(_ []types.Value) types.Value {
		var b [16]byte
		_, _ = rand.Read(b[:])
		b[6] = b[6]&0x0f | 0x40
		b[8] = b[8]&0x3f | 0x80
		h := hex.EncodeToString(b[:])
		return types.NewGuid(h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:])
	})
}

// parseURL splits an absolute URL as Kusto's parse_url does: the text must
// start with scheme://, user name and password are recognised only as
// user:password@, the port is what follows the last colon of the host part,
// and the query parameters become a bag. Anything else gives empty parts.
func parseURL(s string) *types.Bag {
	parts := map[string]string{}
	query := types.NewBag()
	if i := strings.Index(s, "://"); i > 0 && validScheme(s[:i]) {
		parts["Scheme"] = s[:i]
		rest := s[i+3:]
		if j := strings.IndexByte(rest, '#'); j >= 0 {
			parts["Fragment"] = rest[j+1:]
			rest = rest[:j]
		}
		if j := strings.IndexByte(rest, '?'); j >= 0 {
			query = parseQueryParams(rest[j+1:])
			rest = rest[:j]
		}
		authority := rest
		if j := strings.IndexByte(rest, '/'); j >= 0 {
			authority, parts["Path"] = rest[:j], rest[j:]
		}
		if at := strings.LastIndexByte(authority, '@'); at >= 0 {
			if user, pass, ok := strings.Cut(authority[:at], ":"); ok {
				parts["Username"], parts["Password"] = user, pass
				authority = authority[at+1:]
			}
		}
		if c := strings.LastIndexByte(authority, ':'); c >= 0 {
			authority, parts["Port"] = authority[:c], authority[c+1:]
		}
		parts["Host"] = authority
	}
	out := types.NewBag()
	for _, k := range []string{"Scheme", "Host", "Port", "Path", "Username", "Password"} {
		out.Set(k, parts[k])
	}
	out.Set("Query Parameters", query)
	out.Set("Fragment", parts["Fragment"])
	return out
}

func validScheme(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return false
		}
	}
	return s != ""
}

// parseQueryParams parses k=v&k2=v2 into a bag of URL-decoded values, keys
// sorted. Parts without '=' are ignored.
func parseQueryParams(q string) *types.Bag {
	type kv struct{ k, v string }
	var pairs []kv
	for _, part := range strings.Split(q, "&") {
		k, v, ok := strings.Cut(part, "=")
		if !ok || k == "" {
			continue
		}
		if d, err := url.QueryUnescape(k); err == nil {
			k = d
		}
		if d, err := url.QueryUnescape(v); err == nil {
			v = d
		}
		pairs = append(pairs, kv{k, v})
	}
	sort.SliceStable(pairs, func(i, j int) bool { return pairs[i].k < pairs[j].k })
	out := types.NewBag()
	for _, p := range pairs {
		out.Set(p.k, p.v)
	}
	return out
}

// parsePath splits a file path into Kusto's parse_path parts.
func parsePath(p string) *types.Bag {
	scheme, root, dirPath, dirName, file, ext, stream := "", "", "", "", "", "", ""
	if i := strings.Index(p, "://"); i > 0 && validScheme(p[:i]) {
		scheme, p = p[:i], p[i+3:]
	}
	if len(p) >= 2 && p[1] == ':' && (p[0] >= 'a' && p[0] <= 'z' || p[0] >= 'A' && p[0] <= 'Z') {
		root = p[:2]
	}
	sep := strings.LastIndexAny(p, `\/`)
	if sep >= 0 {
		dirPath, file = p[:sep], p[sep+1:]
		d := strings.LastIndexAny(dirPath, `\/`)
		dirName = dirPath[d+1:]
	} else {
		file = p
	}
	// An alternate data stream follows a colon in the file name (a drive
	// letter is not a stream).
	if c := strings.IndexByte(file, ':'); c >= 0 && !(sep < 0 && root != "" && c == 1) {
		file, stream = file[:c], file[c+1:]
	}
	if dot := strings.LastIndexByte(file, '.'); dot >= 0 {
		ext = file[dot+1:]
	}
	out := types.NewBag()
	out.Set("Scheme", scheme)
	out.Set("RootPath", root)
	out.Set("DirectoryPath", dirPath)
	out.Set("DirectoryName", dirName)
	out.Set("Filename", file)
	out.Set("Extension", ext)
	out.Set("AlternateDataStreamName", stream)
	return out
}

// parseWindowsCommandLine splits a command line with the rules of
// CommandLineToArgvW: the program name ends at white space or is quoted
// (backslashes are literal in it); in later arguments 2n backslashes before a
// quote give n backslashes and toggle quoting, 2n+1 give n backslashes and a
// literal quote, and "" inside quotes is a literal quote.
func parseWindowsCommandLine(s string) []string {
	var args []string
	i := 0
	isSpace := func(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	if i >= len(s) {
		return []string{}
	}
	// Program name.
	var prog strings.Builder
	if s[i] == '"' {
		i++
		for i < len(s) && s[i] != '"' {
			prog.WriteByte(s[i])
			i++
		}
		i++ // closing quote
		// Text glued to the closing quote still belongs to the name.
		for i < len(s) && !isSpace(s[i]) {
			prog.WriteByte(s[i])
			i++
		}
	} else {
		for i < len(s) && !isSpace(s[i]) {
			prog.WriteByte(s[i])
			i++
		}
	}
	args = append(args, prog.String())
	for {
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		if i >= len(s) {
			return args
		}
		var cur strings.Builder
		inQuotes := false
		for i < len(s) {
			c := s[i]
			switch {
			case c == '\\':
				n := 0
				for i < len(s) && s[i] == '\\' {
					n++
					i++
				}
				if i < len(s) && s[i] == '"' {
					cur.WriteString(strings.Repeat(`\`, n/2))
					if n%2 == 1 {
						cur.WriteByte('"')
						i++
					}
				} else {
					cur.WriteString(strings.Repeat(`\`, n))
				}
				continue
			case c == '"':
				if inQuotes && i+1 < len(s) && s[i+1] == '"' {
					cur.WriteByte('"')
					i += 2
					continue
				}
				inQuotes = !inQuotes
				i++
				continue
			case isSpace(c) && !inQuotes:
			default:
				cur.WriteByte(c)
				i++
				continue
			}
			break
		}
		args = append(args, cur.String())
	}
}

// replaceStrings replaces every occurrence of each lookup with its rewrite.
// Lookups are applied in list order and an earlier lookup's matches take
// precedence: a later lookup's occurrence overlapping one of them is skipped
// (so lookups "is", "This" turn "This" into "Thwas"). A non-string rewrite
// keeps the matched text. Matches do not overlap.
func replaceStrings(text string, lookups, rewrites []any) string {
	type span struct{ start, end, idx int }
	covered := make([]bool, len(text))
	var spans []span
	for j, l := range lookups {
		ls, ok := l.(string)
		if !ok || ls == "" {
			continue
		}
		for from := 0; from <= len(text)-len(ls); {
			k := strings.Index(text[from:], ls)
			if k < 0 {
				break
			}
			s, e := from+k, from+k+len(ls)
			free := true
			for p := s; p < e; p++ {
				if covered[p] {
					free = false
					break
				}
			}
			if !free {
				from = s + 1
				continue
			}
			for p := s; p < e; p++ {
				covered[p] = true
			}
			spans = append(spans, span{s, e, j})
			from = e
		}
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	var b strings.Builder
	pos := 0
	for _, sp := range spans {
		b.WriteString(text[pos:sp.start])
		rewrite := text[sp.start:sp.end]
		if sp.idx < len(rewrites) {
			if rs, ok := rewrites[sp.idx].(string); ok {
				rewrite = rs
			}
		}
		b.WriteString(rewrite)
		pos = sp.end
	}
	b.WriteString(text[pos:])
	return b.String()
}

// translate maps each character of source found in search to the character
// at the same position in repl (the last one when repl is shorter); an
// empty repl deletes them.
func translate(search, repl, source string) string {
	sr, rr := []rune(search), []rune(repl)
	var b strings.Builder
	for _, c := range source {
		idx := -1
		for i, s := range sr {
			if s == c {
				idx = i
				break
			}
		}
		switch {
		case idx < 0:
			b.WriteRune(c)
		case len(rr) == 0:
		case idx < len(rr):
			b.WriteRune(rr[idx])
		default:
			b.WriteRune(rr[len(rr)-1])
		}
	}
	return b.String()
}

// indexOfRegex implements indexof_regex(s, re [, start, length, occurrence])
// over characters; matches do not overlap.
func indexOfRegex(re *regexp.Regexp, a []types.Value) types.Value {
	if isNullish(a[0]) {
		return types.NullOf(types.Long)
	}
	runes := []rune(a[0].String())
	start, length, occurrence := int64(0), int64(-1), int64(1)
	if len(a) > 2 && !isNullish(a[2]) {
		start = intArg(a[2])
	}
	if len(a) > 3 && !isNullish(a[3]) {
		length = intArg(a[3])
	}
	if len(a) > 4 && !isNullish(a[4]) {
		occurrence = intArg(a[4])
	}
	if start < 0 || length < -1 || occurrence < 0 {
		return types.NullOf(types.Long)
	}
	if start > int64(len(runes)) {
		return types.NewLong(-1)
	}
	end := int64(len(runes))
	if length >= 0 && start+length < end {
		end = start + length
	}
	hay := string(runes[start:end])
	matches := re.FindAllStringIndex(hay, -1)
	if occurrence == 0 {
		occurrence = 1
	}
	if int64(len(matches)) < occurrence {
		return types.NewLong(-1)
	}
	return types.NewLong(start + int64(utf8.RuneCountInString(hay[:matches[occurrence-1][0]])))
}

func decodeBase64(s string) ([]byte, bool) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		b, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(s, "="))
		if err != nil {
			return nil, false
		}
	}
	return b, true
}

// guidToDotNetBytes returns the 16 bytes of a guid in .NET's layout (the
// first three groups little-endian), as Kusto's base64 guid functions use.
func guidToDotNetBytes(g string) ([]byte, bool) {
	h := strings.ReplaceAll(g, "-", "")
	raw, err := hex.DecodeString(h)
	if err != nil || len(raw) != 16 {
		return nil, false
	}
	out := make([]byte, 16)
	binary.LittleEndian.PutUint32(out[0:], binary.BigEndian.Uint32(raw[0:]))
	binary.LittleEndian.PutUint16(out[4:], binary.BigEndian.Uint16(raw[4:]))
	binary.LittleEndian.PutUint16(out[6:], binary.BigEndian.Uint16(raw[6:]))
	copy(out[8:], raw[8:])
	return out, true
}

// guidFromDotNetBytes is the inverse of guidToDotNetBytes.
func guidFromDotNetBytes(b []byte) string {
	raw := make([]byte, 16)
	binary.BigEndian.PutUint32(raw[0:], binary.LittleEndian.Uint32(b[0:]))
	binary.BigEndian.PutUint16(raw[4:], binary.LittleEndian.Uint16(b[4:]))
	binary.BigEndian.PutUint16(raw[6:], binary.LittleEndian.Uint16(b[6:]))
	copy(raw[8:], b[8:])
	h := hex.EncodeToString(raw)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// urlEncode percent-encodes s as .NET's HttpUtility.UrlEncode does
// (lower-case hex; letters, digits and -_.!*() kept), with space written as
// spaceAs.
func urlEncode(s, spaceAs string) string {
	const hexdigits = "0123456789abcdef"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-_.!*()", c) >= 0:
			b.WriteByte(c)
		case c == ' ':
			b.WriteString(spaceAs)
		default:
			b.WriteByte('%')
			b.WriteByte(hexdigits[c>>4])
			b.WriteByte(hexdigits[c&15])
		}
	}
	return b.String()
}

func decompressBase64(s string, open func(io.Reader) (io.Reader, error)) string {
	raw, ok := decodeBase64(s)
	if !ok {
		return ""
	}
	r, err := open(bytes.NewReader(raw))
	if err != nil {
		return ""
	}
	out, err := io.ReadAll(io.LimitReader(r, 64<<20))
	if err != nil {
		return ""
	}
	return string(out)
}

// formatBytes implements format_bytes: size in the given unit (or the
// largest unit that keeps it at least 1), rounded half to even to prec
// digits, without trailing zeros.
func formatBytes(size float64, prec int, unit string) string {
	units := []string{"Bytes", "KB", "MB", "GB", "TB", "PB", "EB"}
	idx := -1
	for i, u := range units {
		if strings.EqualFold(u, unit) {
			idx = i
		}
	}
	if idx < 0 {
		idx = 0
		for v := math.Abs(size); v >= 1024 && idx < len(units)-1; v /= 1024 {
			idx++
		}
	}
	v := size / math.Pow(1024, float64(idx))
	if prec < 0 {
		prec = 0
	}
	scale := math.Pow(10, float64(prec))
	v = math.RoundToEven(v*scale) / scale
	return strconv.FormatFloat(v, 'f', -1, 64) + " " + units[idx]
}

// hashBytes returns the bytes hash() feeds to xxhash64: the UTF-8 text of a
// string, the 8 little-endian bytes of a long, datetime or timespan.
func hashBytes(v types.Value) []byte {
	if v.Type == types.Dynamic {
		v = types.DynamicScalar(v.D)
	}
	if v.Type.UsesInts() {
		b := make([]byte, 8)
		binary.LittleEndian.PutUint64(b, uint64(v.I))
		return b
	}
	return []byte(v.String())
}

// xxhash64 is the XXH64 hash of b with the given seed.
func xxhash64(b []byte, seed uint64) uint64 {
	const (
		p1 uint64 = 11400714785074694791
		p2 uint64 = 14029467366897019727
		p3 uint64 = 1609587929392839161
		p4 uint64 = 9650029242287828579
		p5 uint64 = 2870177450012600261
	)
	round := func(acc, in uint64) uint64 {
		acc += in * p2
		return bits.RotateLeft64(acc, 31) * p1
	}
	merge := func(acc, v uint64) uint64 {
		acc ^= round(0, v)
		return acc*p1 + p4
	}
	n := len(b)
	var h uint64
	i := 0
	if n >= 32 {
		v1, v2, v3, v4 := seed+p1+p2, seed+p2, seed, seed-p1
		for ; i+32 <= n; i += 32 {
			v1 = round(v1, binary.LittleEndian.Uint64(b[i:]))
			v2 = round(v2, binary.LittleEndian.Uint64(b[i+8:]))
			v3 = round(v3, binary.LittleEndian.Uint64(b[i+16:]))
			v4 = round(v4, binary.LittleEndian.Uint64(b[i+24:]))
		}
		h = bits.RotateLeft64(v1, 1) + bits.RotateLeft64(v2, 7) + bits.RotateLeft64(v3, 12) + bits.RotateLeft64(v4, 18)
		h = merge(merge(merge(merge(h, v1), v2), v3), v4)
	} else {
		h = seed + p5
	}
	h += uint64(n)
	for ; i+8 <= n; i += 8 {
		h ^= round(0, binary.LittleEndian.Uint64(b[i:]))
		h = bits.RotateLeft64(h, 27)*p1 + p4
	}
	if i+4 <= n {
		h ^= uint64(binary.LittleEndian.Uint32(b[i:])) * p1
		h = bits.RotateLeft64(h, 23)*p2 + p3
		i += 4
	}
	for ; i < n; i++ {
		h ^= uint64(b[i]) * p5
		h = bits.RotateLeft64(h, 11) * p1
	}
	h ^= h >> 33
	h *= p2
	h ^= h >> 29
	h *= p3
	h ^= h >> 32
	return h
}
