// Package ruletest runs detection tests: YAML files that name a rule, give
// the input rows (inline, as the Advanced Hunting columns of the tables the
// rule reads, or as data files), the reference time, and the findings
// expected. A test passes when the rule's findings are exactly the ones
// expected.
//
// A test file holds one test, or several under `tests:`:
//
//	tests:
//	  - name: NinjaRMM File Signature finds NinjaRMM, LLC and not NinjaRMMAgent Ltd
//	    rule: 662b8f73-a1f2-48a9-966d-43ffa3555a29   # rule id or name
//	    now: 2026-11-20T12:00:00Z                     # reference time of now()
//	    rows:
//	      DeviceFileCertificateInfo:
//	        - {Timestamp: 2026-11-19T09:00:00Z, DeviceId: d1, DeviceName: pc-1, Signer: "NinjaRMM, LLC", ReportId: 11}
//	        - {Timestamp: 2026-11-19T10:00:00Z, DeviceId: d2, DeviceName: pc-2, Signer: NinjaRMMAgent Ltd, ReportId: 12}
//	    data: [more-rows.json]                        # optional, relative to the test file
//	    expect:
//	      - {DeviceId: d1, Count: 1, FirstSeen: 2026-11-19T09:00:00Z, LastSeen: 2026-11-19T09:00:00Z, Report: [11]}
//
// `expect: none` expects no finding. An expected finding lists the result
// columns to compare (any of the rule's output columns; Report compares as
// a set); it must match exactly one finding, and every finding must be
// expected.
//
// The package does not decide which rules exist: the caller passes them.
package ruletest

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

// File is one test file.
type File struct {
	// Path is the file the tests were read from ("" for built files).
	Path string
	// Dir resolves the data paths of its tests; "" means the directory of
	// Path.
	Dir   string
	Tests []*Test
}

// Test is one detection test.
type Test struct {
	Name string
	// Rule is the id or the name of the rule under test.
	Rule string
	// Now is the reference time of now().
	Now time.Time
	// Rows are the inline input rows, by table, in the order written.
	Rows []TableRows
	// Data are data files (any format rmmhunt ingests), relative to the
	// test file's directory.
	Data []string
	// None expects no finding; otherwise Expect lists the findings.
	None   bool
	Expect []Row
	// Line is the test's line in its file (0 for built tests).
	Line int
}

// TableRows are the inline rows of one table.
type TableRows struct {
	Table string
	Rows  []Row
}

// Row is a list of column values in the order written. A value is a
// string, an int64, a float64, a bool, nil, or a []any of those.
type Row []Field

// Field is one column value.
type Field struct {
	Column string
	Value  any
}

// Get returns the value of a column and whether the row has it.
func (r Row) Get(col string) (any, bool) {
	for _, f := range r {
		if f.Column == col {
			return f.Value, true
		}
	}
	return nil, false
}

// IsTestFile reports whether name has a YAML extension.
func IsTestFile(name string) bool {
	ext := strings.ToLower(filepath.Ext(name))
	return ext == ".yaml" || ext == ".yml"
}

// LoadPath reads the test file at path, or every .yaml/.yml file under the
// directory path (recursively, in lexical order, skipping directories
// whose names start with a dot).
func LoadPath(path string) ([]*File, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		f, err := readFile(path)
		if err != nil {
			return nil, err
		}
		return []*File{f}, nil
	}
	var out []*File
	err = filepath.WalkDir(path, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() {
			if p != path && strings.HasPrefix(e.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if !IsTestFile(p) {
			return nil
		}
		f, err := readFile(p)
		if err != nil {
			return err
		}
		out = append(out, f)
		return nil
	})
	return out, err
}

// LoadFS reads every test file of fsys under dir (for embedded tests).
func LoadFS(fsys fs.FS, dir string) ([]*File, error) {
	var out []*File
	err := fs.WalkDir(fsys, dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() || !IsTestFile(p) {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		f, err := Parse(p, b)
		if err != nil {
			return err
		}
		out = append(out, f)
		return nil
	})
	return out, err
}

func readFile(path string) (*File, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, b)
}

// Parse decodes a test file; name is used in messages and to resolve data
// paths.
func Parse(name string, data []byte) (*File, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	f := &File{Path: name}
	if len(root.Content) == 0 {
		return nil, fmt.Errorf("%s: empty test file", name)
	}
	doc := root.Content[0]
	if doc.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s:%d: a test file is a mapping (one test, or tests: [...])", name, doc.Line)
	}
	if list := mapGet(doc, "tests"); list != nil {
		if list.Kind != yaml.SequenceNode {
			return nil, fmt.Errorf("%s:%d: tests must be a list", name, list.Line)
		}
		for _, n := range list.Content {
			t, err := parseTest(n)
			if err != nil {
				return nil, fmt.Errorf("%s:%v", name, err)
			}
			f.Tests = append(f.Tests, t)
		}
		return f, nil
	}
	t, err := parseTest(doc)
	if err != nil {
		return nil, fmt.Errorf("%s:%v", name, err)
	}
	f.Tests = []*Test{t}
	return f, nil
}

func mapGet(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// errAt formats "line: message" (the caller prefixes the file name).
func errAt(n *yaml.Node, format string, args ...any) error {
	return fmt.Errorf("%d: %s", n.Line, fmt.Sprintf(format, args...))
}

func parseTest(n *yaml.Node) (*Test, error) {
	if n.Kind != yaml.MappingNode {
		return nil, errAt(n, "a test is a mapping")
	}
	t := &Test{Line: n.Line}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch k.Value {
		case "name":
			t.Name = v.Value
		case "rule":
			t.Rule = strings.TrimSpace(v.Value)
		case "now":
			ticks, ok := types.ParseDatetime(v.Value)
			if !ok {
				return nil, errAt(v, "now %q is not a datetime", v.Value)
			}
			t.Now = types.TimeFromTicks(ticks)
		case "rows":
			if v.Kind != yaml.MappingNode {
				return nil, errAt(v, "rows maps table names to lists of rows")
			}
			for j := 0; j+1 < len(v.Content); j += 2 {
				tn, list := v.Content[j], v.Content[j+1]
				if list.Kind != yaml.SequenceNode {
					return nil, errAt(list, "rows of %s must be a list", tn.Value)
				}
				tr := TableRows{Table: tn.Value}
				for _, rn := range list.Content {
					row, err := parseRow(rn)
					if err != nil {
						return nil, err
					}
					tr.Rows = append(tr.Rows, row)
				}
				t.Rows = append(t.Rows, tr)
			}
		case "data":
			switch v.Kind {
			case yaml.ScalarNode:
				t.Data = []string{v.Value}
			case yaml.SequenceNode:
				for _, d := range v.Content {
					t.Data = append(t.Data, d.Value)
				}
			default:
				return nil, errAt(v, "data is a file name or a list of them")
			}
		case "expect":
			if v.Kind == yaml.ScalarNode && strings.EqualFold(v.Value, "none") {
				t.None = true
				continue
			}
			if v.Kind != yaml.SequenceNode {
				return nil, errAt(v, "expect is `none` or a list of findings")
			}
			if len(v.Content) == 0 {
				t.None = true
			}
			for _, rn := range v.Content {
				row, err := parseRow(rn)
				if err != nil {
					return nil, err
				}
				t.Expect = append(t.Expect, row)
			}
		default:
			return nil, errAt(k, "unknown key %s (name, rule, now, rows, data, expect)", k.Value)
		}
	}
	switch {
	case t.Rule == "":
		return nil, errAt(n, "test %q names no rule", t.Name)
	case t.Now.IsZero():
		return nil, errAt(n, "test %q has no reference time (now)", t.Name)
	case !t.None && t.Expect == nil:
		return nil, errAt(n, "test %q expects nothing: write `expect: none` or list the findings", t.Name)
	}
	if t.Name == "" {
		t.Name = t.Rule
	}
	return t, nil
}

func parseRow(n *yaml.Node) (Row, error) {
	if n.Kind != yaml.MappingNode {
		return nil, errAt(n, "a row is a mapping of column names to values")
	}
	var row Row
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; k.Kind != yaml.ScalarNode || strings.TrimSpace(k.Value) == "" {
			return nil, errAt(k, "a column name must be a non-empty string")
		}
		v, err := scalarValue(n.Content[i+1])
		if err != nil {
			return nil, err
		}
		row = append(row, Field{Column: n.Content[i].Value, Value: v})
	}
	return row, nil
}

// scalarValue decodes a YAML value: numbers and booleans as such, null as
// nil, anything else (datetimes included) as its text; a list as []any.
func scalarValue(n *yaml.Node) (any, error) {
	switch n.Kind {
	case yaml.SequenceNode:
		var out []any
		for _, it := range n.Content {
			v, err := scalarValue(it)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return nil, nil
		case "!!int":
			var i int64
			if err := n.Decode(&i); err == nil {
				return i, nil
			}
		case "!!float":
			var f float64
			if err := n.Decode(&f); err == nil {
				return f, nil
			}
		case "!!bool":
			var b bool
			if err := n.Decode(&b); err == nil {
				return b, nil
			}
		}
		return n.Value, nil
	}
	return nil, errAt(n, "a value must be a scalar or a list")
}

// YAML writes the file in the format Parse reads, one row per line.
func (f *File) YAML(header string) []byte {
	var b bytes.Buffer
	b.WriteString(header)
	if len(f.Tests) == 0 {
		b.WriteString("tests: []\n")
		return b.Bytes()
	}
	b.WriteString("tests:\n")
	for _, t := range f.Tests {
		fmt.Fprintf(&b, "  - name: %s\n", quoteYAML(t.Name))
		fmt.Fprintf(&b, "    rule: %s\n", quoteYAML(t.Rule))
		fmt.Fprintf(&b, "    now: %s\n", t.Now.UTC().Format(time.RFC3339Nano))
		if len(t.Rows) > 0 {
			b.WriteString("    rows:\n")
			for _, tr := range t.Rows {
				if len(tr.Rows) == 0 {
					fmt.Fprintf(&b, "      %s: []\n", flowKey(tr.Table))
					continue
				}
				fmt.Fprintf(&b, "      %s:\n", flowKey(tr.Table))
				for _, r := range tr.Rows {
					b.WriteString("        - " + flowRow(r) + "\n")
				}
			}
		}
		if len(t.Data) > 0 {
			b.WriteString("    data: [")
			for i, d := range t.Data {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString(quoteYAML(d))
			}
			b.WriteString("]\n")
		}
		if t.None {
			b.WriteString("    expect: none\n")
			continue
		}
		b.WriteString("    expect:\n")
		for _, r := range t.Expect {
			b.WriteString("      - " + flowRow(r) + "\n")
		}
	}
	return b.Bytes()
}

// flowRow writes a row as a YAML flow mapping.
func flowRow(r Row) string {
	var b strings.Builder
	b.WriteString("{")
	for i, f := range r {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(flowKey(f.Column) + ": " + flowValue(f.Value))
	}
	b.WriteString("}")
	return b.String()
}

// flowKey writes a column name, quoted unless it is a plain identifier.
func flowKey(k string) string {
	for i, r := range k {
		if r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9' {
			continue
		}
		return quoteYAML(k)
	}
	if k == "" || strings.EqualFold(k, "null") || strings.EqualFold(k, "true") || strings.EqualFold(k, "false") {
		return quoteYAML(k)
	}
	return k
}

func flowValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return quoteYAML(x)
	case int64:
		return fmt.Sprint(x)
	case int:
		return fmt.Sprint(x)
	case float64:
		return fmt.Sprint(x)
	case bool:
		return fmt.Sprint(x)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = flowValue(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case []int64:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = fmt.Sprint(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return quoteYAML(fmt.Sprint(v))
}

// quoteYAML double-quotes a string for YAML (the escapes YAML and Go share).
func quoteYAML(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		case '\r':
			b.WriteString(`\r`)
		default:
			if r < 0x20 {
				fmt.Fprintf(&b, `\x%02x`, r)
				continue
			}
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// sortedInts returns the int64 values of a list, sorted.
func sortedInts(l []any) ([]int64, bool) {
	out := make([]int64, 0, len(l))
	for _, v := range l {
		switch x := v.(type) {
		case int64:
			out = append(out, x)
		case float64:
			out = append(out, int64(x))
		default:
			return nil, false
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out, true
}
