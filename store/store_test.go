package store_test

import (
	"context"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/rmmhunt/rmmhunt/engine"
	"github.com/rmmhunt/rmmhunt/hunt"
	"github.com/rmmhunt/rmmhunt/ingest"
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
	q, err := query.CompileString("q", text, src.Catalog())
	if err != nil {
		t.Fatalf("%s: %v", text, err)
	}
	tb, err := q.Run(context.Background(), src, now)
	if err != nil {
		t.Fatalf("%s: %v", text, err)
	}
	return rowsOf(tb)
}

// nowOf is the newest Timestamp of a store.
func nowOf(s *store.Store) time.Time {
	t, _ := s.LatestTime()
	return t
}
