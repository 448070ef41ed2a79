// Package kqltest runs script-style KQL test files against any backend, so
// that the in-memory engine and other backends (such as a ClickHouse
// translation) are held to the same expected answers.
//
// A test file is a sequence of directives, each starting at column 0 and
// followed by an indented or unindented block that runs until the next
// directive. Lines starting with # are comments.
//
//	table Logs                    the block is a KQL tabular expression
//	datatable(Msg:string, N:long) (usually a datatable) evaluated into a
//	[ "Hello World", 1 ]           named input table; it stays for the file
//
//	now 2026-11-20T12:00:00Z       reference time for now() and ago()
//
//	query has matches terms        the block is the query; the words after
//	Logs | where Msg has "hello"   "query" name the case
//
//	expect                         the block is a datatable with the expected
//	datatable(Msg:string, N:long)  schema (names and types) and rows;
//	[ "Hello World", 1 ]           rows compare as a multiset
//
//	expect ordered                 rows compare in order
//	expect error REGEXP            the query must fail with a matching error
//	expect unsupported REGEXP      ... with an "unsupported" diagnostic
//	reset                          forget the tables defined so far
//
// Dynamic arrays in results compare as written; a case whose answer is a
// set in Kusto (make_set) should be written in first-seen order, which is
// the order the in-memory engine produces.
package kqltest

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/rmmhunt/rmmhunt/engine"
	"github.com/rmmhunt/rmmhunt/kql/diag"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/query"
	"github.com/rmmhunt/rmmhunt/table"
)

// Backend runs one query over the given tables.
type Backend interface {
	// Run executes src with now as the reference time. A query that does not
	// compile returns its diagnostics (and a nil table).
	Run(ctx context.Context, tables map[string]*table.Table, src string, now time.Time) (*table.Table, *diag.List, error)
}

// EngineBackend runs queries on the in-memory engine.
type EngineBackend struct{}

// Run implements Backend.
func (EngineBackend) Run(ctx context.Context, tables map[string]*table.Table, src string, now time.Time) (*table.Table, *diag.List, error) {
	mem := engine.NewMemSource(tables)
	q, err := query.CompileString("query", src, mem.CatalogAt(now))
	if err != nil {
		return nil, q.Diags, err
	}
	t, err := q.Run(ctx, mem, now)
	return t, q.Diags, err
}

// Case is one test case of a file.
type Case struct {
	Name    string
	Line    int
	Query   string
	Expect  string // datatable text, or "" with ExpectErr set
	Ordered bool
	// ExpectErr is a regexp an error must match; Unsupported requires the
	// error to be an "unsupported" diagnostic.
	ExpectErr   string
	Unsupported bool
	// Tables and Now in force for the case.
	Tables map[string]string
	Now    time.Time
}

// ParseFile reads the cases of one test file.
func ParseFile(path string) ([]*Case, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var (
		cases  []*Case
		tables = map[string]string{}
		now    = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
		cur    *Case
		block  *strings.Builder
		target func(string)
		lineNo int
	)
	flush := func() {
		if target != nil && block != nil {
			target(strings.TrimSpace(block.String()))
		}
		target, block = nil, nil
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		lineNo++
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.HasPrefix(line, "#") {
			continue
		}
		word, rest, _ := strings.Cut(line, " ")
		rest = strings.TrimSpace(rest)
		switch word {
		case "table":
			flush()
			name := rest
			tcopy := map[string]string{}
			for k, v := range tables {
				tcopy[k] = v
			}
			tables = tcopy
			block = &strings.Builder{}
			target = func(s string) { tables[name] = s }
			continue
		case "now":
			flush()
			t, err := time.Parse(time.RFC3339Nano, rest)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: bad now: %v", path, lineNo, err)
			}
			now = t
			continue
		case "reset":
			flush()
			tables = map[string]string{}
			continue
		case "query":
			flush()
			cur = &Case{Name: rest, Line: lineNo, Tables: tables, Now: now}
			if cur.Name == "" {
				cur.Name = fmt.Sprintf("line %d", lineNo)
			}
			cases = append(cases, cur)
			block = &strings.Builder{}
			c := cur
			target = func(s string) { c.Query = s }
			continue
		case "expect":
			flush()
			if cur == nil {
				return nil, fmt.Errorf("%s:%d: expect without query", path, lineNo)
			}
			c := cur
			switch {
			case rest == "" || rest == "ordered":
				c.Ordered = rest == "ordered"
				block = &strings.Builder{}
				target = func(s string) { c.Expect = s }
			case strings.HasPrefix(rest, "error"):
				c.ExpectErr = strings.TrimSpace(strings.TrimPrefix(rest, "error"))
			case strings.HasPrefix(rest, "unsupported"):
				c.ExpectErr = strings.TrimSpace(strings.TrimPrefix(rest, "unsupported"))
				c.Unsupported = true
			default:
				return nil, fmt.Errorf("%s:%d: unknown expect form %q", path, lineNo, rest)
			}
			continue
		}
		if block != nil {
			block.WriteString(line)
			block.WriteByte('\n')
		} else if strings.TrimSpace(line) != "" {
			return nil, fmt.Errorf("%s:%d: text outside a block: %q", path, lineNo, line)
		}
	}
	flush()
	if err := sc.Err(); err != nil {
		return nil, err
	}
	for _, c := range cases {
		if c.Expect == "" && c.ExpectErr == "" {
			return nil, fmt.Errorf("%s:%d: case %q has no expect", path, c.Line, c.Name)
		}
	}
	return cases, nil
}

// evalTable evaluates a constant tabular expression (a datatable) with the
// in-memory engine.
func evalTable(src string) (*table.Table, error) {
	t, _, err := EngineBackend{}.Run(context.Background(), nil, src, time.Unix(0, 0))
	return t, err
}

// RunFiles runs every case of the files matching glob against b.
func RunFiles(t *testing.T, glob string, b Backend) {
	files, err := filepath.Glob(glob)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no test files match %s", glob)
	}
	for _, path := range files {
		path := path
		t.Run(filepath.Base(path), func(t *testing.T) { RunFile(t, path, b) })
	}
}

// RunFile runs every case of one file against b.
func RunFile(t *testing.T, path string, b Backend) {
	cases, err := ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		c := c
		t.Run(c.Name, func(t *testing.T) {
			if err := RunCase(c, b); err != nil {
				t.Errorf("%s:%d: %v", path, c.Line, err)
			}
		})
	}
}

// RunCase runs one case and returns a description of any mismatch.
func RunCase(c *Case, b Backend) error {
	tables := map[string]*table.Table{}
	for name, src := range c.Tables {
		tb, err := evalTable(src)
		if err != nil {
			return fmt.Errorf("table %s: %v", name, err)
		}
		tb.Name = name
		tables[name] = tb
	}
	got, diags, err := b.Run(context.Background(), tables, c.Query, c.Now)
	if c.ExpectErr != "" {
		if err == nil {
			return fmt.Errorf("expected an error matching %q, got none", c.ExpectErr)
		}
		msg := err.Error()
		if diags != nil && len(diags.Items) > 0 {
			msg = diags.Format()
		}
		if ok, _ := regexp.MatchString(c.ExpectErr, msg); !ok {
			return fmt.Errorf("error %q does not match %q", msg, c.ExpectErr)
		}
		if c.Unsupported && (diags == nil || !diags.OnlyUnsupported()) {
			return fmt.Errorf("expected an unsupported diagnostic, got %q", msg)
		}
		return nil
	}
	if err != nil {
		msg := err.Error()
		if diags != nil && len(diags.Items) > 0 {
			msg = diags.Format()
		}
		return fmt.Errorf("unexpected error: %s", msg)
	}
	want, err := evalTable(c.Expect)
	if err != nil {
		return fmt.Errorf("bad expect block: %v", err)
	}
	return Compare(got, want, c.Ordered)
}

// Compare checks that got has want's column names and types and the same
// rows (in order when ordered is set).
func Compare(got, want *table.Table, ordered bool) error {
	if gs, ws := got.Schema.String(), want.Schema.String(); gs != ws {
		return fmt.Errorf("schema mismatch:\n got  %s\n want %s\nrows:\n%s", gs, ws, strings.Join(RowStrings(got), "\n"))
	}
	g, w := RowStrings(got), RowStrings(want)
	if !ordered {
		sort.Strings(g)
		sort.Strings(w)
	}
	if strings.Join(g, "\n") != strings.Join(w, "\n") {
		return fmt.Errorf("rows differ:\n got:\n  %s\n want:\n  %s", strings.Join(g, "\n  "), strings.Join(w, "\n  "))
	}
	return nil
}

// RowStrings renders each row of t as one comparable line.
func RowStrings(t *table.Table) []string {
	var out []string
	for _, b := range t.Batches {
		for i := 0; i < b.N; i++ {
			var cells []string
			for _, c := range b.Cols {
				cells = append(cells, cellString(c.Get(i)))
			}
			out = append(out, strings.Join(cells, " | "))
		}
	}
	return out
}

func cellString(v types.Value) string {
	if v.Null && v.Type != types.String {
		return "null"
	}
	switch v.Type {
	case types.String, types.Guid:
		return fmt.Sprintf("%q", v.S)
	case types.Dynamic:
		return types.DynamicJSON(v.D)
	}
	return v.String()
}
