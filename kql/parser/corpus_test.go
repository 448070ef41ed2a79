package parser

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/rmmhunt/rmmhunt/kql/token"
)

// corpusQuery is one line of the public query corpus.
type corpusQuery struct {
	Path  string `json:"path"`
	Name  string `json:"name"`
	Query string `json:"query"`
}

// loadCorpus reads the public KQL corpus that CI keeps beside the
// repository (../shared/kql-corpus/public.jsonl from the repository root).
// The test is skipped when it is absent.
func loadCorpus(t testing.TB) []corpusQuery {
	t.Helper()
	path := os.Getenv("RMMHUNT_KQL_CORPUS")
	if path == "" {
		root, err := repoRoot()
		if err != nil {
			t.Skipf("repository root not found: %v", err)
		}
		path = filepath.Join(root, "..", "shared", "kql-corpus", "public.jsonl")
	}
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("corpus not available: %v", err)
	}
	defer f.Close()
	var qs []corpusQuery
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var q corpusQuery
		if err := json.Unmarshal(sc.Bytes(), &q); err != nil {
			t.Fatalf("corpus line %d: %v", len(qs)+1, err)
		}
		qs = append(qs, q)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return qs
}

// repoRoot walks up from the working directory to the directory holding
// go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", os.ErrNotExist
		}
		dir = parent
	}
}

// TestCorpus parses every query of the public corpus and requires that at
// least 97% parse without errors. Failures are logged with their first
// diagnostic.
func TestCorpus(t *testing.T) {
	qs := loadCorpus(t)
	failed := 0
	for _, q := range qs {
		f := token.NewFile(q.Name, q.Query)
		_, d := ParseQuery(f)
		if d.HasErrors() {
			failed++
			e := d.Errors()[0]
			t.Logf("%s: %s: %s\n    %s", q.Path, d.Position(e), e.Msg, f.Line(d.Position(e).Line))
		}
	}
	rate := 100 * float64(len(qs)-failed) / float64(len(qs))
	t.Logf("corpus: %d/%d queries parse cleanly (%.1f%%)", len(qs)-failed, len(qs), rate)
	if rate < 97 {
		t.Errorf("parse rate %.1f%% is below 97%%", rate)
	}
}
