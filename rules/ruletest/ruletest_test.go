package ruletest

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rmmhunt/rmmhunt/rules"
)

const ruleYAML = `id: 662b8f73-a1f2-48a9-966d-43ffa3555a29
name: Remote Management and Monitoring tool - NinjaRMM - File Signature
query: |
  DeviceFileCertificateInfo
  | where Timestamp between (ago(5d)..now())
  | where Signer has 'NinjaRMM'
  | summarize FirstSeen=min(Timestamp), LastSeen=max(Timestamp), Report=make_set(ReportId), Count=count() by DeviceId, DeviceName
`

func testRules(t *testing.T) []*rules.Rule {
	r, l := rules.Parse("ninja.yaml", []byte(ruleYAML))
	if l.HasErrors() {
		t.Fatal(l.Format())
	}
	return []*rules.Rule{r}
}

const rows = `
    rows:
      DeviceFileCertificateInfo:
        - {Timestamp: 2026-11-19T09:00:00Z, DeviceId: d1, DeviceName: pc-1, Signer: "NinjaRMM, LLC", ReportId: 11}
        - {Timestamp: 2026-11-19T10:00:00.5Z, DeviceId: d1, DeviceName: pc-1, Signer: "NinjaRMM, LLC", ReportId: 12}
        - {Timestamp: 2026-11-01T10:00:00Z, DeviceId: d1, DeviceName: pc-1, Signer: "NinjaRMM, LLC", ReportId: 9}
        - {Timestamp: 2026-11-19T10:00:00Z, DeviceId: d2, DeviceName: pc-2, Signer: NinjaRMMAgent Ltd, ReportId: 13}
`

func run(t *testing.T, src string) []*Result {
	t.Helper()
	f, err := Parse("t.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return RunFile(context.Background(), f, testRules(t))
}

func TestRunPasses(t *testing.T) {
	res := run(t, `tests:
  - name: by id
    rule: 662b8f73-A1F2-48a9-966d-43ffa3555a29
    now: 2026-11-20T12:00:00Z`+rows+`    expect:
      - {DeviceId: d1, DeviceName: pc-1, Count: 2, FirstSeen: 2026-11-19T09:00:00Z, LastSeen: "2026-11-19T10:00:00.5000000Z", Report: [12, 11]}
  - name: by name, none
    rule: remote management and monitoring tool - ninjarmm - file signature
    now: 2026-12-20T12:00:00Z`+rows+`    expect: none
`)
	for _, r := range res {
		if !r.Pass {
			t.Errorf("%s: %v", r.Test.Name, r.Problems)
		}
	}
	if res[0].Findings != 1 || res[0].Test.Line != 2 {
		t.Errorf("findings %d, line %d", res[0].Findings, res[0].Test.Line)
	}
}

func TestRunFails(t *testing.T) {
	res := run(t, `tests:
  - name: wrong count
    rule: 662b8f73-a1f2-48a9-966d-43ffa3555a29
    now: 2026-11-20T12:00:00Z`+rows+`    expect:
      - {DeviceId: d1, Count: 3}
  - name: expects none
    rule: 662b8f73-a1f2-48a9-966d-43ffa3555a29
    now: 2026-11-20T12:00:00Z`+rows+`    expect: none
  - name: unknown rule
    rule: nope
    now: 2026-11-20T12:00:00Z
    expect: none
  - name: bad row
    rule: 662b8f73-a1f2-48a9-966d-43ffa3555a29
    now: 2026-11-20T12:00:00Z
    rows:
      DeviceFileCertificateInfo:
        - {Timestamp: yesterday, DeviceId: d1, ReportId: 1}
    expect: none
`)
	want := []string{
		"expected finding not found: DeviceId=\"d1\", Count=3\n    closest finding: DeviceId=d1, DeviceName=pc-1",
		"unexpected finding: DeviceId=d1",
		`no rule has the id or name "nope"`,
		"row rejected",
	}
	for i, r := range res {
		if r.Pass || len(r.Problems) == 0 || !strings.Contains(strings.Join(r.Problems, "\n"), want[i]) {
			t.Errorf("%s: pass=%v problems %q, want %q", r.Test.Name, r.Pass, r.Problems, want[i])
		}
	}
}

func TestParseErrors(t *testing.T) {
	for src, want := range map[string]string{
		"rule: x\nnow: 2026-11-20T12:00:00Z\n":                       "expects nothing",
		"rule: x\nexpect: none\n":                                    "no reference time",
		"now: 2026-11-20T12:00:00Z\nexpect: none\n":                  "names no rule",
		"rule: x\nnow: soon\nexpect: none\n":                         `now "soon" is not a datetime`,
		"rule: x\nnow: 2026-11-20T12:00:00Z\nexpect: none\nrow: 1\n": "4: unknown key row",
		"tests: 3\n": "tests must be a list",
		"- a\n":      "a test file is a mapping",
		"rule: [\n":  "t.yaml",
		"rule: x\nnow: 2026-11-20T12:00:00Z\nrows: [1]\nexpect: none\n": "rows maps table names",
	} {
		_, err := Parse("t.yaml", []byte(src))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", src, err, want)
		}
	}
}

func TestDataFilesAndRoundTrip(t *testing.T) {
	dir := t.TempDir()
	data := `{"Timestamp":"2026-11-19T09:00:00Z","DeviceId":"d9","DeviceName":"pc-9","Signer":"NinjaRMM, LLC","ReportId":90}` + "\n"
	if err := os.WriteFile(filepath.Join(dir, "DeviceFileCertificateInfo.json"), []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	src := "name: from a file\nrule: 662b8f73-a1f2-48a9-966d-43ffa3555a29\nnow: 2026-11-20T12:00:00Z\ndata: DeviceFileCertificateInfo.json\nexpect:\n  - {DeviceId: d9, Report: [90], Count: 1}\n"
	if err := os.WriteFile(filepath.Join(dir, "t.yaml"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	files, err := LoadPath(dir)
	if err != nil || len(files) != 1 {
		t.Fatal(files, err)
	}
	for _, r := range RunFile(context.Background(), files[0], testRules(t)) {
		if !r.Pass {
			t.Errorf("%s: %v", r.Test.Name, r.Problems)
		}
	}
	// YAML writes what Parse reads.
	f, err := Parse("t.yaml", []byte("tests:\n  - name: x\n    rule: r\n    now: 2026-11-20T12:00:00Z"+rows+"    expect:\n      - {DeviceId: d1, Report: [1, 2], Count: 2}\n"))
	if err != nil {
		t.Fatal(err)
	}
	again, err := Parse("t.yaml", f.YAML("# header\n"))
	if err != nil {
		t.Fatal(err)
	}
	if string(again.YAML("")) != string(f.YAML("")) {
		t.Errorf("round trip differs:\n%s\n%s", f.YAML(""), again.YAML(""))
	}
}
