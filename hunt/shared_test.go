package hunt_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rmmhunt/rmmhunt/engine"
	"github.com/rmmhunt/rmmhunt/gen"
	"github.com/rmmhunt/rmmhunt/hunt"
	"github.com/rmmhunt/rmmhunt/ingest"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/pack/builtin"
	"github.com/rmmhunt/rmmhunt/rules"
	"github.com/rmmhunt/rmmhunt/table"
)

// sameResult fails the test when two hunt results differ in any rule's
// findings (schema, rows and order) or errors.
func sameResult(t *testing.T, what string, a, b *hunt.Result) {
	t.Helper()
	if len(a.Rules) != len(b.Rules) {
		t.Fatalf("%s: %d rule results vs %d", what, len(a.Rules), len(b.Rules))
	}
	for i := range a.Rules {
		ra, rb := a.Rules[i], b.Rules[i]
		if (ra.Err == nil) != (rb.Err == nil) {
			t.Errorf("%s: %s: error %v vs %v", what, ra.Rule.Name, ra.Err, rb.Err)
			continue
		}
		if got, want := dump(ra.Findings), dump(rb.Findings); got != want {
			t.Errorf("%s: %s: shared scan gives\n%s\nper-rule scan gives\n%s", what, ra.Rule.Name, got, want)
		}
	}
}

func dump(fs []hunt.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		for i, c := range f.Schema {
			fmt.Fprintf(&b, "%s:%s=%s ", c.Name, c.Type, f.Row[i].String())
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func parseRules(t *testing.T, queries map[string]string) []*rules.Rule {
	t.Helper()
	var out []*rules.Rule
	i := 0
	for name, q := range queries {
		i++
		src := fmt.Sprintf("id: 00000000-0000-4000-8000-%012d\nname: %s\nquery: |\n", i, name)
		for _, l := range strings.Split(strings.TrimSpace(q), "\n") {
			src += "  " + l + "\n"
		}
		r, l := rules.Parse(name+".yaml", []byte(src))
		if l.HasErrors() {
			t.Fatalf("%s: %s", name, l.Format())
		}
		out = append(out, r)
	}
	return out
}

// TestSharedScanShapes runs queries of many shapes, alone and mixed with
// the pack, with and without shared scans: the findings must not differ.
func TestSharedScanShapes(t *testing.T) {
	dir := t.TempDir()
	truth, err := gen.Generate(gen.Options{Devices: 40, Days: 8, Seed: 99, OutDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	res, err := ingest.Load([]string{dir}, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	src := engine.NewMemSource(res.Tables)
	now := types.TimeFromTicks(int64(truth.ReferenceTime))
	queries := map[string]string{
		"plain":          `DeviceFileCertificateInfo | where Timestamp > ago(5d) | where Signer has 'NinjaRMM' or Signer has_any ('AmidaWare', 'Tactical Techs') | summarize count() by DeviceId`,
		"two-filters-or": `DeviceProcessEvents | where Timestamp between (ago(5d)..now()) | where (ProcessVersionInfoCompanyName has 'AnyDesk' and ProcessVersionInfoProductName has 'AnyDesk') or FileName =~ 'TEAMVIEWER.EXE' | project DeviceName, FileName, Timestamp | sort by Timestamp asc`,
		"no-filter":      `DeviceNetworkEvents | summarize count() by RemoteUrl | top 5 by count_`,
		"time-only":      `DeviceNetworkEvents | where Timestamp > ago(1d) | summarize Rows=count()`,
		"other-window":   `DeviceNetworkEvents | where Timestamp > ago(2d) | where RemoteUrl has 'teamviewer.com' | summarize make_set(ReportId) by DeviceId`,
		"unfiltered-let": `let all = DeviceProcessEvents; all | where FileName =~ 'AnyDesk.exe' | join kind=inner (all | where FileName =~ 'explorer.exe' | distinct DeviceId) on DeviceId | count`,
		"let-set":        `let s = DeviceFileCertificateInfo | where Signer has 'AnyDesk Software' | distinct SHA1; DeviceProcessEvents | where Timestamp > ago(5d) | where SHA1 in (s) | summarize count() by DeviceId`,
		"take":           `DeviceProcessEvents | where Timestamp > ago(5d) | where ProcessVersionInfoCompanyName has_any ('NinjaRMM', 'Ninja MSP') | take 3`,
		"startswith":     `DeviceProcessEvents | where FileName startswith 'Ninja' and isnotempty(AccountUpn) | summarize count() by FileName`,
		"union":          `union DeviceNetworkEvents, DeviceProcessEvents | where Timestamp > ago(1h) | count`,
		"datatable-has":  `let d = datatable(U:string)['anydesk.com', 'splashtop.com']; DeviceNetworkEvents | where Timestamp > ago(5d) | where RemoteUrl has_any ((d | distinct U)) | summarize count() by DeviceId, RemoteUrl`,
		"negation":       `DeviceFileCertificateInfo | where Timestamp > ago(5d) | where not(Signer has 'Microsoft') and Signer !has 'Google' | summarize dcount(Signer)`,
		"bad-regex":      `DeviceNetworkEvents | where RemoteUrl matches regex '(' | count`,
	}
	own := parseRules(t, queries)
	sameResult(t, "own rules", hunt.Run(context.Background(), own, src, now), hunt.RunEach(context.Background(), own, src, now))
	pk, _, err := builtin.Rules()
	if err != nil {
		t.Fatal(err)
	}
	all := append(append([]*rules.Rule{}, own...), pk...)
	sameResult(t, "with the pack", hunt.Run(context.Background(), all, src, now), hunt.RunEach(context.Background(), all, src, now))
}

// TestSharedScanFleets compares shared and per-rule scans over generated
// fleets, with the pack and the example rules.
func TestSharedScanFleets(t *testing.T) {
	if testing.Short() {
		t.Skip("generates fleets")
	}
	pk, _, err := builtin.Rules()
	if err != nil {
		t.Fatal(err)
	}
	ex, diags, err := rules.Load("../examples/rules")
	if err != nil || diags.HasErrors() {
		t.Fatal(err, diags.Err())
	}
	rs := append(append([]*rules.Rule{}, pk...), ex...)
	for _, seed := range []int64{3, 11} {
		dir := t.TempDir()
		truth, err := gen.Generate(gen.Options{Devices: 80, Days: 7, Seed: seed, OutDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		res, err := ingest.Load([]string{dir}, ingest.Options{})
		if err != nil {
			t.Fatal(err)
		}
		src := engine.NewMemSource(res.Tables)
		now := types.TimeFromTicks(int64(truth.ReferenceTime))
		sameResult(t, fmt.Sprintf("seed %d", seed), hunt.Run(context.Background(), rs, src, now), hunt.RunEach(context.Background(), rs, src, now))
	}
}

// countingSource counts the scans of each table.
type countingSource struct {
	*engine.MemSource
	scans map[string]int
}

func (c *countingSource) Scan(ctx context.Context, req engine.ScanRequest) (engine.BatchIterator, error) {
	c.scans[req.Table]++
	return c.MemSource.Scan(ctx, req)
}

// TestSharedScanScansOnce checks that the pack reads each of its tables
// once.
func TestSharedScanScansOnce(t *testing.T) {
	tables, now, pk := packFleet(t, gen.Options{Devices: 10, Days: 6, Seed: 5})
	src := &countingSource{MemSource: engine.NewMemSource(tables), scans: map[string]int{}}
	out := hunt.Run(context.Background(), pk, src, now)
	if f := out.Failed(); len(f) > 0 {
		t.Fatal(f[0].Err)
	}
	for _, tb := range []string{"DeviceFileCertificateInfo", "DeviceProcessEvents", "DeviceNetworkEvents"} {
		if src.scans[tb] != 1 {
			t.Errorf("%s scanned %d times by %d rules, want once", tb, src.scans[tb], len(pk))
		}
	}
}

// BenchmarkPack measures the pack over a generated fleet with shared scans
// (Run) and with one scan per rule (RunEach).
func BenchmarkPack(b *testing.B) {
	tables, now, pk := packFleet(b, gen.Options{Devices: 300, Days: 10, Seed: 1})
	src := engine.NewMemSource(tables)
	rows := 0
	for _, tb := range tables {
		rows += tb.Rows()
	}
	b.Logf("%d rules over %d rows", len(pk), rows)
	for _, c := range []struct {
		name string
		run  func(context.Context, []*rules.Rule, hunt.Source, time.Time) *hunt.Result
	}{{"shared", hunt.Run}, {"each", hunt.RunEach}} {
		b.Run(c.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				c.run(context.Background(), pk, src, now)
			}
		})
	}
}

// packFleet generates a fleet with opts (into a temporary folder), loads
// it, and returns its tables, its reference time and the built-in pack.
func packFleet(tb testing.TB, opts gen.Options) (map[string]*table.Table, time.Time, []*rules.Rule) {
	tb.Helper()
	opts.OutDir = tb.TempDir()
	truth, err := gen.Generate(opts)
	if err != nil {
		tb.Fatal(err)
	}
	res, err := ingest.Load([]string{opts.OutDir}, ingest.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	pk, _, err := builtin.Rules()
	if err != nil {
		tb.Fatal(err)
	}
	return res.Tables, types.TimeFromTicks(int64(truth.ReferenceTime)), pk
}
