package engine

import (
	"testing"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

func TestParseXMLShapes(t *testing.T) {
	tests := []struct {
		in   string
		want string // compact JSON, or "null" for malformed input
	}{
		{`<e/>`, `{"e":null}`},
		{`<e>text</e>`, `{"e":"text"}`},
		{`<e name="value" />`, `{"e":{"@name":"value"}}`},
		{`<e> <a>1</a> <a>x</a> <a/> </e>`, `{"e":{"a":[1,"x",null]}}`},
		{`<x:e xmlns:x="urn:a"><x:a>t</x:a></x:e>`, `{"x:e":{"@xmlns:x":"urn:a","x:a":"t"}}`},
		{`<e><!-- note --><a>t</a><?pi x?></e>`, `{"e":{"a":"t"}}`},
		{`<e>a &amp; b</e>`, `{"e":"a & b"}`},
		{`<a/><b/>`, `null`},
		{`text <a/>`, `null`},
		{`<a>`, `null`},
		{``, `null`},
	}
	for _, tc := range tests {
		v, ok := parseXML(tc.in)
		got := "null"
		if ok {
			got = types.NewDynamic(v).String()
		}
		if got != tc.want {
			t.Errorf("parseXML(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func FuzzParseXML(f *testing.F) {
	for _, s := range []string{`<e/>`, `<e a="1">t<b>2</b><b/></e>`, `<?xml version="1.0"?><d><v>1.5</v></d>`, `<a><b></a>`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, ok := parseXML(s)
		if ok {
			_ = types.NewDynamic(v).String()
		}
	})
}
