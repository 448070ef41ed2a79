package parser

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rmmhunt/rmmhunt/kql/token"
)

// errorMarker finds `// ERROR "regexp" ["regexp" ...]` at the end of a line.
var errorMarker = regexp.MustCompile(`//\s*ERROR\s+((?:"(?:[^"\\]|\\.)*"\s*)+)$`)

var quoted = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)

// TestErrors parses each testdata/errors/*.kql file. A line ending in
// `// ERROR "re"` must get a diagnostic whose message matches re (one per
// regexp, several allowed); no other diagnostic may be reported. The markers
// are KQL comments, so they do not disturb the parse.
func TestErrors(t *testing.T) {
	files, err := filepath.Glob("testdata/errors/*.kql")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no test files")
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			want := map[int][]*regexp.Regexp{}
			for i, line := range strings.Split(string(src), "\n") {
				m := errorMarker.FindStringSubmatch(strings.TrimRight(line, "\r"))
				if m == nil {
					continue
				}
				for _, q := range quoted.FindAllString(m[1], -1) {
					// Only \" is an escape of the marker itself; every other
					// backslash belongs to the regexp.
					s := strings.ReplaceAll(q[1:len(q)-1], `\"`, `"`)
					re, err := regexp.Compile(s)
					if err != nil {
						t.Fatalf("%s:%d: bad marker %s: %v", file, i+1, q, err)
					}
					want[i+1] = append(want[i+1], re)
				}
			}
			f := token.NewFile(file, string(src))
			_, d := ParseQuery(f)
			for _, diag := range d.Items {
				pos := d.Position(diag)
				res := want[pos.Line]
				matched := false
				for j, re := range res {
					if re.MatchString(diag.Msg) {
						want[pos.Line] = append(res[:j:j], res[j+1:]...)
						matched = true
						break
					}
				}
				if !matched {
					t.Errorf("%s: unexpected diagnostic: %s", pos, diag.Msg)
				}
			}
			for line, res := range want {
				for _, re := range res {
					t.Errorf("%s:%d: missing diagnostic matching %q", file, line, re)
				}
			}
		})
	}
}
