package report_test

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rmmhunt/rmmhunt/hunt"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/report"
	"github.com/rmmhunt/rmmhunt/rules"
	"github.com/rmmhunt/rmmhunt/table"
)

// htmlSections are the headings of the report's sections, in order.
var htmlSections = []string{"Summary by tool", "Timelines by device", "Findings", "Suppressed findings", "Rules used"}

// TestHTMLReport checks the page of the allowlist fixture: its sections, a
// plot per device, the suppressed findings with their reasons, and that it
// is self-contained.
func TestHTMLReport(t *testing.T) {
	out := seedOutcome(t)
	var buf bytes.Buffer
	if err := report.WriteOutcome(&buf, out, report.Options{Format: report.HTML}); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	var got []string
	for _, m := range regexp.MustCompile(`<h2>([^<]*)</h2>`).FindAllStringSubmatch(page, -1) {
		got = append(got, m[1])
	}
	if strings.Join(got, "|") != strings.Join(htmlSections, "|") {
		t.Errorf("sections %q, want %q", got, htmlSections)
	}
	if n := strings.Count(page, `<svg class="timeline"`); n != 19 {
		t.Errorf("%d timelines, want one per device (19)", n)
	}
	for _, want := range []string{
		"Reference time <b>2026-11-20T12:00:00.0000000Z</b>",
		"<b>inventory scan</b>", "<b>helpdesk remote support</b>", `<code class="nowrap">seed.yaml:2:5</code>`,
		"<td><b>TacticalRMM</b></td>", "Remote Management and Monitoring tool - NinjaRMM - File Signature",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	checkSelfContained(t, page)
}

// checkSelfContained fails when the page could load or run anything.
func checkSelfContained(t *testing.T, page string) {
	t.Helper()
	for _, bad := range []string{"<script", "<link", "<img", "<iframe", "src=", "@import", "url(", "http://", "https://"} {
		if i := strings.Index(page, bad); i >= 0 {
			t.Errorf("the page is not self-contained: %q at %q", bad, page[max(0, i-40):min(len(page), i+40)])
		}
	}
}

// TestHTMLEscapes feeds markup through every kind of value the page shows.
func TestHTMLEscapes(t *testing.T) {
	evil := `<script>alert(1)</script>"'&`
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	s := table.Schema{{Name: "DeviceId", Type: types.String}, {Name: "DeviceName", Type: types.String}, {Name: "Extra", Type: types.String}}
	row := []types.Value{types.NewString(evil), types.NewString(evil), types.NewString(evil)}
	res := &hunt.Result{ReferenceTime: now}
	for _, r := range []*rules.Rule{
		{ID: evil, Name: "Remote Management and Monitoring tool - AnyDesk - Create Process", Path: evil},
		{ID: evil, Name: evil, Path: evil},
	} {
		res.Rules = append(res.Rules, &hunt.RuleResult{Rule: r, Findings: []hunt.Finding{{Rule: r, ReferenceTime: now, Schema: s, Row: row}}})
	}
	out, err := hunt.Explain(context.Background(), res, nil)
	if err != nil {
		t.Fatal(err)
	}
	a, d := hunt.ParseAllowlist(evil+".yaml", []byte("allow:\n  - tool: AnyDesk\n    reason: '"+strings.ReplaceAll(evil, "'", "''")+"'\n    owner: o\n"))
	if d.HasErrors() {
		t.Fatal(d.Format())
	}
	if _, err := a.Apply(context.Background(), out); err != nil {
		t.Fatal(err)
	}
	if out.Suppressed() != 1 {
		t.Fatalf("suppressed %d", out.Suppressed())
	}
	var buf bytes.Buffer
	if err := report.WriteOutcome(&buf, out, report.Options{Format: report.HTML}); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	if strings.Contains(page, "<script>") || strings.Contains(page, `"'&`) {
		t.Errorf("unescaped markup in the page")
	}
	if !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("the escaped value is missing")
	}
}

// TestHTMLEmpty renders a hunt without findings.
func TestHTMLEmpty(t *testing.T) {
	out, err := hunt.Explain(context.Background(), &hunt.Result{ReferenceTime: time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := report.WriteOutcome(&buf, out, report.Options{Format: report.HTML}); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(buf.String(), "No findings."); n != 2 {
		t.Errorf("%d 'No findings.' notes, want 2:\n%s", n, buf.String())
	}
	checkSelfContained(t, buf.String())
}
