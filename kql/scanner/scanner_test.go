package scanner

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/rmmhunt/rmmhunt/kql/diag"
	"github.com/rmmhunt/rmmhunt/kql/token"
)

// describe renders a token as KIND, KIND(value) when the value differs from
// the text, plus flags.
func describe(t token.Token) string {
	s := t.Kind.String()
	if t.Kind == token.IDENT || t.Kind == token.STRING || t.Kind == token.INT || t.Kind == token.REAL || t.Kind == token.TIMESPAN || t.Kind == token.ILLEGAL {
		s += fmt.Sprintf("(%s)", t.Value)
	}
	if t.Quoted {
		s += " quoted"
	}
	if t.Verbatim {
		s += " verbatim"
	}
	if t.Obfuscated {
		s += " obfuscated"
	}
	return s
}

// scanAll returns the described tokens (EOF left out) and the error
// messages.
func scanAll(src string) ([]string, []string) {
	f := token.NewFile("", src)
	d := &diag.List{File: f}
	var got []string
	for _, t := range Tokens(f, d) {
		if t.Kind != token.EOF {
			got = append(got, describe(t))
		}
	}
	var errs []string
	for _, e := range d.Items {
		errs = append(errs, e.Msg)
	}
	return got, errs
}

func TestTokens(t *testing.T) {
	tests := []struct {
		src  string
		want string // tokens separated by " | " ... written with ";" to avoid confusion with PIPE
	}{
		{"T | where x", "identifier(T); |; identifier(where); identifier(x)"},
		{"a==b!=c<>d=~e!~f<=g>=h<i>j=k=>l", "identifier(a); ==; identifier(b); !=; identifier(c); !=; identifier(d); =~; identifier(e); !~; identifier(f); <=; identifier(g); >=; identifier(h); <; identifier(i); >; identifier(j); =; identifier(k); =>; identifier(l)"},
		{"(a,b)[c]{d}.e..f:g;+-*/%?@", "(; identifier(a); ,; identifier(b); ); [; identifier(c); ]; {; identifier(d); }; .; identifier(e); ..; identifier(f); :; identifier(g); ;; +; -; *; /; %; ?; @"},
		{"a !has b !in~ c in~ d", "identifier(a); !; identifier(has); identifier(b); !; identifier(in~); identifier(c); identifier(in~); identifier(d)"},
		{"$left.A", "$; identifier(left); .; identifier(A)"},
		{"mv-expand a-b", "identifier(mv); -; identifier(expand); identifier(a); -; identifier(b)"},
		{"['a b'] [\"c\"] ['x', 'y'] [ 'z' ]", "identifier(a b) quoted; identifier(c) quoted; [; string(x); ,; string(y); ]; [; string(z); ]"},
		{`"a\"b\\c\t\n\r\u0041\x42\101" 'it\'s'`, "string(a\"b\\c\t\n\rABA); string(it's)"},
		{`@"C:\x""y" @'a''b'`, `string(C:\x"y) verbatim; string(a'b) verbatim`},
		{"```multi\nline``` @```v```", "string(multi\nline) verbatim; string(v) verbatim"},
		{`h"x" H'y' h@"z\" hx`, `string(x) obfuscated; string(y) obfuscated; string(z\) verbatim obfuscated; identifier(hx)`},
		{"42 0x1F 1.5 1e3 2.5e-2 5. 1..5 3rd 1e", "integer(42); integer(0x1F); real(1.5); real(1e3); real(2.5e-2); real(5.); integer(1); ..; integer(5); identifier(3rd); identifier(1e)"},
		{"5d 1.5h 30m 10s 100ms 2ticks 3nanos 7microseconds 1day 2hrs 5dx", "timespan(5d); timespan(1.5h); timespan(30m); timespan(10s); timespan(100ms); timespan(2ticks); timespan(3nanos); timespan(7microseconds); timespan(1day); timespan(2hrs); identifier(5dx)"},
		{"datetime(2020-01-01 10:00) guid(74be27de-1e4e-49d9-b579-fe0b331d3642) long(null) datetime()", "identifier(datetime); (; string(2020-01-01 10:00) verbatim; ); identifier(guid); (; string(74be27de-1e4e-49d9-b579-fe0b331d3642) verbatim; ); identifier(long); (; string(null) verbatim; ); identifier(datetime); (; )"},
		{"datetime (1) typeof(long) todatetime(x)", "identifier(datetime); (; integer(1); ); identifier(typeof); (; identifier(long); ); identifier(todatetime); (; identifier(x); )"},
		{"a // comment\r\nb\u200b\u00a0c\ufeff", "identifier(a); identifier(b); identifier(c)"},
	}
	for _, tt := range tests {
		got, errs := scanAll(tt.src)
		if len(errs) > 0 {
			t.Errorf("%q: unexpected errors %q", tt.src, errs)
		}
		want := strings.Split(tt.want, "; ")
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%q:\n got  %q\n want %q", tt.src, got, want)
		}
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		src, tokens, err string
	}{
		{`"abc`, `ILLEGAL("abc)`, "string literal not terminated"},
		{"'a\nb'", `ILLEGAL('a); identifier(b); ILLEGAL(')`, "string literal not terminated"},
		{`"a\qb"`, `string(a\qb)`, `invalid escape sequence "\q"`},
		{`"\u12"`, `string(\u12)`, `invalid escape sequence "\u"`},
		{"a # b", "identifier(a); ILLEGAL(#); identifier(b)", "illegal character '#'"},
		{"a ~ b", "identifier(a); ILLEGAL(~); identifier(b)", "illegal character '~'"},
		{"é", "ILLEGAL(é)", "illegal character 'é'"},
		{"\xff", "ILLEGAL(\xff)", "invalid UTF-8 encoding"},
		{"```open", "ILLEGAL(```open)", "multi-line string literal not terminated"},
		{"99999999999999999999", "integer(99999999999999999999)", "integer literal 99999999999999999999 out of range"},
		{"0x1FFFFFFFFFFFFFFFF", "integer(0x1FFFFFFFFFFFFFFFF)", "integer literal 0x1FFFFFFFFFFFFFFFF out of range"},
		{"99999999999999999999d", "timespan(99999999999999999999d)", "timespan literal 99999999999999999999d out of range"},
	}
	for _, tt := range tests {
		got, errs := scanAll(tt.src)
		want := strings.Split(tt.tokens, "; ")
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%q:\n got  %q\n want %q", tt.src, got, want)
		}
		if len(errs) == 0 || errs[0] != tt.err {
			t.Errorf("%q: errors %q, want first %q", tt.src, errs, tt.err)
		}
	}
}

func TestSpansAndSpace(t *testing.T) {
	src := "T\r\n| where  a=='x' // c\n|take 1"
	toks := Tokens(token.NewFile("", src), nil)
	wantSpace := []bool{false, true, true, true, false, false, true, false, true, false}
	if len(toks) != len(wantSpace) {
		t.Fatalf("got %d tokens, want %d", len(toks), len(wantSpace))
	}
	for i, tk := range toks {
		if got := src[tk.Span.Start:tk.Span.End]; got != tk.Text {
			t.Errorf("token %d: span text %q, Text %q", i, got, tk.Text)
		}
		if tk.SpaceBefore != wantSpace[i] {
			t.Errorf("token %d (%q): SpaceBefore %v, want %v", i, tk.Text, tk.SpaceBefore, wantSpace[i])
		}
	}
	if eof := toks[len(toks)-1]; eof.Kind != token.EOF || int(eof.Span.Start) != len(src) {
		t.Errorf("last token %v at %v, want EOF at %d", eof.Kind, eof.Span, len(src))
	}
}

// TestEOFRepeats checks that Scan keeps returning EOF.
func TestEOFRepeats(t *testing.T) {
	s := New(token.NewFile("", "a"), nil)
	s.Scan()
	for i := 0; i < 3; i++ {
		if tk := s.Scan(); tk.Kind != token.EOF {
			t.Fatalf("scan %d after the end: %v", i, tk.Kind)
		}
	}
}
