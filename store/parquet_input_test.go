package store_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rmmhunt/rmmhunt/ingest"
	"github.com/rmmhunt/rmmhunt/store"
)

// TestStoreFilesAsInput reads the Parquet files of one store as input,
// with Load and into a second store: every value comes back exactly,
// datetimes to the 100 ns tick.
func TestStoreFilesAsInput(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a")
	a, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	res, err := a.Ingest([]string{"../examples/data"}, store.IngestOptions{FileRows: 2000, GroupRows: 500, MaxRejects: -1})
	if err != nil {
		t.Fatal(err)
	}
	var tableDirs []string
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() && !strings.HasPrefix(e.Name(), "_") && !strings.HasPrefix(e.Name(), ".") {
			tableDirs = append(tableDirs, filepath.Join(dir, e.Name()))
		}
	}
	if len(tableDirs) == 0 {
		t.Fatal("no table folders in the store")
	}
	raw, err := ingest.Load([]string{"../examples/data"}, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	back, err := ingest.Load(tableDirs, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if int64(back.Stored) != res.Stored || back.Rejected != 0 {
		t.Fatalf("read back %d rows (%d rejected), stored %d: %v", back.Stored, back.Rejected, res.Stored, back.Rejects)
	}
	for _, f := range back.Files {
		if f.Format != ingest.FormatParquet {
			t.Errorf("%s read as %s", f.Path, f.Format)
		}
	}
	for name, tb := range raw.Tables {
		got, want := rowsOf(back.Tables[name]), rowsOf(tb)
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s: %d rows read back differ from %d rows of the source", name, len(got), len(want))
			for i := range min(2, len(got), len(want)) {
				if got[i] != want[i] {
					t.Errorf("  got  %s\n  want %s", got[i], want[i])
				}
			}
		}
	}
	// Into a second store.
	_, res2 := ingestInto(t, store.IngestOptions{}, tableDirs...)
	if res2.Stored != res.Stored || res2.Rejected != 0 {
		t.Fatalf("second store: %+v", res2)
	}
}
