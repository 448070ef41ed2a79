package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/query"
	"github.com/rmmhunt/rmmhunt/schema"
	"github.com/rmmhunt/rmmhunt/store"
	"github.com/rmmhunt/rmmhunt/table"
)

// BenchmarkScanSeedRule runs the seed rule (a time window, Signer has_any,
// summarize by device) over a store of 16 row groups of 65,536
// certificate rows: late materialisation, row groups read concurrently.
// Allocations are per row group and column (decoded pages, the filter's
// result), none per row.
func BenchmarkScanSeedRule(b *testing.B) {
	const groups, rows = 16, 1 << 16
	s, err := store.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	doc, _ := schema.Default().Lookup("DeviceFileCertificateInfo")
	sch := doc.Schema()
	signers := make([]string, 2000)
	for i := range signers {
		signers[i] = fmt.Sprintf("Vendor %d, Inc.", i)
	}
	signers[7] = "AmidaWare Inc."
	start := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	w, err := s.NewWriter(store.IngestOptions{})
	if err != nil {
		b.Fatal(err)
	}
	for g := 0; g < groups; g++ {
		bt := table.NewBatch(sch, rows)
		row := make([]types.Value, len(sch))
		for i := 0; i < rows; i++ {
			k := g*rows + i
			for j, f := range sch {
				switch f.Name {
				case "Timestamp":
					row[j] = types.NewDatetime(types.TicksFromTime(start) + int64(k)*types.TicksPerSecond/16)
				case "DeviceId":
					row[j] = types.NewString(fmt.Sprintf("%040x", k%20000))
				case "DeviceName":
					row[j] = types.NewString(fmt.Sprintf("host-%d.example.org", k%20000))
				case "Signer":
					row[j] = types.NewString(signers[(k*7919)%len(signers)])
				case "ReportId":
					row[j] = types.NewLong(int64(k))
				default:
					row[j] = types.NullOf(f.Type)
				}
			}
			bt.AppendRow(row)
		}
		if err := w.Write("DeviceFileCertificateInfo", bt); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := w.Commit(); err != nil {
		b.Fatal(err)
	}
	now := start.Add(groups * rows * time.Second / 16)
	q, err := query.CompileString("seed", `DeviceFileCertificateInfo
| where Timestamp between (ago(5d) .. now())
| where Signer has_any ('AmidaWare', 'Tactical Techs')
| summarize FirstSeen=min(Timestamp), LastSeen=max(Timestamp), Report=make_set(ReportId), Count=count() by DeviceId, DeviceName`, s.Catalog())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := q.Run(context.Background(), s, now)
		if err != nil {
			b.Fatal(err)
		}
		if res.Rows() == 0 {
			b.Fatal("no rows")
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(groups*rows), "ns/row")
}
