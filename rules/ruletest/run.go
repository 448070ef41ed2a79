package ruletest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/rmmhunt/rmmhunt/engine"
	"github.com/rmmhunt/rmmhunt/hunt"
	"github.com/rmmhunt/rmmhunt/ingest"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/rules"
	"github.com/rmmhunt/rmmhunt/table"
)

// Result is the outcome of one test.
type Result struct {
	// File is the test file's path and Test the test.
	File string
	Test *Test
	// Rule is the rule the test ran (nil when it was not found).
	Rule *rules.Rule
	// Pass reports whether the findings were exactly the expected ones.
	Pass bool
	// Problems say what differed, or why the test could not run.
	Problems []string
	// Findings is the number of findings the rule returned.
	Findings int
}

// Where returns "file:line" of the test.
func (r *Result) Where() string {
	if r.Test.Line > 0 {
		return fmt.Sprintf("%s:%d", r.File, r.Test.Line)
	}
	return r.File
}

// FindRule returns the rule whose id equals ref (case-insensitively), or
// else whose name does.
func FindRule(rs []*rules.Rule, ref string) *rules.Rule {
	for _, r := range rs {
		if strings.EqualFold(r.ID, ref) {
			return r
		}
	}
	for _, r := range rs {
		if strings.EqualFold(strings.TrimSpace(r.Name), ref) {
			return r
		}
	}
	return nil
}

// RunFile runs every test of f against the rules rs.
func RunFile(ctx context.Context, f *File, rs []*rules.Rule) []*Result {
	out := make([]*Result, 0, len(f.Tests))
	for _, t := range f.Tests {
		out = append(out, Run(ctx, f, t, rs))
	}
	return out
}

// Run runs one test of f.
func Run(ctx context.Context, f *File, t *Test, rs []*rules.Rule) *Result {
	res := &Result{File: f.Path, Test: t}
	r := FindRule(rs, t.Rule)
	if r == nil {
		res.Problems = append(res.Problems, fmt.Sprintf("no rule has the id or name %q", t.Rule))
		return res
	}
	res.Rule = r
	tables, problems := f.Tables(t)
	if len(problems) > 0 {
		res.Problems = problems
		return res
	}
	hr := hunt.Run(ctx, []*rules.Rule{r}, engine.NewMemSource(tables), t.Now)
	rr := hr.Rules[0]
	if rr.Err != nil {
		msg := rr.Err.Error()
		if rr.Diags != nil && rr.Diags.HasErrors() {
			msg = strings.TrimSpace(rr.Diags.Format())
		}
		res.Problems = append(res.Problems, "the rule did not run: "+msg)
		return res
	}
	res.Findings = len(rr.Findings)
	res.Problems = compare(t, rr.Findings)
	res.Pass = len(res.Problems) == 0
	return res
}

// Tables builds a test's input tables from its inline rows and data
// files; problems lists rows that could not be read.
func (f *File) Tables(t *Test) (tables map[string]*table.Table, problems []string) {
	tables = map[string]*table.Table{}
	add := func(res *ingest.Result, what string) {
		for _, rj := range res.Rejects {
			problems = append(problems, fmt.Sprintf("%s: row rejected: %s", what, rj.String()))
		}
		for name, tb := range res.Tables {
			prev, ok := tables[name]
			if !ok {
				tables[name] = tb
				continue
			}
			if !sameSchema(prev.Schema, tb.Schema) {
				problems = append(problems, fmt.Sprintf("%s: table %s is given twice with different columns", what, name))
				continue
			}
			prev.Batches = append(prev.Batches, tb.Batches...)
		}
	}
	// Inline rows, one load per table (rows of a table listed twice are
	// read together).
	var order []string
	byTable := map[string][]Row{}
	for _, tr := range t.Rows {
		if _, ok := byTable[tr.Table]; !ok {
			order = append(order, tr.Table)
		}
		byTable[tr.Table] = append(byTable[tr.Table], tr.Rows...)
	}
	for _, name := range order {
		var buf bytes.Buffer
		for _, row := range byTable[name] {
			buf.Write(rowJSON(row))
			buf.WriteByte('\n')
		}
		what := fmt.Sprintf("%s: rows of %s", f.Path, name)
		res, err := ingest.LoadReader(what, &buf, ingest.Options{Table: name})
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", what, err))
			continue
		}
		add(res, what)
	}
	if len(t.Data) > 0 {
		dir := f.Dir
		if dir == "" {
			dir = filepath.Dir(f.Path)
		}
		var paths []string
		for _, d := range t.Data {
			if !filepath.IsAbs(d) {
				d = filepath.Join(dir, d)
			}
			paths = append(paths, d)
		}
		res, err := ingest.Load(paths, ingest.Options{})
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: data: %v", f.Path, err))
		}
		if res != nil {
			add(res, f.Path+": data")
		}
	}
	return tables, problems
}

func sameSchema(a, b table.Schema) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Name != b[i].Name || a[i].Type != b[i].Type {
			return false
		}
	}
	return true
}

// rowJSON encodes a row as a JSON object, columns in order.
func rowJSON(r Row) []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range r {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(f.Column)
		v, _ := json.Marshal(f.Value)
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes()
}

// compare matches the expected findings with the actual ones; each
// expected finding must match a distinct finding, and every finding must
// be expected.
func compare(t *Test, findings []hunt.Finding) []string {
	var problems []string
	used := make([]bool, len(findings))
	for _, exp := range t.Expect {
		found := false
		for i, f := range findings {
			if used[i] {
				continue
			}
			if ok, _ := matches(exp, f); ok {
				used[i], found = true, true
				break
			}
		}
		if !found {
			msg := "expected finding not found: " + describeExpected(exp)
			if near := closest(exp, findings, used); near != "" {
				msg += "\n    closest finding: " + near
			}
			problems = append(problems, msg)
		}
	}
	for i, f := range findings {
		if !used[i] {
			problems = append(problems, "unexpected finding: "+describeFinding(f))
		}
	}
	return problems
}

// closest describes the unused finding of the same device as exp, with
// what differs.
func closest(exp Row, findings []hunt.Finding, used []bool) string {
	for i, f := range findings {
		if used[i] {
			continue
		}
		for _, key := range []string{"DeviceId", "DeviceName"} {
			want, ok := exp.Get(key)
			if !ok {
				continue
			}
			if idx := f.Schema.Index(key); idx >= 0 && fieldEqual(want, f.Row[idx]) {
				_, diff := matches(exp, f)
				return describeFinding(f) + " (" + diff + ")"
			}
		}
	}
	return ""
}

// matches reports whether finding f has every column value of exp; diff
// names the first column that differs.
func matches(exp Row, f hunt.Finding) (bool, string) {
	for _, fld := range exp {
		i := f.Schema.Index(fld.Column)
		if i < 0 {
			return false, fmt.Sprintf("no column %s", fld.Column)
		}
		if !fieldEqual(fld.Value, f.Row[i]) {
			return false, fmt.Sprintf("%s is %s", fld.Column, f.Row[i].String())
		}
	}
	return true, ""
}

// fieldEqual compares an expected value with a result value.
func fieldEqual(want any, v types.Value) bool {
	switch w := want.(type) {
	case nil:
		return v.Null
	case []any:
		arr, ok := v.D.([]any)
		if v.Type != types.Dynamic || !ok {
			return false
		}
		if a, ok := sortedInts(arr); ok {
			b, ok := sortedInts(w)
			if !ok || len(a) != len(b) {
				return false
			}
			for i := range a {
				if a[i] != b[i] {
					return false
				}
			}
			return true
		}
		return sameStrings(arr, w)
	case int64:
		switch v.Type {
		case types.Long, types.Int:
			return !v.Null && v.I == w
		case types.Real, types.Decimal:
			return !v.Null && v.F == float64(w)
		}
		return false
	case float64:
		return !v.Null && v.AsFloat() == w
	case bool:
		return !v.Null && v.Type == types.Bool && v.Bool() == w
	case string:
		if v.Null {
			return false
		}
		switch v.Type {
		case types.Datetime:
			ticks, ok := types.ParseDatetime(w)
			return ok && ticks == v.I
		case types.String, types.Guid:
			return v.S == w
		}
		return v.String() == w
	}
	return false
}

func sameStrings(a, b []any) bool {
	if len(a) != len(b) {
		return false
	}
	as := make([]string, len(a))
	bs := make([]string, len(b))
	for i := range a {
		as[i] = fmt.Sprint(a[i])
		bs[i] = fmt.Sprint(b[i])
	}
	sort.Strings(as)
	sort.Strings(bs)
	for i := range as {
		if as[i] != bs[i] {
			return false
		}
	}
	return true
}

func describeExpected(r Row) string {
	parts := make([]string, len(r))
	for i, f := range r {
		parts[i] = fmt.Sprintf("%s=%s", f.Column, flowValue(f.Value))
	}
	return strings.Join(parts, ", ")
}

func describeFinding(f hunt.Finding) string {
	parts := make([]string, len(f.Schema))
	for i, c := range f.Schema {
		parts[i] = fmt.Sprintf("%s=%s", c.Name, f.Row[i].String())
	}
	return strings.Join(parts, ", ")
}
