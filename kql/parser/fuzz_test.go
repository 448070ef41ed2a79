package parser

import (
	"strings"
	"testing"

	"github.com/rmmhunt/rmmhunt/kql/ast"
	"github.com/rmmhunt/rmmhunt/kql/parser/parsertest"
	"github.com/rmmhunt/rmmhunt/kql/token"
)

// fuzzSeeds are the starting inputs of the fuzz targets.
var fuzzSeeds = []string{
	"let Time_start = now(-5d);\nDeviceFileCertificateInfo\n| where Timestamp between (Time_start..now())\n| where Signer has_any ('AmidaWare', 'Tactical Techs')\n| summarize FirstSeen=min(Timestamp), Count=count() by DeviceId",
	`let s = datatable(URI:string)["a.io"]; T | where RemoteUrl has_any ((s | distinct URI)) | extend u = tostring(split(RemoteUrl, '/')[0])`,
	"T | join kind=inner (U | where x > 1) on $left.A == $right.B | mv-expand d to typeof(string) limit 5",
	"let f = (T:(*), n:long = 2) { T | take n }; f(T) | parse s with * 'x=' v:long | render timechart",
	"print dynamic({\"a\": [1, -2, null]}), datetime(2020-01-01), 1.5h, @'x''y'",
	"union kind=outer withsource=S A*, (B | where c !in~ ('x')) | sort by a asc nulls first | top 3 by b",
	"T | where (a > 1 | take",
}

// checkTree fails when a diagnostic reports an internal error or a node's
// span is outside the source.
func checkTree(t *testing.T, src string, n any, diags []string) {
	for _, msg := range diags {
		if strings.Contains(msg, "internal parser error") {
			t.Fatalf("%q: %s", src, msg)
		}
	}
	walk(n, func(x ast.Node) {
		s := x.Span()
		if !s.IsValid() {
			return
		}
		if s.End < s.Start || int(s.End) > len(src) {
			t.Fatalf("%q: %T has span %v outside the source (len %d)", src, x, s, len(src))
		}
	})
}

// FuzzParser checks that ParseQuery and ParseExpr never panic or fail
// internally, and that every span stays within the source.
func FuzzParser(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	for _, s := range parsertest.ValidQueries {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		file := token.NewFile("", src)
		q, d := ParseQuery(file)
		if q == nil {
			t.Fatal("nil query")
		}
		var msgs []string
		for _, it := range d.Items {
			msgs = append(msgs, it.Msg)
			if s := it.Span; int(s.End) > len(src) || s.End < s.Start || s.Start < 0 {
				t.Fatalf("%q: diagnostic %q has span %v", src, it.Msg, s)
			}
		}
		checkTree(t, src, q, msgs)
		x, d2 := ParseExpr(file)
		msgs = msgs[:0]
		for _, it := range d2.Items {
			msgs = append(msgs, it.Msg)
		}
		if x != nil {
			checkTree(t, src, x, msgs)
		}
	})
}
