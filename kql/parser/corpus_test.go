package parser

import (
	"bufio"
	"os"
	"strings"
	"testing"

	"github.com/rmmhunt/rmmhunt/kql/parser/parsertest"
	"github.com/rmmhunt/rmmhunt/kql/token"
)

// loadDefects reads testdata/corpus-defects.txt: the corpus queries that
// are not valid KQL, keyed by "path | name", with the reason.
func loadDefects(t *testing.T) map[string]string {
	t.Helper()
	f, err := os.Open("testdata/corpus-defects.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, why, ok := strings.Cut(line, "\t")
		if !ok {
			t.Fatalf("corpus-defects.txt: no tab in %q", line)
		}
		m[key] = why
	}
	return m
}

// TestCorpus parses every query of the public corpus. Every query must parse
// without errors except the ones listed, with the reason, in
// testdata/corpus-defects.txt, which must still fail. At least 97% of the
// queries that are not known defects must parse (all of them, in fact), and
// the known defects may not exceed 4% of the corpus. Failures are logged
// with their first diagnostic.
func TestCorpus(t *testing.T) {
	qs := parsertest.LoadCorpus(t)
	defects := loadDefects(t)
	clean, known := 0, 0
	for _, q := range qs {
		key := q.Path + " | " + q.Name
		f := token.NewFile(q.Name, q.Query)
		_, d := ParseQuery(f)
		why, isDefect := defects[key]
		if isDefect {
			known++
		}
		if !d.HasErrors() {
			clean++
			if isDefect {
				t.Errorf("%s: listed in corpus-defects.txt (%s) but parses cleanly", key, why)
			}
			continue
		}
		e := d.Errors()[0]
		pos := d.Position(e)
		if isDefect {
			t.Logf("known defect %s: %s: %s (%s)", q.Path, pos, e.Msg, why)
			continue
		}
		t.Errorf("%s: %s: %s\n    %s", q.Path, pos, e.Msg, f.Line(pos.Line))
	}
	rate := 100 * float64(clean) / float64(len(qs))
	valid := len(qs) - known
	validRate := 100 * float64(clean) / float64(valid)
	t.Logf("corpus: %d/%d queries parse cleanly (%.1f%%); %d/%d of those that are valid KQL (%.1f%%)",
		clean, len(qs), rate, clean, valid, validRate)
	if validRate < 97 {
		t.Errorf("parse rate of valid queries %.1f%% is below 97%%", validRate)
	}
	if 100*float64(known) > 4*float64(len(qs)) {
		t.Errorf("%d known defects exceed 4%% of the corpus", known)
	}
}
