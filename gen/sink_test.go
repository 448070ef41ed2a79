package gen_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/rmmhunt/rmmhunt/engine"
	"github.com/rmmhunt/rmmhunt/gen"
	"github.com/rmmhunt/rmmhunt/store"
	"github.com/rmmhunt/rmmhunt/table"
)

// TestSinkMatchesIngest checks that generating straight into a store
// gives the rows that writing the JSON files and ingesting them gives.
func TestSinkMatchesIngest(t *testing.T) {
	dir := t.TempDir()
	opts := gen.Options{Devices: 30, Days: 7, Seed: 5, RowsPerDeviceDay: 20, OutDir: dir + "/json",
		CertRowsPerDeviceDay: 9}
	truthA, err := gen.Generate(opts)
	if err != nil {
		t.Fatal(err)
	}
	a, err := store.Open(dir + "/a")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Ingest([]string{dir + "/json/" + gen.FileName(gen.TableCertificates, false),
		dir + "/json/" + gen.FileName(gen.TableProcesses, false),
		dir + "/json/" + gen.FileName(gen.TableNetwork, false)}, store.IngestOptions{MaxRejects: 0}); err != nil {
		t.Fatal(err)
	}
	b, err := store.Open(dir + "/b")
	if err != nil {
		t.Fatal(err)
	}
	w, err := b.NewWriter(store.IngestOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	opts.OutDir, opts.Sink = "", w
	truthB, err := gen.Generate(opts)
	if err != nil {
		t.Fatal(err)
	}
	res, err := w.Commit()
	if err != nil {
		t.Fatal(err)
	}
	if len(truthA.Installs) != len(truthB.Installs) || len(truthA.Decoys) != len(truthB.Decoys) {
		t.Fatalf("truth differs: %d/%d installs, %d/%d decoys", len(truthA.Installs), len(truthB.Installs), len(truthA.Decoys), len(truthB.Decoys))
	}
	var total int64
	for _, name := range []string{gen.TableCertificates, gen.TableProcesses, gen.TableNetwork} {
		sa, sb := a.TableSchema(name), b.TableSchema(name)
		if sa.String() != sb.String() {
			t.Fatalf("%s: schema\n%s\nwant\n%s", name, sb, sa)
		}
		ra, rb := rows(t, a, name, sa), rows(t, b, name, sa)
		if len(ra) != len(rb) {
			t.Fatalf("%s: %d rows, want %d", name, len(rb), len(ra))
		}
		for i := range ra {
			if ra[i] != rb[i] {
				t.Fatalf("%s row %d:\n%s\nwant\n%s", name, i, rb[i], ra[i])
			}
		}
		total += int64(len(ra))
	}
	if res.Stored != total {
		t.Fatalf("writer stored %d rows, the tables hold %d", res.Stored, total)
	}
}

func rows(t *testing.T, s *store.Store, name string, sch table.Schema) []string {
	t.Helper()
	it, err := s.Scan(context.Background(), engine.ScanRequest{Table: name, Columns: sch})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for {
		b, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		if b == nil {
			return out
		}
		for i := 0; i < b.N; i++ {
			out = append(out, fmt.Sprint(b.Row(i)))
		}
	}
}
