package engine

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

// TestXXHash64 checks the hash against the reference vectors of XXH64 and
// the values Kusto documents for hash().
func TestXXHash64(t *testing.T) {
	for _, c := range []struct {
		in   string
		seed uint64
		want uint64
	}{
		{"", 0, 0xef46db3751d8e999},
		{"a", 0, 0xd24ec4f1a98c6e5b},
		{"abc", 0, 0x44bc2cf5ad770999},
		{"World", 0, 1846988464401551951},
		{"Hello", 0, 753694413698530628},
		{"Nobody inspects the spammish repetition", 0, 0xfbcea83c8a378bf1},
	} {
		if got := xxhash64([]byte(c.in), c.seed); got != c.want {
			t.Errorf("xxhash64(%q, %d) = %d, want %d", c.in, c.seed, got, c.want)
		}
	}
	// datetime(2015-01-01) hashes its ticks: Kusto documents 1380966698541616202.
	if got := int64(xxhash64(hashBytes(types.NewDatetime(635556672000000000)), 0)); got != 1380966698541616202 {
		t.Errorf("hash(datetime(2015-01-01)) = %d", got)
	}
}

func TestParseWindowsCommandLine(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{`a b c`, []string{"a", "b", "c"}},
		{`"a b" c`, []string{"a b", "c"}},
		{`a "b c" d`, []string{"a", "b c", "d"}},
		{`a \\\"b`, []string{"a", `\"b`}},
		{`a \\"b c"`, []string{"a", `\b c`}},
		{`a b\c`, []string{"a", `b\c`}},
		{`C:\x\"y.exe" z`, []string{`C:\x\"y.exe"`, "z"}},
		{`a ""`, []string{"a", ""}},
		{``, []string{}},
	} {
		got := parseWindowsCommandLine(c.in)
		if strings.Join(got, "|") != strings.Join(c.want, "|") || len(got) != len(c.want) {
			t.Errorf("parseWindowsCommandLine(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestCIDRList(t *testing.T) {
	got := cidrList(0, 0xffffffff)
	if len(got) != 1 || got[0] != "0.0.0.0/0" {
		t.Errorf("cidrList(all) = %v", got)
	}
	got = cidrList(0x0a000001, 0x0a000001)
	if len(got) != 1 || got[0] != "10.0.0.1/32" {
		t.Errorf("cidrList(one) = %v", got)
	}
}

// FuzzTextParsers feeds arbitrary text to the hand-written parsers behind
// parse_url, parse_path, parse_command_line, parse_csv, JSONPath and the IP
// functions: they must never panic, and text they split keeps its bytes.
func FuzzTextParsers(f *testing.F) {
	for _, s := range []string{
		"scheme://username:password@host:1234/this/is/a/path?k1=v1&k2=v2#fragment",
		`C:\temp\file.txt`, "file://C:/temp/file.txt:some.exe", `"C:\Program Files\a.exe" -x "y z" \\"q`,
		`aaa,"b""bb",ccc`, "$.a['b'][0].c", "$[-1]", "192.168.1.1/24", "fe80::85d:e82c:9446:7994/120",
		"::ffff:c0a8:0101", "05:04:54 127.0.0.1 GET", "[2001:db8::7]:80", "", "%", "$[", "a\"b",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		parseURL(s)
		parseQueryParams(s)
		parsePath(s)
		args := parseWindowsCommandLine(s)
		for _, a := range args {
			if utf8.ValidString(s) && !utf8.ValidString(a) {
				t.Fatalf("parseWindowsCommandLine(%q) made invalid UTF-8 %q", s, a)
			}
		}
		fields := parseCSVRecord(s)
		if len(fields) == 0 {
			t.Fatalf("parseCSVRecord(%q) returned no field", s)
		}
		if steps, ok := parseJSONPath(s); ok {
			walkJSONPath(types.NewBag(), steps)
		}
		parseBagPath(s)
		parseIPv4(s)
		parseIPv6(s)
		hasIPv4(s, []string{"127.0.0.1"}, false)
		hasIPv4(s, []string{"10."}, true)
		validIPv4Prefix(s)
		translate(s, "ab", s)
		replaceStrings(s, []any{"a", s}, []any{"b", "c"})
	})
}
