package ingest

import (
	"strings"
	"testing"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

// checkInvariants asserts what must hold for every result: counts add up
// per file and in total, every reject is listed, every table's batches
// share its schema and have columns of the batch's length.
func checkInvariants(t testing.TB, res *Result) {
	t.Helper()
	if res.Read != res.Stored+res.Rejected {
		t.Fatalf("Read %d != Stored %d + Rejected %d", res.Read, res.Stored, res.Rejected)
	}
	var read, stored, rejected int
	for _, f := range res.Files {
		if f.Read != f.Stored+f.Rejected {
			t.Fatalf("%s: Read %d != Stored %d + Rejected %d", f.Path, f.Read, f.Stored, f.Rejected)
		}
		read += f.Read
		stored += f.Stored
		rejected += f.Rejected
	}
	if read != res.Read || stored != res.Stored || rejected != res.Rejected {
		t.Fatalf("file totals %d/%d/%d != result %d/%d/%d", read, stored, rejected, res.Read, res.Stored, res.Rejected)
	}
	if len(res.Rejects) != res.Rejected {
		t.Fatalf("%d rejects listed, %d counted", len(res.Rejects), res.Rejected)
	}
	for _, r := range res.Rejects {
		if r.Reason == "" || len(r.Raw) > MaxRawBytes {
			t.Fatalf("bad reject %+v", r)
		}
	}
	rows := 0
	for name, tb := range res.Tables {
		if tb.Name != name {
			t.Fatalf("table %s named %s", name, tb.Name)
		}
		seen := map[string]bool{}
		for _, f := range tb.Schema {
			if seen[f.Name] {
				t.Fatalf("%s: duplicate column %s", name, f.Name)
			}
			seen[f.Name] = true
			if f.Type == types.Null || f.Type == types.Unknown {
				t.Fatalf("%s.%s has no type", name, f.Name)
			}
		}
		for bi, b := range tb.Batches {
			if len(b.Schema) != len(tb.Schema) || len(b.Cols) != len(tb.Schema) {
				t.Fatalf("%s batch %d: schema differs from the table's", name, bi)
			}
			for i, c := range b.Cols {
				if b.Schema[i] != tb.Schema[i] {
					t.Fatalf("%s batch %d: column %d is %v, table has %v", name, bi, i, b.Schema[i], tb.Schema[i])
				}
				if c.Type != tb.Schema[i].Type {
					t.Fatalf("%s batch %d: column %s has type %s, schema says %s", name, bi, tb.Schema[i].Name, c.Type, tb.Schema[i].Type)
				}
				if c.Len() != b.N || c.Nulls != nil && len(c.Nulls) != b.N {
					t.Fatalf("%s batch %d: column %s has %d rows, batch has %d", name, bi, tb.Schema[i].Name, c.Len(), b.N)
				}
			}
		}
		rows += tb.Rows()
	}
	if rows != res.Stored {
		t.Fatalf("tables hold %d rows, %d stored", rows, res.Stored)
	}
}

// value returns row i (across batches) of column col of table tb.
func value(t testing.TB, res *Result, tbl string, i int, col string) types.Value {
	t.Helper()
	tb := res.Tables[tbl]
	if tb == nil {
		t.Fatalf("no table %s (have %v)", tbl, sortedKeys(res.Tables))
	}
	ci := tb.Schema.Index(col)
	if ci < 0 {
		t.Fatalf("%s has no column %s: %s", tbl, col, tb.Schema)
	}
	for _, b := range tb.Batches {
		if i < b.N {
			return b.Cols[ci].Get(i)
		}
		i -= b.N
	}
	t.Fatalf("%s has no row %d", tbl, i)
	return types.Value{}
}

// fieldType returns the type of column col of table tbl, or types.Unknown.
func fieldType(res *Result, tbl, col string) types.Type {
	tb := res.Tables[tbl]
	if tb == nil {
		return types.Unknown
	}
	if i := tb.Schema.Index(col); i >= 0 {
		return tb.Schema[i].Type
	}
	return types.Unknown
}

func load(t testing.TB, opts Options, paths ...string) *Result {
	t.Helper()
	res, err := Load(paths, opts)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	checkInvariants(t, res)
	return res
}

func loadString(t testing.TB, name, input string, opts Options) (*Result, error) {
	t.Helper()
	res, err := LoadReader(name, strings.NewReader(input), opts)
	if res != nil {
		checkInvariants(t, res)
	}
	return res, err
}

func hasWarning(res *Result, substr string) bool {
	for _, w := range res.Warnings {
		if strings.Contains(w.Message, substr) {
			return true
		}
	}
	return false
}
