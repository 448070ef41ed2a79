package engine_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/rmmhunt/rmmhunt/engine"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/query"
	"github.com/rmmhunt/rmmhunt/table"
)

// signerTable is the shape of a store scan of DeviceFileCertificateInfo:
// batches of 65,536 rows whose Signer column is dictionary-encoded (2,000
// distinct signers), with a Timestamp.
func signerTable(batches int) *table.Table {
	const rows = 1 << 16
	s := table.Schema{{Name: "Timestamp", Type: types.Datetime}, {Name: "Signer", Type: types.String}}
	dict := make([]string, 2000)
	for i := range dict {
		dict[i] = fmt.Sprintf("Vendor %d, Inc.", i)
	}
	dict[7] = "AmidaWare Inc."
	t := &table.Table{Name: "T", Schema: s}
	for k := 0; k < batches; k++ {
		ts := &table.Column{Type: types.Datetime, Ints: make([]int64, rows)}
		sg := &table.Column{Type: types.String, Dict: dict, Codes: make([]uint32, rows)}
		for i := 0; i < rows; i++ {
			ts.Ints[i] = types.UnixEpochTicks + int64(k*rows+i)*types.TicksPerSecond
			sg.Codes[i] = uint32((i * 7919) % len(dict))
		}
		t.Batches = append(t.Batches, &table.Batch{Schema: s, Cols: []*table.Column{ts, sg}, N: rows})
	}
	return t
}

// BenchmarkDictHasAny measures the seed rule's predicate over
// dictionary-encoded batches: has_any is decided once per distinct value,
// so allocations are per batch (the memo and the result), not per row.
func BenchmarkDictHasAny(b *testing.B) {
	t := signerTable(16)
	mem := engine.NewMemSource(map[string]*table.Table{"T": t})
	now := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	c, err := query.CompileString("bench", "T | where Signer has_any ('AmidaWare', 'Tactical Techs') | count", mem.CatalogAt(now))
	if err != nil {
		b.Fatal(c.Diags.Format())
	}
	b.ReportAllocs()
	b.SetBytes(int64(t.Rows()) * 4)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.Run(context.Background(), mem, now); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(t.Rows()), "ns/row")
}
