package ingest

import (
	"encoding/json"
	"errors"
	"testing"
	"unicode/utf8"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

var scanCases = []string{
	`{}`, `[]`, `{"a":1}`, `{"a":[1,2,{"b":null}]}`, `"x"`, `-0`, `0.5e-3`, `1E+2`, `true`, `false`, `null`,
	`"\u00e9\ud83d\ude00\"\\\/\b\f\n\r\t"`, `"\ud800"`, "\"a\x7fb\"",
	`{"a":1,}`, `[1,]`, `{"a" 1}`, `{a:1}`, `01`, `1.`, `.5`, `-`, `1e`, `tru`, `nul`, `"\x"`, "\"a\tb\"",
	`"abc`, `{"a":`, `[1,2`, `{"a":"b"`, `"\u12`, `{"a":1}}`, `[1 2]`, ` {"a" : [ 1 , 2 ] } `,
}

// TestScanValueMatchesEncodingJSON checks the scanner against encoding/json
// as an oracle: same verdict on validity, and unescaped strings equal.
func TestScanValueMatchesEncodingJSON(t *testing.T) {
	for _, in := range scanCases {
		checkScan(t, []byte(in))
	}
}

func checkScan(t *testing.T, in []byte) {
	t.Helper()
	i := skipSpace(in, 0)
	end, err := scanValue(in, i, 0)
	ok := err == nil && skipSpace(in, end) == len(in)
	if want := json.Valid(in); ok != want {
		t.Fatalf("%q: scanner says valid=%v (err %v), encoding/json %v", in, ok, err, want)
	}
	if err != nil {
		var se *syntaxError
		if !errors.As(err, &se) || se.off < 0 || se.off > len(in) {
			t.Fatalf("%q: bad error %v", in, err)
		}
		return
	}
	if !ok {
		return
	}
	if !utf8.Valid(in) {
		return // rows with invalid UTF-8 are rejected before they are unescaped
	}
	if in[i] == '"' {
		var want string
		if json.Unmarshal(in, &want) != nil {
			t.Fatalf("%q: encoding/json rejects it", in)
		}
		var scratch []byte
		if got := string(jsonString(in[i:end], &scratch)); got != want {
			t.Fatalf("%q: unquoted %q, want %q", in, got, want)
		}
	}
	// The dynamic payload prints back as the compact form of the input.
	d, _ := dynamicFromJSON(in, i)
	want, ok2 := types.ParseJSON(string(in))
	if !ok2 {
		t.Fatalf("%q: types.ParseJSON rejects it", in)
	}
	if types.DynamicJSON(d) != types.DynamicJSON(want) {
		t.Fatalf("%q: dynamic %s, want %s", in, types.DynamicJSON(d), types.DynamicJSON(want))
	}
	if got := string(appendCompact(nil, in[i:end])); !json.Valid([]byte(got)) || len(got) > end-i {
		t.Fatalf("%q: compact form %q", in, got)
	}
}

func TestTruncationIsEOF(t *testing.T) {
	for _, in := range []string{`"abc`, `{"a":`, `[1,2`, `{"a":"b"`, `"\u12`, `tru`, `-`, `1e`, `{`, `{"a"`} {
		_, err := scanValue([]byte(in), 0, 0)
		var se *syntaxError
		if !errors.As(err, &se) || !se.eof {
			t.Errorf("%q: %v is not an end-of-input error", in, err)
		}
	}
	for _, in := range []string{`{"a":1,}`, `[1 2]`, `{a:1}`, `"\x"`} {
		_, err := scanValue([]byte(in), 0, 0)
		var se *syntaxError
		if !errors.As(err, &se) || se.eof {
			t.Errorf("%q: %v should be a syntax error", in, err)
		}
	}
}

func TestDepthLimit(t *testing.T) {
	deep := make([]byte, 0, 2*maxDepth+2)
	for range maxDepth + 1 {
		deep = append(deep, '[')
	}
	for range maxDepth + 1 {
		deep = append(deep, ']')
	}
	if _, err := scanValue(deep, 0, 0); err == nil {
		t.Fatal("no error for nesting deeper than maxDepth")
	}
}

// FuzzJSONScanner holds the scanner to encoding/json's verdicts.
func FuzzJSONScanner(f *testing.F) {
	for _, c := range scanCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) > 0 && in[0] == '[' && len(in) > 1000 {
			return // keep recursion shallow
		}
		checkScan(t, in)
	})
}
