package store_test

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/rmmhunt/rmmhunt/engine"
	"github.com/rmmhunt/rmmhunt/hunt"
	"github.com/rmmhunt/rmmhunt/ingest"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/query"
	"github.com/rmmhunt/rmmhunt/store"
	"github.com/rmmhunt/rmmhunt/table"
)

// ingestInto ingests paths into a new store in a temporary folder.
func ingestInto(t *testing.T, opts store.IngestOptions, paths ...string) (*store.Store, *store.IngestResult) {
	t.Helper()
	s, err := store.Open(filepath.Join(t.TempDir(), "store"))
	if err != nil {
		t.Fatal(err)
	}
	if opts.MaxRejects == 0 {
		opts.MaxRejects = -1
	}
	res, err := s.Ingest(paths, opts)
	if err != nil {
		t.Fatal(err)
	}
	checkCounts(t, res)
	return s, res
}

func checkCounts(t *testing.T, res *store.IngestResult) {
	t.Helper()
	if res.Read != res.Stored+res.Rejected+res.Duplicates {
		t.Fatalf("read %d != stored %d + rejected %d + duplicates %d", res.Read, res.Stored, res.Rejected, res.Duplicates)
	}
}

// rowsOf renders a table's rows as sorted lines.
func rowsOf(tb *table.Table) []string {
	out := rowsInOrder(tb)
	sort.Strings(out)
	return out
}

// TestStoreMatchesMemory ingests the example data and checks that queries
// over the store return exactly what they return over the raw files, and
// that a second ingest of the same files is a no-op.
func TestStoreMatchesMemory(t *testing.T) {
	s, res := ingestInto(t, store.IngestOptions{FileRows: 5000, GroupRows: 1000}, "../examples/data")
	if res.Stored == 0 || res.Duplicates != 0 {
		t.Fatalf("first ingest: %+v", res)
	}
	raw, err := ingest.Load([]string{"../examples/data"}, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if int64(raw.Stored) != res.Stored || int64(raw.Read) != res.Read {
		t.Fatalf("store read %d stored %d, Load read %d stored %d", res.Read, res.Stored, raw.Read, raw.Stored)
	}
	mem := engine.NewMemSource(raw.Tables)
	now, _ := s.LatestTime()
	if memNow, _ := hunt.LatestTime(raw.Tables); !memNow.Equal(now) {
		t.Fatalf("latest %v, want %v", now, memNow)
	}
	for _, q := range []string{
		`DeviceFileCertificateInfo`,
		`DeviceProcessEvents`,
		`DeviceNetworkEvents | where Timestamp > ago(2d)`,
		`DeviceNetworkEvents | where Timestamp between (ago(5d) .. ago(3d)) | summarize count() by RemoteUrl`,
		`DeviceProcessEvents | where TimeGenerated >= ago(1d) | project Timestamp, DeviceName, ProcessCommandLine, AdditionalFields`,
	} {
		want := run(t, q, mem, now)
		got := run(t, q, s, now)
		if len(want) == 0 {
			t.Errorf("%s: no rows", q)
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s: store gives %d rows, memory %d", q, len(got), len(want))
			for i := range min(3, len(got), len(want)) {
				if got[i] != want[i] {
					t.Errorf("  got  %s\n  want %s", got[i], want[i])
				}
			}
		}
	}
	if errs := s.Check(); len(errs) > 0 {
		t.Fatal(errs)
	}
	// The same files again: nothing read, every row a duplicate.
	again, err := s.Ingest([]string{"../examples/data"}, store.IngestOptions{MaxRejects: -1})
	if err != nil {
		t.Fatal(err)
	}
	checkCounts(t, again)
	if again.Duplicates != res.Read || again.Stored != 0 || again.NewFiles != 0 || again.Generation != res.Generation {
		t.Fatalf("re-ingest: %+v", again)
	}
}

// run runs a query and returns its rows, sorted.
func run(t *testing.T, text string, src hunt.Source, now time.Time) []string {
	t.Helper()
	out := runInOrder(t, text, src, now)
	sort.Strings(out)
	return out
}

// nowOf is the newest Timestamp of a store.
func nowOf(s *store.Store) time.Time {
	t, _ := s.LatestTime()
	return t
}

// TestPartitionPruning checks that a time-filtered query opens only the
// files of the days it can match, skips row groups outside the range,
// and returns what the raw data returns.
func TestPartitionPruning(t *testing.T) {
	s, _ := ingestInto(t, store.IngestOptions{GroupRows: 16}, "../examples/data")
	raw, err := ingest.Load([]string{"../examples/data"}, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	mem := engine.NewMemSource(raw.Tables)
	now := nowOf(s) // 2026-11-20T12:00:00Z
	days := 0
	for _, f := range s.Manifest().Files {
		if f.Table == "DeviceNetworkEvents" {
			days++
		}
	}
	for _, tc := range []struct {
		q     string
		files int64 // files opened
	}{
		{`DeviceNetworkEvents | where Timestamp > ago(2d)`, 3},                            // 18th (from 12:00), 19th, 20th
		{`DeviceNetworkEvents | where Timestamp between (datetime(2026-11-15) .. 1d)`, 1}, // the 16th has no row at its first instant
		{`DeviceNetworkEvents | where Timestamp >= datetime(2026-11-15) and Timestamp < datetime(2026-11-16)`, 1},
		{`DeviceNetworkEvents | where TimeGenerated > ago(1d) | summarize count() by DeviceName`, 2},
		{`DeviceNetworkEvents | where Timestamp > now()`, 0}, // now is the newest Timestamp
		{`DeviceNetworkEvents | where Timestamp > datetime(2030-01-01)`, 0},
		{`DeviceNetworkEvents | where RemoteUrl has "anydesk"`, int64(days)},
	} {
		s.ResetScanStats()
		got := run(t, tc.q, s, now)
		want := run(t, tc.q, mem, now)
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s: store gives %d rows, memory %d", tc.q, len(got), len(want))
		}
		st := s.ScanStats()
		if st.FilesOpened != tc.files || st.FilesOpened+st.FilesSkipped != int64(days) {
			t.Errorf("%s: opened %d files, skipped %d; want %d opened of %d", tc.q, st.FilesOpened, st.FilesSkipped, tc.files, days)
		}
		if tc.files == 3 && st.RowGroupsSkipped == 0 {
			t.Errorf("%s: no row group skipped by its statistics (%+v)", tc.q, st)
		}
	}
}

// TestSchemaDrift ingests the public datasets (real Defender rows from
// other projects, when present beside the repository): columns the schema
// does not know are kept and queryable, columns a file lacks read as
// empty, and the store answers as the raw files do.
func TestSchemaDrift(t *testing.T) {
	const dir = "../../shared/datasets"
	if _, err := os.Stat(dir); err != nil {
		t.Skip("no shared datasets")
	}
	procs := filepath.Join(dir, "msticpy-mde-processevents")
	// API rows saved from a union: ReportId_long, AdditionalFields_dynamic...
	events := filepath.Join(dir, "otrf-goldensaml-m365d", "Microsoft365DefenderEvents.json")
	s, res := ingestInto(t, store.IngestOptions{}, procs)
	res2, err := s.Ingest([]string{events}, store.IngestOptions{Table: "DeviceEvents", MaxRejects: -1})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := ingest.Load([]string{procs}, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	raw2, err := ingest.Load([]string{events}, ingest.Options{Table: "DeviceEvents"})
	if err != nil {
		t.Fatal(err)
	}
	raw.Tables["DeviceEvents"] = raw2.Tables["DeviceEvents"]
	if res.Stored != int64(raw.Stored) || res2.Stored != int64(raw2.Stored) || res2.Rejected != int64(raw2.Rejected) {
		t.Fatalf("store %+v %+v, Load stored %d %d", res, res2, raw.Stored, raw2.Stored)
	}
	res.Warnings = append(res.Warnings, res2.Warnings...)
	noted := false
	for _, w := range res.Warnings {
		if strings.Contains(w.Message, "CreatedProcessParentId") {
			noted = true
		}
	}
	if !noted {
		t.Errorf("no note about the unknown column CreatedProcessParentId: %v", res.Warnings)
	}
	mem := engine.NewMemSource(raw.Tables)
	now := nowOf(s)
	for _, q := range []string{
		`DeviceProcessEvents | where isnotnull(CreatedProcessParentId) | summarize count(), dcount(CreatedProcessParentId)`,
		`DeviceProcessEvents | where isempty(ProcessUniqueId) | count`,
		`DeviceProcessEvents | project Timestamp, FileName, ProcessCommandLine, ReportId, AdditionalFields`,
		`DeviceEvents`,
		`DeviceEvents | project Timestamp, ActionType, ReportId_long, AdditionalFields_dynamic`,
	} {
		got, want := run(t, q, s, now), run(t, q, mem, now)
		if len(want) == 0 || strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s: store %d rows, memory %d", q, len(got), len(want))
		}
	}
}

// TestPrune removes whole old days atomically and keeps the rest.
func TestPrune(t *testing.T) {
	s, res := ingestInto(t, store.IngestOptions{}, "../examples/data")
	now := nowOf(s)
	before := s.Stats()
	pr, err := s.Prune(now.Add(-72 * time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	after := s.Stats()
	if pr.Files == 0 || after.Rows+pr.Rows != before.Rows || after.Generation != before.Generation+1 {
		t.Fatalf("prune %+v: before %d rows, after %d", pr, before.Rows, after.Rows)
	}
	for _, f := range s.Manifest().Files {
		if *f.MaxTicks < types.TicksFromTime(now.Add(-72*time.Hour)) {
			t.Errorf("%s kept", f.Path)
		}
	}
	if errs := s.Check(); len(errs) > 0 {
		t.Fatal(errs)
	}
	// Pruned sources are still known: a re-ingest is a no-op.
	again, err := s.Ingest([]string{"../examples/data"}, store.IngestOptions{MaxRejects: -1})
	if err != nil {
		t.Fatal(err)
	}
	if again.Duplicates != res.Read {
		t.Fatalf("re-ingest after prune: %+v", again)
	}
	reopened, err := store.Open(s.Dir())
	if err != nil || reopened.Stats().Rows != after.Rows {
		t.Fatalf("reopened: %v", err)
	}
}

// rowsInOrder renders a table's rows as lines, in the order they come.
func rowsInOrder(tb *table.Table) []string {
	var out []string
	for _, b := range tb.Batches {
		for i := 0; i < b.N; i++ {
			var parts []string
			for _, v := range b.Row(i) {
				parts = append(parts, v.String())
			}
			out = append(out, strings.Join(parts, "|"))
		}
	}
	return out
}

// TestConcurrentScan checks that reading many row groups at once, with
// the late-materialisation filter running on several goroutines, returns
// the rows a one-at-a-time scan returns, in the same order.
func TestConcurrentScan(t *testing.T) {
	s, _ := ingestInto(t, store.IngestOptions{GroupRows: 50}, "../examples/data")
	now := nowOf(s)
	queries := []string{
		`DeviceNetworkEvents | where RemoteUrl has "microsoft"`,
		`DeviceNetworkEvents | where Timestamp > ago(3d) | where RemotePort in (443, 80) | project Timestamp, DeviceName, RemoteUrl`,
		`DeviceNetworkEvents | take 120`,
		`DeviceNetworkEvents | where RemoteUrl has "microsoft" | take 70`,
		`DeviceFileCertificateInfo | where Signer has_any ('AmidaWare', 'Tactical Techs', 'Google') | summarize make_list(ReportId), count() by DeviceId`,
		`DeviceProcessEvents | serialize | extend rn = row_number() | where rn % 7 == 0 | project rn, FileName`,
		`let m = toscalar(DeviceNetworkEvents | summarize max(Timestamp)); DeviceNetworkEvents | where Timestamp > m - 2d and RemoteUrl matches regex "tactical.*io"`,
		`DeviceProcessEvents | where DeviceId in ((DeviceNetworkEvents | where RemoteUrl has "tacticalrmm" | distinct DeviceId)) | project DeviceId, FileName, Timestamp`,
		`DeviceProcessEvents | where FileName =~ "powershell.exe" or ProcessCommandLine contains "remote" | summarize arg_min(Timestamp, *) by DeviceId`,
	}
	seq := map[string][]string{}
	store.SetScanWorkers(s, 1)
	for _, q := range queries {
		seq[q] = runInOrder(t, q, s, now)
		if len(seq[q]) < 2 {
			t.Errorf("%s: no rows", q)
		}
	}
	for _, workers := range []int{2, 8} {
		store.SetScanWorkers(s, workers)
		for round := 0; round < 3; round++ {
			for _, q := range queries {
				got := runInOrder(t, q, s, now)
				if strings.Join(got, "\n") != strings.Join(seq[q], "\n") {
					t.Errorf("%d workers: %s: %d rows differ from the sequential scan's %d", workers, q, len(got), len(seq[q]))
				}
			}
		}
	}
}

func runInOrder(t *testing.T, text string, src hunt.Source, now time.Time) []string {
	t.Helper()
	q, err := query.CompileString("q", text, src.Catalog())
	if err != nil {
		t.Fatalf("%s: %v", text, err)
	}
	tb, err := q.Run(context.Background(), src, now)
	if err != nil {
		t.Fatalf("%s: %v", text, err)
	}
	return rowsInOrder(tb)
}
