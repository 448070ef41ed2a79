package rules

import (
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rmmhunt/rmmhunt/kql/diag"
	"github.com/rmmhunt/rmmhunt/kql/token"
)

var update = flag.Bool("update", false, "rewrite the testdata/*.golden files")

func parseFile(t *testing.T, path string) (*Rule, *diag.List) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return Parse(filepath.ToSlash(path), data)
}

// count returns the number of errors and warnings of l.
func count(l *diag.List) (errs, warns int) {
	for _, d := range l.Items {
		switch d.Severity {
		case diag.Error:
			errs++
		case diag.Warning:
			warns++
		}
	}
	return
}

func TestFixtures(t *testing.T) {
	tests := []struct {
		file        string
		errs, warns int
		lines       []int // lines of the diagnostics, in order
		check       func(t *testing.T, r *Rule)
	}{
		{file: "valid.yaml", check: func(t *testing.T, r *Rule) {
			want := &Rule{
				ID: "0b0c6a52-3f3e-4c8e-9d0a-6f2b7c1e5a10", Name: "Fixture - valid scheduled rule",
				Description: "A rule with every modelled field set.\n", Severity: "Medium",
				QueryFrequency: "1h", QueryPeriod: "14d", TriggerOperator: "gt",
				Version: "1.0.0", Kind: "Scheduled",
			}
			if r.ID != want.ID || r.Name != want.Name || r.Description != want.Description ||
				r.Severity != want.Severity || r.QueryFrequency != want.QueryFrequency ||
				r.QueryPeriod != want.QueryPeriod || r.TriggerOperator != want.TriggerOperator ||
				r.Version != want.Version || r.Kind != want.Kind {
				t.Errorf("scalar fields = %+v", r)
			}
			if r.TriggerThreshold == nil || *r.TriggerThreshold != 0 {
				t.Errorf("TriggerThreshold = %v, want 0", r.TriggerThreshold)
			}
			if got := r.DataTypes(); !slices.Equal(got, []string{"DeviceProcessEvents", "DeviceNetworkEvents"}) {
				t.Errorf("DataTypes = %q", got)
			}
			if r.RequiredDataConnectors[0].ConnectorID != "MicrosoftThreatProtection" {
				t.Errorf("connectors = %+v", r.RequiredDataConnectors)
			}
			if !slices.Equal(r.Tags, []string{"Example", "Schema: ASimProcessEvent, SchemaVersion: 0.1.4"}) {
				t.Errorf("Tags = %q", r.Tags)
			}
			if r.EntityMappings == nil || r.EntityMappings.Line != 26 {
				t.Errorf("EntityMappings = %v", r.EntityMappings)
			}
			if r.Extra["customDetails"] == nil {
				t.Errorf("Extra = %v, want customDetails", r.Extra)
			}
			if !strings.HasPrefix(r.Query, "DeviceProcessEvents\n| where") || !strings.HasSuffix(r.Query, "DeviceName\n") {
				t.Errorf("Query = %q", r.Query)
			}
			if r.QueryLine != 22 || r.QueryCol != 3 || !r.QueryPosExact {
				t.Errorf("query at %d:%d exact=%v, want 22:3 exact", r.QueryLine, r.QueryCol, r.QueryPosExact)
			}
		}},
		{file: "crlf_quirk.yaml", warns: 1, lines: []int{7}, check: func(t *testing.T, r *Rule) {
			if got := r.DataTypes(); !slices.Equal(got, []string{"DeviceProcessEvents"}) {
				t.Errorf("DataTypes = %q", got)
			}
			if strings.Contains(r.Query, "\r") || strings.Contains(r.Description, "\r") {
				t.Errorf("carriage return left in %q / %q", r.Query, r.Description)
			}
		}},
		{file: "quirk_entry_outdented.yaml", warns: 2, lines: []int{8, 9}, check: func(t *testing.T, r *Rule) {
			if len(r.RequiredDataConnectors) != 1 {
				t.Fatalf("connectors = %+v, want one", r.RequiredDataConnectors)
			}
			if got := r.DataTypes(); !slices.Equal(got, []string{"DeviceProcessEvents", "DeviceFileCertificateInfo"}) {
				t.Errorf("DataTypes = %q", got)
			}
		}},
		{file: "quirk_deeper.yaml", warns: 1, lines: []int{7}},
		{file: "quirk_shallower.yaml", warns: 1, lines: []int{7}},
		{file: "quirk_tab.yaml", warns: 2, lines: []int{7, 8}},
		{file: "quirk_toplevel.yaml", warns: 2, lines: []int{7, 8}, check: func(t *testing.T, r *Rule) {
			if r.Extra["dataTypes"] != nil {
				t.Error("dataTypes read as a top-level key")
			}
			if got := r.DataTypes(); !slices.Equal(got, []string{"DeviceProcessEvents"}) {
				t.Errorf("DataTypes = %q", got)
			}
		}},
		{file: "tabs_query.yaml", warns: 1, lines: []int{12}, check: func(t *testing.T, r *Rule) {
			if !strings.HasPrefix(r.Query, "DeviceProcessEvents\n| where") {
				t.Errorf("Query = %q", r.Query)
			}
			if r.QueryLine != 12 || r.QueryCol != 2 {
				t.Errorf("query at %d:%d, want 12:2", r.QueryLine, r.QueryCol)
			}
		}},
		{file: "tab_mixed_query.yaml", warns: 1, lines: []int{13}},
		{file: "tactics_scalar.yaml", check: func(t *testing.T, r *Rule) {
			if !slices.Equal(r.Tactics, []string{"CommandAndControl", "Persistence"}) {
				t.Errorf("Tactics = %q", r.Tactics)
			}
			if !slices.Equal(r.RelevantTechniques, []string{"T1219", "T1105"}) {
				t.Errorf("RelevantTechniques = %q", r.RelevantTechniques)
			}
		}},
		{file: "tactics_list_bad.yaml", warns: 4, lines: []int{10, 11, 14, 15}, check: func(t *testing.T, r *Rule) {
			if !slices.Equal(r.Tactics, []string{"Command and Control", "Lateral"}) {
				t.Errorf("Tactics = %q", r.Tactics)
			}
		}},
		{file: "missing_query.yaml", errs: 1, lines: []int{1}},
		{file: "empty_query.yaml", errs: 1, lines: []int{7}},
		{file: "missing_id_name.yaml", errs: 2, lines: []int{1, 1}},
		{file: "bad_yaml.yaml", errs: 1, lines: []int{11}},
		{file: "bad_yaml_nested.yaml", errs: 1, lines: []int{9}},
		{file: "bad_yaml_flow.yaml", errs: 1, lines: []int{5}},
		{file: "unknown_key.yaml", warns: 2, lines: []int{11, 12}},
		{file: "not_uuid.yaml", warns: 1, lines: []int{1}},
		{file: "empty.yaml", errs: 1, lines: []int{1}},
		{file: "list_root.yaml", errs: 1, lines: []int{1}},
		{file: "flow_connectors.yaml", check: func(t *testing.T, r *Rule) {
			if got := r.DataTypes(); !slices.Equal(got, []string{"DeviceNetworkEvents"}) {
				t.Errorf("DataTypes = %q", got)
			}
			if r.QueryLine != 7 || r.QueryCol != 9 || !r.QueryPosExact {
				t.Errorf("query at %d:%d exact=%v, want 7:9 exact", r.QueryLine, r.QueryCol, r.QueryPosExact)
			}
		}},
		{file: "duplicate_key.yaml", errs: 1, lines: []int{11}, check: func(t *testing.T, r *Rule) {
			if r.Name != "Fixture - duplicate key" {
				t.Errorf("Name = %q, want the first one", r.Name)
			}
		}},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		seen[tt.file] = true
		t.Run(tt.file, func(t *testing.T) {
			r, l := parseFile(t, filepath.Join("testdata", tt.file))
			errs, warns := count(l)
			if errs != tt.errs || warns != tt.warns {
				t.Errorf("%d errors, %d warnings; want %d, %d\n%s", errs, warns, tt.errs, tt.warns, l.Format())
			}
			var lines []int
			for _, d := range l.Items {
				lines = append(lines, l.Position(d).Line)
			}
			if !slices.Equal(lines, tt.lines) {
				t.Errorf("diagnostic lines %v, want %v\n%s", lines, tt.lines, l.Format())
			}
			if tt.check != nil {
				if r == nil {
					t.Fatalf("no rule\n%s", l.Format())
				}
				tt.check(t, r)
			}
		})
	}
	files, _ := filepath.Glob("testdata/*.yaml")
	for _, f := range files {
		if !seen[filepath.Base(f)] {
			t.Errorf("fixture %s has no test case", f)
		}
	}
}

// TestGolden compares the printed diagnostics of every fixture with
// testdata/<fixture>.golden (go test -update rewrites them).
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.yaml")
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			_, l := parseFile(t, f)
			got := l.Format()
			golden := strings.TrimSuffix(f, ".yaml") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if got != string(want) {
				t.Errorf("diagnostics differ from %s\n--- got\n%s--- want\n%s", golden, got, want)
			}
		})
	}
}

// TestQueryFile checks that KQL offsets map onto YAML lines and columns.
func TestQueryFile(t *testing.T) {
	tests := []struct {
		file      string
		find      string // text in the query; its first byte is mapped
		nth       int    // which occurrence (0-based)
		line, col int
		exactFile bool // QueryFile's single shift is exact for this line
	}{
		{"../examples/rules/tacticalrmm_filesig.yaml", "DeviceFileCertificateInfo", 0, 16, 3, true},
		{"../examples/rules/tacticalrmm_filesig.yaml", "'Tactical Techs'", 0, 20, 3, true},
		{"../examples/rules/tacticalrmm_filesig.yaml", "ReportId", 0, 23, 19, true},
		{"testdata/crlf_quirk.yaml", "ProcessVersionInfoCompanyName", 0, 13, 11, true},
		{"testdata/valid.yaml", "summarize", 0, 24, 5, true},
		{"testdata/flow_connectors.yaml", "RemoteUrl", 0, 7, 37, true},
		{"testdata/tabs_query.yaml", "DeviceProcessEvents", 0, 12, 2, true},
		{"testdata/tabs_query.yaml", "and FileName", 0, 14, 3, false},
		{"testdata/tab_mixed_query.yaml", "| where", 0, 13, 2, false},
		{"testdata/tab_mixed_query.yaml", "take", 0, 14, 5, true},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.file)+"/"+tt.find, func(t *testing.T) {
			r, l := parseFile(t, tt.file)
			if r == nil {
				t.Fatalf("no rule\n%s", l.Format())
			}
			off := -1
			for i, rest := 0, r.Query; i <= tt.nth; i++ {
				j := strings.Index(rest, tt.find)
				if j < 0 {
					t.Fatalf("%q not in query %q", tt.find, r.Query)
				}
				off += j + 1
				rest = rest[j+1:]
			}
			want := token.Position{Filename: filepath.ToSlash(tt.file), Offset: off, Line: tt.line, Column: tt.col}
			if got := r.QueryPosition(token.Pos(off)); got != want {
				t.Errorf("QueryPosition = %v, want %v", got, want)
			}
			got := r.QueryFile().Position(token.Pos(off))
			if (got == want) != tt.exactFile {
				t.Errorf("QueryFile().Position = %v, want %v (exact %v)", got, want, tt.exactFile)
			}
			// The YAML line at that position shows the text found.
			src, err := os.ReadFile(tt.file)
			if err != nil {
				t.Fatal(err)
			}
			line := strings.Split(strings.ReplaceAll(string(src), "\r\n", "\n"), "\n")[tt.line-1]
			if rs := []rune(line); tt.col-1 > len(rs) || !strings.HasPrefix(string(rs[tt.col-1:]), strings.Fields(tt.find)[0]) {
				t.Errorf("line %d is %q; %q not at column %d", tt.line, line, tt.find, tt.col)
			}
		})
	}
}

// TestQueryFileDiagnostic formats a diagnostic against QueryFile the way the
// KQL front end does and checks that it names the YAML line and column.
func TestQueryFileDiagnostic(t *testing.T) {
	r, _ := parseFile(t, "testdata/crlf_quirk.yaml")
	f := r.QueryFile()
	off := strings.Index(r.Query, "'Example'")
	l := &diag.List{File: f}
	l.Errorf(token.Span{Start: token.Pos(off), End: token.Pos(off + len("'Example'"))}, "example message")
	want := "testdata/crlf_quirk.yaml:13:45: error: example message\n" +
		"    | where ProcessVersionInfoCompanyName has 'Example'\n" +
		"                                              ^~~~~~~~~\n"
	if got := l.Format(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestLoadExamples(t *testing.T) {
	rules, ds, err := Load("../examples/rules")
	if err != nil {
		t.Fatal(err)
	}
	if ds.HasErrors() {
		t.Fatalf("errors:\n%s", ds.Format())
	}
	if len(rules) != 5 {
		t.Fatalf("%d rules, want 5", len(rules))
	}
	ids := map[string]bool{}
	repaired := 0
	for _, r := range rules {
		if ids[r.ID] {
			t.Errorf("duplicate id %s", r.ID)
		}
		ids[r.ID] = true
		if !IsUUID(r.ID) {
			t.Errorf("%s: id %q", r.Path, r.ID)
		}
		if !slices.Equal(r.Tactics, []string{"CommandAndControl"}) || !slices.Equal(r.RelevantTechniques, []string{"T1219"}) {
			t.Errorf("%s: tactics %q techniques %q", r.Path, r.Tactics, r.RelevantTechniques)
		}
		if len(r.DataTypes()) != 1 || !r.QueryPosExact {
			t.Errorf("%s: data types %q, exact %v", r.Path, r.DataTypes(), r.QueryPosExact)
		}
		if l := ds.For(r.Path); l != nil {
			repaired++
			for _, d := range l.Items {
				if !strings.HasSuffix(d.Msg, "(repaired)") {
					t.Errorf("%s: unexpected %s", l.Position(d), d.Msg)
				}
			}
		}
	}
	if repaired != 1 {
		t.Errorf("%d example files with repairs, want 1 (the CRLF one)\n%s", repaired, ds.Format())
	}
	for _, id := range []string{"aedd5298-f624-45c9-a8e5-abc78d2cd3ca", "662b8f73-a1f2-48a9-966d-43ffa3555a29"} {
		if !ids[id] {
			t.Errorf("example rule %s missing", id)
		}
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	valid, err := os.ReadFile("testdata/valid.yaml")
	if err != nil {
		t.Fatal(err)
	}
	broken, err := os.ReadFile("testdata/missing_query.yaml")
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, data []byte) {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("b/second.yml", valid) // same id as a/first.yaml
	write("a/first.yaml", valid)
	write("a/broken.YAML", broken)
	write("a/readme.md", []byte("not a rule"))
	write(".hidden/skip.yaml", []byte("not: [valid"))

	rules, ds, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, r := range rules {
		paths = append(paths, filepath.ToSlash(strings.TrimPrefix(r.Path, dir)))
	}
	if !slices.Equal(paths, []string{"/a/first.yaml", "/b/second.yml"}) {
		t.Errorf("rules %q", paths)
	}
	if errs, warns := ds.Count(); errs != 1 || warns != 1 {
		t.Errorf("%d errors, %d warnings; want 1, 1\n%s", errs, warns, ds.Format())
	}
	if l := ds.For(filepath.Join(dir, "b", "second.yml")); l == nil || !strings.Contains(l.Items[0].Msg, "also used by") {
		t.Errorf("no duplicate id warning:\n%s", ds.Format())
	}
	if err := ds.Err(); err == nil || !strings.Contains(err.Error(), "broken.YAML:1:1: rule has no query") {
		t.Errorf("Err() = %v", err)
	}

	// A single file.
	rules, ds, err = Load(filepath.Join(dir, "a", "first.yaml"))
	if err != nil || len(rules) != 1 || len(ds.Lists) != 0 {
		t.Errorf("single file: %d rules, %v, %v", len(rules), ds, err)
	}
	if _, _, err := Load(filepath.Join(dir, "missing")); err == nil {
		t.Error("no error for a missing path")
	}
}

func TestValidateBuiltRule(t *testing.T) {
	n := 2
	r := &Rule{
		Path: "pack/rule", ID: "not-a-uuid", Name: "Built in code",
		Tactics: []string{"commandandcontrol"}, RelevantTechniques: []string{"T1219"},
		Severity: "high", Kind: "Scheduled", QueryFrequency: "1h", QueryPeriod: "1 day",
		TriggerOperator: "gt", TriggerThreshold: &n,
		RequiredDataConnectors: []RequiredDataConnector{{ConnectorID: "MicrosoftThreatProtection"}},
		Query:                  "DeviceProcessEvents | take 1",
	}
	l := Validate(r)
	want := "" +
		"pack/rule: warning: id \"not-a-uuid\" is not a UUID (8-4-4-4-12 hexadecimal digits)\n" +
		"pack/rule: warning: tactic \"commandandcontrol\" is written \"CommandAndControl\" in Sentinel\n" +
		"pack/rule: warning: severity \"high\" is written \"High\" in Sentinel\n" +
		"pack/rule: warning: queryPeriod \"1 day\" is not a duration such as 5m, 1h or 14d\n" +
		"pack/rule: warning: connector MicrosoftThreatProtection lists no dataTypes\n"
	if got := l.Format(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if f := r.QueryFile(); f.LineBase != 0 || f.ColBase != 0 || f.Name != "pack/rule" {
		t.Errorf("QueryFile of a built rule: %+v", f)
	}
}

func TestCanonicalTactic(t *testing.T) {
	for in, want := range map[string]string{
		"CommandAndControl": "CommandAndControl", "command and control": "CommandAndControl",
		"Lateral-Movement": "LateralMovement", "initial_access": "InitialAccess", "Lateral": "",
	} {
		got, ok := CanonicalTactic(in)
		if got != want || ok != (want != "") {
			t.Errorf("CanonicalTactic(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.yaml")
	examples, _ := filepath.Glob("../examples/rules/*.yaml")
	for _, p := range append(files, examples...) {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("requiredDataConnectors:\n\t- connectorId: x\n\tdataTypes:\n- a\nquery: |\n\t\ta\n  \tb\n"))
	f.Add([]byte("query: |2\n\t x\nquery: >\n  a\n\n  b\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, l := Parse("fuzz.yaml", data)
		for _, d := range l.Items {
			if strings.HasPrefix(d.Msg, "internal error") {
				t.Fatalf("%s", d.Msg)
			}
		}
		_ = l.Format()
		if r == nil {
			return
		}
		_ = Validate(r).Format()
		for i := 0; i <= len(r.Query); i++ {
			p := r.QueryPosition(token.Pos(i))
			if p.Line < 1 {
				t.Fatalf("offset %d maps to %v", i, p)
			}
		}
	})
}
