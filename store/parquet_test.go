package store

import (
	"bytes"
	"github.com/parquet-go/parquet-go"
	"math"
	"reflect"
	"testing"

	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/table"
)

// TestParquetRoundTrip writes every KQL type, nulls included, and reads
// it back exactly: longs beyond 2^53, datetimes to the 100 ns tick from
// year 1 to 9999, strings, dynamic values.
func TestParquetRoundTrip(t *testing.T) {
	sch := table.Schema{
		{Name: "Timestamp", Type: types.Datetime},
		{Name: "B", Type: types.Bool},
		{Name: "I", Type: types.Int},
		{Name: "L", Type: types.Long},
		{Name: "R", Type: types.Real},
		{Name: "S", Type: types.String},
		{Name: "G", Type: types.Guid},
		{Name: "D", Type: types.Dynamic},
		{Name: "TS", Type: types.Timespan},
		{Name: "N", Type: types.Null},
	}
	dyn, _ := types.ParseJSON(`{"a":[1,2,9007199254740993],"b":"x"}`)
	rows := [][]types.Value{
		{types.NewDatetime(types.MaxDatetimeTicks), types.NewBool(true), types.NewInt(-5), types.NewLong(9007199254740993), types.NewReal(1.5), types.NewString("AnyDesk"), {Type: types.Guid, S: "abc"}, types.NewDynamic(dyn), types.NewTimespan(-123), types.NullOf(types.Dynamic)},
		{types.NewDatetime(0), types.NewBool(false), types.NullOf(types.Int), types.NullOf(types.Long), types.NewReal(math.Inf(1)), types.NewString(""), {Type: types.Guid, S: ""}, types.NullOf(types.Dynamic), types.NullOf(types.Timespan), types.NullOf(types.Dynamic)},
		{types.NullOf(types.Datetime), types.NullOf(types.Bool), types.NewInt(7), types.NewLong(math.MinInt64), types.NullOf(types.Real), types.NewString("ünïcode"), {Type: types.Guid, S: "g"}, types.NewDynamic("text"), types.NewTimespan(types.TicksPerDay), types.NullOf(types.Dynamic)},
	}
	var batches []*table.Batch
	want := table.NewBatch(sch, 0)
	for k := 0; k < 5; k++ {
		b := table.NewBatch(sch, 0)
		for i, r := range rows {
			r := append([]types.Value(nil), r...)
			if i == 0 {
				r[0] = types.NewDatetime(types.UnixEpochTicks + int64(k)*12345677)
			}
			b.AppendRow(r)
			want.AppendRow(r)
		}
		batches = append(batches, b)
	}
	// The untyped column holds nulls in Dyn.
	for _, b := range append(batches, want) {
		b.Cols[9] = &table.Column{Type: types.Null, Dyn: make([]any, b.N), Nulls: make([]bool, b.N)}
		for i := range b.Cols[9].Nulls {
			b.Cols[9].Nulls[i] = true
		}
	}
	var buf bytes.Buffer
	info, err := writeParquet(&buf, sch, batches, 4, 0)
	if err != nil {
		t.Fatal(err)
	}
	if info.rows != 15 || !info.hasTime || info.minTime != 0 || info.maxTime != types.UnixEpochTicks+4*12345677 {
		t.Errorf("info %+v", info)
	}
	pf, err := openParquet(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(pf.schema, sch) {
		t.Fatalf("schema %v, want %v", pf.schema, sch)
	}
	if got := len(pf.f.RowGroups()); got != 4 {
		t.Errorf("%d row groups, want 4", got)
	}
	row := 0
	for rg := range pf.f.RowGroups() {
		var cols []*table.Column
		for _, f := range sch {
			c, err := pf.readColumn(rg, f.Name, f.Type)
			if err != nil {
				t.Fatal(err)
			}
			cols = append(cols, c)
		}
		n := cols[0].Len()
		for i := 0; i < n; i++ {
			for j, c := range cols {
				got, exp := c.Get(i), want.Cols[j].Get(row)
				if got.String() != exp.String() || got.Null != exp.Null {
					t.Errorf("row %d column %s: got %v, want %v", row, sch[j].Name, got, exp)
				}
			}
			row++
		}
		lo, hi, ok := pf.timeBounds(rg, "Timestamp")
		if !ok || lo > hi {
			t.Errorf("row group %d: no time bounds", rg)
		}
	}
	if row != 15 {
		t.Errorf("read %d rows, want 15", row)
	}
}

// TestReadChunkNullsAfterFullPages reads column chunks of many pages whose
// first pages have no null and whose last pages have some: the null flags,
// made only once a page has a null, must still line up with the rows.
func TestReadChunkNullsAfterFullPages(t *testing.T) {
	const n = 20_000
	for _, typ := range []types.Type{types.Long, types.Int, types.Real, types.Datetime} {
		ps := parquet.NewSchema("t", parquet.Group{"C": leafNode(typ)})
		var buf bytes.Buffer
		w := parquet.NewWriter(&buf, ps, parquet.PageBufferSize(512))
		want := make([]*int64, n)
		for i := 0; i < n; i++ {
			var v parquet.Value
			if i >= n-100 && i%3 == 0 {
				v = parquet.Value{}.Level(0, 0, 0)
			} else {
				x := int64(i)*7 + 1
				want[i] = &x
				switch typ {
				case types.Int:
					v = parquet.Int32Value(int32(x)).Level(0, 1, 0)
				case types.Real:
					v = parquet.DoubleValue(float64(x)).Level(0, 1, 0)
				default:
					v = parquet.Int64Value(x).Level(0, 1, 0)
				}
			}
			if _, err := w.WriteRows([]parquet.Row{{v}}); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		f, err := parquet.OpenFile(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil {
			t.Fatal(err)
		}
		cc := f.RowGroups()[0].ColumnChunks()[0]
		pages := 0
		for pg := cc.Pages(); ; pages++ {
			if _, err := pg.ReadPage(); err != nil {
				break
			}
		}
		if pages < 3 {
			t.Fatalf("%s: %d pages; the test needs several", typ, pages)
		}
		c, err := readChunk(cc, typ, n)
		if err != nil {
			t.Fatalf("%s: %v", typ, err)
		}
		for i := 0; i < n; i++ {
			got := c.Get(i)
			if want[i] == nil {
				if !got.Null {
					t.Fatalf("%s row %d: got %v, want null", typ, i, got)
				}
				continue
			}
			var g int64
			switch {
			case typ == types.Real:
				g = int64(got.F)
			case typ == types.Datetime:
				g = (got.I - types.UnixEpochTicks) / 10
			default:
				g = got.I
			}
			if got.Null || g != *want[i] {
				t.Fatalf("%s row %d: got %v, want %d", typ, i, got, *want[i])
			}
		}
	}
}
