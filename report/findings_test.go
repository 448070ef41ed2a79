package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/rmmhunt/rmmhunt/engine"
	"github.com/rmmhunt/rmmhunt/hunt"
	"github.com/rmmhunt/rmmhunt/ingest"
	"github.com/rmmhunt/rmmhunt/report"
	"github.com/rmmhunt/rmmhunt/rules"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// seedOutcome hunts the allowlist fixture of the CLI scripts (a fleet where
// each false-positive scenario of the published rules has a device) with
// the example rules and applies its seed allowlist.
func seedOutcome(t *testing.T) *hunt.Outcome {
	t.Helper()
	ar, err := txtar.ParseFile("../cli/testdata/script/allow_seed.txtar")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	files := map[string][]byte{}
	for _, f := range ar.Files {
		files[f.Name] = f.Data
		if err := os.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	data, err := ingest.Load([]string{filepath.Join(dir, "fleet.jsonl")}, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rs, _, err := rules.Load("../examples/rules")
	if err != nil {
		t.Fatal(err)
	}
	src := engine.NewMemSource(data.Tables)
	res := hunt.Run(context.Background(), rs, src, time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC))
	out, err := hunt.Explain(context.Background(), res, src)
	if err != nil {
		t.Fatal(err)
	}
	a, d := hunt.ParseAllowlist("seed.yaml", files["seed.yaml"])
	if d.HasErrors() {
		t.Fatal(d.Format())
	}
	if _, err := a.Apply(context.Background(), out); err != nil {
		t.Fatal(err)
	}
	return out
}

// golden compares got with the golden file, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./report -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(gl) || i < len(wl); i++ {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Fatalf("%s differs at line %d:\n got: %s\nwant: %s\n(go test ./report -update rewrites it)", path, i+1, g, w)
			}
		}
	}
}

// TestFindingsJSONGolden pins the JSON of every finding of the fixture:
// the existing keys first, then tool, variant, suppressed, suppressed_by
// and context.
func TestFindingsJSONGolden(t *testing.T) {
	out := seedOutcome(t)
	var buf bytes.Buffer
	if err := report.WriteOutcome(&buf, out, report.Options{Format: report.JSON}); err != nil {
		t.Fatal(err)
	}
	golden(t, "findings.golden.jsonl", buf.Bytes())

	wantKeys := []string{"rule_id", "rule_name", "tactics", "techniques", "reference_time", "row",
		"tool", "variant", "suppressed", "suppressed_by", "context"}
	n, supp := 0, 0
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		n++
		dec := json.NewDecoder(strings.NewReader(line))
		dec.UseNumber()
		var obj map[string]any
		if err := dec.Decode(&obj); err != nil {
			t.Fatalf("line %d: %v", n, err)
		}
		if keys := topKeys(t, line); strings.Join(keys, ",") != strings.Join(wantKeys, ",") {
			t.Errorf("line %d keys %v, want %v", n, keys, wantKeys)
		}
		if obj["suppressed"] == true {
			supp++
			if obj["suppressed_by"] == nil {
				t.Errorf("line %d: suppressed without suppressed_by", n)
			}
		} else if obj["suppressed_by"] != nil {
			t.Errorf("line %d: suppressed_by on an active finding", n)
		}
	}
	if n != 21 || supp != 13 {
		t.Errorf("%d findings, %d suppressed; want 21 and 13", n, supp)
	}
}

// topKeys returns the keys of a JSON object in order.
func topKeys(t *testing.T, line string) []string {
	dec := json.NewDecoder(strings.NewReader(line))
	var keys []string
	depth := 0
	expectKey := false
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch v := tok.(type) {
		case json.Delim:
			switch v {
			case '{', '[':
				depth++
				expectKey = depth == 1 && v == '{'
			case '}', ']':
				depth--
				expectKey = depth == 1
			}
			continue
		case string:
			if depth == 1 && expectKey {
				keys = append(keys, v)
				expectKey = false
				continue
			}
		}
		if depth == 1 {
			expectKey = true
		}
	}
	return keys
}

// TestFindingsTableGolden pins the grouped table, suppressed findings
// shown.
func TestFindingsTableGolden(t *testing.T) {
	out := seedOutcome(t)
	var buf bytes.Buffer
	if err := report.WriteOutcome(&buf, out, report.Options{Format: report.Table, ShowSuppressed: true}); err != nil {
		t.Fatal(err)
	}
	golden(t, "findings.golden.txt", buf.Bytes())

	// Without --show-suppressed they are counted, not listed.
	buf.Reset()
	if err := report.WriteOutcome(&buf, out, report.Options{Format: report.Table}); err != nil {
		t.Fatal(err)
	}
	s := buf.String()
	if strings.Contains(s, "SUPPRESSED") || !strings.Contains(s, "13 suppressed findings not shown") ||
		!strings.HasSuffix(s, "5 rules, 21 findings (13 suppressed), reference time 2026-11-20T12:00:00.0000000Z\n") {
		t.Errorf("table without suppressed findings:\n%s", s)
	}
}

// TestFindingsCSV checks the CSV columns.
func TestFindingsCSV(t *testing.T) {
	out := seedOutcome(t)
	var buf bytes.Buffer
	if err := report.WriteOutcome(&buf, out, report.Options{Format: report.CSV}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 22 || !strings.HasPrefix(lines[0], "rule_id,rule_name,reference_time,tool,variant,suppressed,suppressed_by,DeviceId,") {
		t.Fatalf("csv:\n%s", buf.String())
	}
	if !strings.Contains(buf.String(), ",TacticalRMM,File Signature,true,seed.yaml:12:5 TacticalRMM: inventory scan,d-t2,") {
		t.Errorf("csv lacks the suppressed inventory finding:\n%s", buf.String())
	}
}
