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

// benchTable is a table of n rows: a command line (a few hundred distinct
// values), a dynamic array of three ports, and a number.
func benchTable(n int) *table.Table {
	s := table.Schema{{Name: "Cmd", Type: types.String}, {Name: "Ports", Type: types.Dynamic}, {Name: "N", Type: types.Long}}
	b := table.NewBatch(s, n)
	for i := 0; i < n; i++ {
		b.AppendRow([]types.Value{
			types.NewString(fmt.Sprintf("AnyDesk.exe --id %d --host h%d", i%300, i%7)),
			types.NewDynamic([]any{int64(22), int64(443), int64(i % 9000)}),
			types.NewLong(int64(i)),
		})
	}
	return &table.Table{Name: "T", Schema: s, Batches: []*table.Batch{b}}
}

func benchQuery(b *testing.B, q string) {
	mem := engine.NewMemSource(map[string]*table.Table{"T": benchTable(100000)})
	now := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	c, err := query.CompileString("bench", q, mem.CatalogAt(now))
	if err != nil {
		b.Fatal(c.Diags.Format())
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.Run(context.Background(), mem, now); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMvExpand(b *testing.B) {
	benchQuery(b, `T | mv-expand Ports to typeof(long) | count`)
}

func BenchmarkParseSimple(b *testing.B) {
	benchQuery(b, `T | parse Cmd with * "--id " Id:long " --host " Host | count`)
}

func BenchmarkParseDistinctTexts(b *testing.B) {
	benchQuery(b, `T | extend Cmd = strcat(Cmd, N) | parse Cmd with * "--id " Id:long " --host " Host | count`)
}

func BenchmarkWindow(b *testing.B) {
	benchQuery(b, `T | serialize | extend p = prev(N), s = row_cumsum(N) | count`)
}

func BenchmarkBaselineExtend(b *testing.B) {
	benchQuery(b, `T | extend x = N + 1 | count`)
}
