package scanner

import (
	"testing"

	"github.com/rmmhunt/rmmhunt/kql/token"
)

// FuzzScanner checks that the scanner never panics, ends with EOF, and
// returns tokens whose spans are in bounds, ordered, and match their text.
func FuzzScanner(f *testing.F) {
	for _, s := range []string{
		"DeviceProcessEvents | where FileName in~ ('a.exe') | take 10",
		`print s = @"C:\x", t = h'y', d = datetime(2020-01-01), ts = 1.5h, x = 0x1F`,
		"let a = dynamic(['x', \"y\"]); T | where $left.A !has_cs a",
		"```multi\nline``` // comment\r\n['quoted name'] mv-expand 1..5",
		`"unterminated`, "#\xff\u200b",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		toks := Tokens(token.NewFile("", src), nil)
		if len(toks) == 0 || toks[len(toks)-1].Kind != token.EOF {
			t.Fatalf("tokens do not end with EOF")
		}
		prev := token.Pos(0)
		for _, tk := range toks {
			s := tk.Span
			if s.Start < prev || s.End < s.Start || int(s.End) > len(src) {
				t.Fatalf("token %v %q has span %v (previous end %d, len %d)", tk.Kind, tk.Text, s, prev, len(src))
			}
			if src[s.Start:s.End] != tk.Text {
				t.Fatalf("token %v: text %q, span text %q", tk.Kind, tk.Text, src[s.Start:s.End])
			}
			if tk.Kind != token.EOF && s.End == s.Start {
				t.Fatalf("empty %v token at %d", tk.Kind, s.Start)
			}
			prev = s.End
		}
	})
}
