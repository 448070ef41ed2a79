package binder_test

import (
	"bufio"
	"encoding/json"
	"os"
	"testing"

	"github.com/rmmhunt/rmmhunt/kql/binder"
	"github.com/rmmhunt/rmmhunt/kql/parser"
	"github.com/rmmhunt/rmmhunt/kql/parser/parsertest"
	"github.com/rmmhunt/rmmhunt/kql/token"
)

// FuzzBind checks that binding any parsed text never panics, that every
// diagnostic's span lies within the source, and that a query binds to
// nodes only when it has no error. Each query of a text of several
// editor-delimited queries is bound too.
func FuzzBind(f *testing.F) {
	for _, s := range parsertest.ValidQueries {
		f.Add(s)
	}
	// The public hunting-query corpus beside the project, when present.
	if fh, err := os.Open("../../../shared/kql-corpus/public.jsonl"); err == nil {
		sc := bufio.NewScanner(fh)
		sc.Buffer(make([]byte, 1<<20), 16<<20)
		for sc.Scan() {
			var e struct{ Query string }
			if json.Unmarshal(sc.Bytes(), &e) == nil && e.Query != "" {
				f.Add(e.Query)
			}
		}
		fh.Close()
	}
	f.Add("DeviceProcessEvents | take 1\n\nDeviceFileEvents | where FolderPath has 'x'")
	f.Add("print a = 1; print b = 2")
	f.Add("DeviceProcessEvents | extend (a, b) = series_stats(dynamic([1,2]))")
	f.Add("DeviceProcessEvents | invoke FileProfile(SHA1, 10) | where GlobalPrevalence < 5")
	f.Add("DeviceEvents | extend p = parse_json(AdditionalFields) | evaluate bag_unpack(p) | project Name")
	f.Fuzz(func(t *testing.T, src string) {
		file := token.NewFile("", src)
		check := func(f *token.File) {
			q, pd := parser.ParseQuery(f)
			if pd != nil && pd.HasErrors() {
				return
			}
			roots, bd := binder.BindAll(q, f, binder.Options{})
			if bd.HasErrors() && len(roots) > 0 {
				t.Fatalf("%q: roots returned with errors", src)
			}
			for _, d := range bd.Items {
				if s := d.Span; s.IsValid() && (s.End < s.Start || int(s.End) > len(src)) {
					t.Fatalf("%q: diagnostic %q has span %v", src, d.Msg, s)
				}
			}
		}
		check(file)
		for _, sp := range parser.EditorQueries(file) {
			check(parser.EditorQueryFile(file, sp))
		}
	})
}
