package engine

import (
	"encoding/hex"
	"math/bits"
	"net/netip"
	"strconv"
	"strings"

	"github.com/rmmhunt/rmmhunt/kql/binder"
	"github.com/rmmhunt/rmmhunt/kql/types"
)

// IPv4 and IPv6 functions. Addresses may carry an IP-prefix suffix
// ("10.1.2.3/24"); comparisons use the smallest prefix of the arguments and
// the optional prefix argument. A text that is not an address gives null
// (false for the has_ipv4 family, "" for the formatting functions).

func init() { registerIPFuncs() }

// ipv4 is a parsed IPv4 address with its prefix length.
type ipv4 struct {
	addr   uint32
	prefix int
}

// parseIPv4 parses a dotted-quad address with an optional /prefix (0-32).
func parseIPv4(s string) (ipv4, bool) {
	s = strings.TrimSpace(s)
	addrText, prefText, hasPrefix := strings.Cut(s, "/")
	if strings.ContainsRune(addrText, '%') {
		return ipv4{}, false // zones are not addresses here
	}
	a, err := netip.ParseAddr(addrText)
	if err != nil || !a.Is4() {
		return ipv4{}, false
	}
	b := a.As4()
	ip := ipv4{addr: uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3]), prefix: 32}
	if hasPrefix {
		p, err := strconv.Atoi(strings.TrimSpace(prefText))
		if err != nil || p < 0 || p > 32 {
			return ipv4{}, false
		}
		ip.prefix = p
	}
	return ip, true
}

// mask4 returns the netmask of a prefix length.
func mask4(prefix int) uint32 {
	if prefix <= 0 {
		return 0
	}
	return ^uint32(0) << (32 - prefix)
}

func formatIPv4(a uint32) string {
	return strconv.Itoa(int(a>>24)) + "." + strconv.Itoa(int(a>>16&255)) + "." + strconv.Itoa(int(a>>8&255)) + "." + strconv.Itoa(int(a&255))
}

// ipv6 is a parsed address in its 16-byte form (IPv4 addresses mapped to
// ::ffff:a.b.c.d) with its prefix length in IPv6 bits.
type ipv6 struct {
	addr   [16]byte
	prefix int
}

// parseIPv6 parses an IPv6 or IPv4 address with an optional /prefix; an
// IPv4 prefix counts the 96 bits of the mapping.
func parseIPv6(s string) (ipv6, bool) {
	s = strings.TrimSpace(s)
	addrText, prefText, hasPrefix := strings.Cut(s, "/")
	if strings.ContainsRune(addrText, '%') {
		return ipv6{}, false // zones are not addresses here
	}
	a, err := netip.ParseAddr(addrText)
	if err != nil {
		return ipv6{}, false
	}
	ip := ipv6{addr: a.As16(), prefix: 128}
	if hasPrefix {
		p, err := strconv.Atoi(strings.TrimSpace(prefText))
		max := 128
		if a.Is4() {
			max = 32
		}
		if err != nil || p < 0 || p > max {
			return ipv6{}, false
		}
		if a.Is4() {
			p += 96
		}
		ip.prefix = p
	}
	return ip, true
}

// masked returns addr with all bits after prefix cleared.
func (ip ipv6) masked(prefix int) [16]byte {
	out := ip.addr
	for i := range out {
		bitsLeft := prefix - 8*i
		switch {
		case bitsLeft >= 8:
		case bitsLeft <= 0:
			out[i] = 0
		default:
			out[i] &= byte(0xff << (8 - bitsLeft))
		}
	}
	return out
}

func compareBytes(a, b [16]byte) int {
	for i := range a {
		if a[i] != b[i] {
			if a[i] < b[i] {
				return -1
			}
			return 1
		}
	}
	return 0
}

// prefixArg returns the optional prefix argument at position i, or max.
// ok is false for a null or out-of-range prefix.
func prefixArg(a []types.Value, i, max int) (int, bool) {
	if len(a) <= i {
		return max, true
	}
	if isNullish(a[i]) {
		return 0, false
	}
	p := intArg(a[i])
	if p < 0 || p > int64(max) {
		return 0, false
	}
	return int(p), true
}

// compareIPv4 compares two IPv4 texts under the combined prefix.
func compareIPv4(a []types.Value) (int, bool) {
	x, ok1 := parseIPv4(a[0].String())
	y, ok2 := parseIPv4(a[1].String())
	p, ok3 := prefixArg(a, 2, 32)
	if !ok1 || !ok2 || !ok3 {
		return 0, false
	}
	p = min(p, x.prefix, y.prefix)
	m := mask4(p)
	xa, ya := x.addr&m, y.addr&m
	switch {
	case xa < ya:
		return -1, true
	case xa > ya:
		return 1, true
	}
	return 0, true
}

// compareIPv6 compares two IPv6 or IPv4 texts under the combined prefix.
func compareIPv6(a []types.Value) (int, bool) {
	x, ok1 := parseIPv6(a[0].String())
	y, ok2 := parseIPv6(a[1].String())
	p, ok3 := prefixArg(a, 2, 128)
	if !ok1 || !ok2 || !ok3 {
		return 0, false
	}
	p = min(p, x.prefix, y.prefix)
	return compareBytes(x.masked(p), y.masked(p)), true
}

// inAnyRange applies match to ip and every range of a[1:] (strings, or
// dynamic arrays of strings); an invalid range gives null.
func inAnyRange(a []types.Value, match func(ip, rng string) (bool, bool)) types.Value {
	var ranges []string
	for _, v := range a[1:] {
		if arr, ok := asArray(v); ok {
			for _, e := range arr {
				ranges = append(ranges, types.DynamicText(e))
			}
			continue
		}
		ranges = append(ranges, v.String())
	}
	ip := a[0].String()
	found := false
	for _, r := range ranges {
		m, ok := match(ip, r)
		if !ok {
			return types.NullOf(types.Bool)
		}
		found = found || m
	}
	return types.NewBool(found)
}

func ipv4Match(ip, rng string) (bool, bool) {
	c, ok := compareIPv4([]types.Value{str(ip), str(rng)})
	return c == 0, ok
}

func ipv6Match(ip, rng string) (bool, bool) {
	c, ok := compareIPv6([]types.Value{str(ip), str(rng)})
	return c == 0, ok
}

// privateRanges are the RFC 1918 IPv4 ranges.
var privateRanges = []ipv4{{addr: 10 << 24, prefix: 8}, {addr: 172<<24 | 16<<16, prefix: 12}, {addr: 192<<24 | 168<<16, prefix: 16}}

// ipv4Tokens returns the runs of letters, digits and dots of s, with leading
// and trailing dots removed: the candidates for an address "properly
// delimited with non-alphanumeric characters".
func ipv4Tokens(s string) []string {
	var out []string
	start := -1
	for i := 0; i <= len(s); i++ {
		isTok := i < len(s) && (s[i] == '.' || s[i] >= '0' && s[i] <= '9' || s[i] >= 'a' && s[i] <= 'z' || s[i] >= 'A' && s[i] <= 'Z' || s[i] >= 0x80)
		if isTok && start < 0 {
			start = i
		} else if !isTok && start >= 0 {
			if t := strings.Trim(s[start:i], "."); t != "" {
				out = append(out, t)
			}
			start = -1
		}
	}
	return out
}

// validIPv4Prefix reports whether p is a full address or 1-3 octets each
// followed by a dot ("10.", "192.168.").
func validIPv4Prefix(p string) bool {
	if _, ok := parseIPv4(p); ok && !strings.Contains(p, "/") {
		return true
	}
	if !strings.HasSuffix(p, ".") {
		return false
	}
	octets := strings.Split(strings.TrimSuffix(p, "."), ".")
	if len(octets) > 3 {
		return false
	}
	for _, o := range octets {
		n, err := strconv.Atoi(o)
		if err != nil || n < 0 || n > 255 || o == "" {
			return false
		}
	}
	return true
}

// hasIPv4 reports whether source holds a delimited address equal to one of
// ips, or (prefix mode) starting with one of them.
func hasIPv4(source string, ips []string, prefix bool) bool {
	var want []string
	for _, ip := range ips {
		ip = strings.TrimSpace(ip)
		if prefix {
			if validIPv4Prefix(ip) {
				want = append(want, ip)
			}
			continue
		}
		if p, ok := parseIPv4(ip); ok && !strings.Contains(ip, "/") {
			want = append(want, formatIPv4(p.addr))
		}
	}
	if len(want) == 0 {
		return false
	}
	for _, tok := range ipv4Tokens(source) {
		p, ok := parseIPv4(tok)
		if !ok || strings.Contains(tok, "/") {
			continue
		}
		text := formatIPv4(p.addr)
		for _, w := range want {
			if text == w || prefix && strings.HasSuffix(w, ".") && strings.HasPrefix(text, w) {
				return true
			}
		}
	}
	return false
}

// listArgs flattens string arguments and dynamic arrays of strings.
func listArgs(a []types.Value) []string {
	var out []string
	for _, v := range a {
		if arr, ok := asArray(v); ok {
			for _, e := range arr {
				out = append(out, types.DynamicText(e))
			}
			continue
		}
		out = append(out, v.String())
	}
	return out
}

// cidrList splits the range [lo, hi] into the fewest CIDR blocks.
func cidrList(lo, hi uint32) []any {
	out := []any{}
	for cur := uint64(lo); cur <= uint64(hi); {
		size := 32 - bits.TrailingZeros32(uint32(cur))
		if cur == 0 {
			size = 0
		}
		for size < 32 && cur+(uint64(1)<<(32-size))-1 > uint64(hi) {
			size++
		}
		out = append(out, formatIPv4(uint32(cur))+"/"+strconv.Itoa(size))
		cur += uint64(1) << (32 - size)
	}
	return out
}

func registerIPFuncs() {
	fn := func(name string, f func(a []types.Value) types.Value) {
		scalarFuncs[name] = func(_ *evaluator, _ *binder.Call, a []types.Value) (types.Value, error) { return f(a), nil }
	}
	nullBool, nullLong := types.NullOf(types.Bool), types.NullOf(types.Long)

	fn("parse_ipv4", func(a []types.Value) types.Value {
		ip, ok := parseIPv4(a[0].String())
		if !ok {
			return nullLong
		}
		return types.NewLong(int64(ip.addr & mask4(ip.prefix)))
	})
	fn("parse_ipv4_mask", func(a []types.Value) types.Value {
		ip, ok := parseIPv4(a[0].String())
		p, ok2 := prefixArg(a, 1, 32)
		if !ok || !ok2 {
			return nullLong
		}
		return types.NewLong(int64(ip.addr & mask4(min(p, ip.prefix))))
	})
	// format_ipv4(ip [, prefix]) and format_ipv4_mask: ip is a text or a
	// long.
	ipv4Arg := func(v types.Value) (ipv4, bool) {
		if v.Type == types.Dynamic {
			v = types.DynamicScalar(v.D)
		}
		if v.Type.IsInteger() {
			if v.Null || v.I < 0 || v.I > 0xffffffff {
				return ipv4{}, false
			}
			return ipv4{addr: uint32(v.I), prefix: 32}, true
		}
		return parseIPv4(v.String())
	}
	fn("format_ipv4", func(a []types.Value) types.Value {
		ip, ok := ipv4Arg(a[0])
		p, ok2 := prefixArg(a, 1, 32)
		if !ok || !ok2 {
			return str("")
		}
		return str(formatIPv4(ip.addr & mask4(min(p, ip.prefix))))
	})
	fn("format_ipv4_mask", func(a []types.Value) types.Value {
		ip, ok := ipv4Arg(a[0])
		p, ok2 := prefixArg(a, 1, 32)
		if !ok || !ok2 {
			return str("")
		}
		p = min(p, ip.prefix)
		return str(formatIPv4(ip.addr&mask4(p)) + "/" + strconv.Itoa(p))
	})
	fn("ipv4_netmask_suffix", func(a []types.Value) types.Value {
		ip, ok := parseIPv4(a[0].String())
		if !ok {
			return nullLong
		}
		return types.NewLong(int64(ip.prefix))
	})
	fn("ipv4_compare", func(a []types.Value) types.Value {
		c, ok := compareIPv4(a)
		if !ok {
			return nullLong
		}
		return types.NewLong(int64(c))
	})
	fn("ipv4_is_match", func(a []types.Value) types.Value {
		c, ok := compareIPv4(a)
		if !ok {
			return nullBool
		}
		return types.NewBool(c == 0)
	})
	fn("ipv4_is_in_range", func(a []types.Value) types.Value {
		m, ok := ipv4Match(a[0].String(), a[1].String())
		if !ok {
			return nullBool
		}
		return types.NewBool(m)
	})
	fn("ipv4_is_in_any_range", func(a []types.Value) types.Value {
		if _, ok := parseIPv4(a[0].String()); !ok {
			return nullBool
		}
		return inAnyRange(a, ipv4Match)
	})
	fn("ipv4_is_private", func(a []types.Value) types.Value {
		ip, ok := parseIPv4(a[0].String())
		if !ok {
			return nullBool
		}
		for _, r := range privateRanges {
			if ip.prefix >= r.prefix && ip.addr&mask4(r.prefix) == r.addr {
				return types.NewBool(true)
			}
		}
		return types.NewBool(false)
	})
	fn("ipv4_range_to_cidr_list", func(a []types.Value) types.Value {
		lo, ok1 := parseIPv4(a[0].String())
		hi, ok2 := parseIPv4(a[1].String())
		if !ok1 || !ok2 || lo.addr > hi.addr {
			return dynNull()
		}
		return types.NewDynamic(cidrList(lo.addr, hi.addr))
	})
	fn("ipv6_compare", func(a []types.Value) types.Value {
		c, ok := compareIPv6(a)
		if !ok {
			return nullLong
		}
		return types.NewLong(int64(c))
	})
	fn("ipv6_is_match", func(a []types.Value) types.Value {
		c, ok := compareIPv6(a)
		if !ok {
			return nullBool
		}
		return types.NewBool(c == 0)
	})
	fn("ipv6_is_in_range", func(a []types.Value) types.Value {
		m, ok := ipv6Match(a[0].String(), a[1].String())
		if !ok {
			return nullBool
		}
		return types.NewBool(m)
	})
	fn("ipv6_is_in_any_range", func(a []types.Value) types.Value {
		if _, ok := parseIPv6(a[0].String()); !ok {
			return nullBool
		}
		return inAnyRange(a, ipv6Match)
	})
	// parse_ipv6 gives the full, zero-padded form of the (masked) address.
	canonical6 := func(b [16]byte) string {
		h := hex.EncodeToString(b[:])
		parts := make([]string, 8)
		for i := range parts {
			parts[i] = h[4*i : 4*i+4]
		}
		return strings.Join(parts, ":")
	}
	fn("parse_ipv6", func(a []types.Value) types.Value {
		ip, ok := parseIPv6(a[0].String())
		if !ok {
			return str("")
		}
		return str(canonical6(ip.masked(ip.prefix)))
	})
	fn("parse_ipv6_mask", func(a []types.Value) types.Value {
		ip, ok := parseIPv6(a[0].String())
		p, ok2 := prefixArg(a, 1, 128)
		if !ok || !ok2 {
			return str("")
		}
		return str(canonical6(ip.masked(min(p, ip.prefix))))
	})
	fn("has_ipv4", func(a []types.Value) types.Value {
		return types.NewBool(hasIPv4(a[0].String(), []string{a[1].String()}, false))
	})
	fn("has_ipv4_prefix", func(a []types.Value) types.Value {
		return types.NewBool(hasIPv4(a[0].String(), []string{a[1].String()}, true))
	})
	fn("has_any_ipv4", func(a []types.Value) types.Value {
		return types.NewBool(hasIPv4(a[0].String(), listArgs(a[1:]), false))
	})
	fn("has_any_ipv4_prefix", func(a []types.Value) types.Value {
		return types.NewBool(hasIPv4(a[0].String(), listArgs(a[1:]), true))
	})
}
