package ingest

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

// pqTag is a nested value, as other tools write structs.
type pqTag struct {
	Key   string `parquet:"key"`
	Value *int64 `parquet:"value,optional"`
}

// pqForeignRow is a row as DuckDB, Spark or pandas write one: timestamps
// in ms and ns, an int32, a double holding a whole number, JSON text in a
// string, nested lists, structs and maps, and columns the table does not
// document.
type pqForeignRow struct {
	Timestamp           time.Time         `parquet:"Timestamp,timestamp(millisecond)"`
	ProcessCreationTime *time.Time        `parquet:"ProcessCreationTime,optional,timestamp(nanosecond)"`
	DeviceName          string            `parquet:"DeviceName"`
	ProcessId           int32             `parquet:"ProcessId"`
	ReportId            int64             `parquet:"ReportId"`
	FileSize            *float64          `parquet:"FileSize,optional"`
	IsProcessRemote     bool              `parquet:"IsProcessRemoteSession"`
	AdditionalFields    *string           `parquet:"AdditionalFields,optional"`
	ExtraList           []string          `parquet:"ExtraList,list"`
	ExtraTags           []pqTag           `parquet:"ExtraTags,list"`
	ExtraMap            map[string]int64  `parquet:"ExtraMap"`
	ExtraTime           time.Time         `parquet:"ExtraTime,timestamp(microsecond)"`
	ExtraInner          *pqTag            `parquet:"ExtraInner,optional"`
	ExtraStrings        map[string]string `parquet:"ExtraStrings"`
}

func writePQ[T any](t testing.TB, rows []T, opts ...parquet.WriterOption) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[T](&buf, opts...)
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func ptr[T any](v T) *T { return &v }

func foreignRows() []pqForeignRow {
	ts := time.Date(2025, 3, 4, 9, 21, 33, 512_000_000, time.UTC)
	return []pqForeignRow{{
		Timestamp:           ts,
		ProcessCreationTime: ptr(time.Date(2025, 3, 4, 9, 21, 30, 123456789, time.UTC)),
		DeviceName:          "fin-ws-017",
		ProcessId:           4242,
		ReportId:            123456789012345678,
		FileSize:            ptr(2048.0),
		IsProcessRemote:     true,
		AdditionalFields:    ptr(`{"a": [1, 2]}`),
		ExtraList:           []string{"x", "y\"z"},
		ExtraTags:           []pqTag{{Key: "k1", Value: ptr[int64](1)}, {Key: "k2"}},
		ExtraMap:            map[string]int64{"m": 7},
		ExtraTime:           ts,
		ExtraInner:          &pqTag{Key: "in"},
	}, {
		Timestamp:  ts.Add(time.Second),
		DeviceName: "fin-ws-018",
		ProcessId:  -1,
		ReportId:   2,
		FileSize:   ptr(math.NaN()), // pandas' missing integer
		ExtraTime:  ts,
	}}
}

func TestParquetForeign(t *testing.T) {
	data := writePQ(t, foreignRows(), parquet.MaxRowsPerRowGroup(1))
	res, err := loadString(t, "DeviceProcessEvents.parquet", string(data), Options{BatchRows: 1})
	if err != nil {
		t.Fatal(err)
	}
	if res.Read != 2 || res.Stored != 2 || res.Files[0].Format != FormatParquet {
		t.Fatalf("read %d stored %d format %s, rejects %v", res.Read, res.Stored, res.Files[0].Format, res.Rejects)
	}
	tbl := "DeviceProcessEvents"
	checks := []struct {
		col  string
		row  int
		want string
	}{
		{"Timestamp", 0, "2025-03-04T09:21:33.5120000Z"},
		{"ProcessCreationTime", 0, "2025-03-04T09:21:30.1234567Z"},
		{"ProcessCreationTime", 1, ""},
		{"DeviceName", 1, "fin-ws-018"},
		{"ProcessId", 0, "4242"},
		{"ProcessId", 1, "-1"},
		{"ReportId", 0, "123456789012345678"},
		{"FileSize", 0, "2048"},
		{"FileSize", 1, ""},
		{"IsProcessRemoteSession", 0, "true"},
		{"AdditionalFields", 0, `{"a": [1, 2]}`},
		{"ExtraList", 0, `["x","y\"z"]`},
		{"ExtraList", 1, `[]`},
		{"ExtraTags", 0, `[{"key":"k1","value":1},{"key":"k2","value":null}]`},
		{"ExtraMap", 0, `{"m":7}`},
		{"ExtraTime", 0, "2025-03-04T09:21:33.5120000Z"},
		{"ExtraInner", 0, `{"key":"in","value":null}`},
		{"ExtraInner", 1, ``},
	}
	for _, c := range checks {
		v := value(t, res, tbl, c.row, c.col)
		got := v.String()
		if v.IsNullOrEmpty() {
			got = ""
		}
		if got != c.want {
			t.Errorf("%s row %d = %q (%s), want %q", c.col, c.row, got, v.Type, c.want)
		}
	}
	for col, want := range map[string]types.Type{"ExtraList": types.Dynamic, "ExtraTime": types.Datetime, "ProcessId": types.Long} {
		if got := fieldType(res, tbl, col); got != want {
			t.Errorf("%s has type %s, want %s", col, got, want)
		}
	}
	if !hasWarning(res, "unknown column ExtraList of DeviceProcessEvents kept as an extra dynamic column") {
		t.Errorf("no warning for the extra column: %v", res.Warnings)
	}
}

// pqBadRow has values that do not fit the DeviceProcessEvents schema.
type pqBadRow struct {
	Timestamp  *string  `parquet:"Timestamp,optional"`
	ProcessId  *float64 `parquet:"ProcessId,optional"`
	IsSigned   *int32   `parquet:"IsProcessRemoteSession,optional"`
	DeviceName *int64   `parquet:"DeviceName,optional"`
	ReportId   *bool    `parquet:"ReportId,optional"`
}

func TestParquetRejects(t *testing.T) {
	rows := []pqBadRow{
		{Timestamp: ptr("2025-03-04T09:21:33.5120094Z"), ProcessId: ptr(12.0), IsSigned: ptr[int32](1), DeviceName: ptr[int64](7)},
		{Timestamp: ptr("yesterday")},
		{ProcessId: ptr(1.5)},
		{IsSigned: ptr[int32](2)},
		{ReportId: ptr(true)},
		{},
	}
	data := writePQ(t, rows, parquet.MaxRowsPerRowGroup(4))
	res, err := loadString(t, "DeviceProcessEvents.parquet", string(data), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Read != 6 || res.Stored != 2 || res.Rejected != 4 {
		t.Fatalf("read %d stored %d rejected %d: %v", res.Read, res.Stored, res.Rejected, res.Rejects)
	}
	want := []struct {
		row    int
		reason string
	}{
		{2, `column Timestamp: "yesterday" is not a datetime`},
		{3, `column ProcessId: 1.5 is not a whole number`},
		{4, `column IsProcessRemoteSession: 2 is not a bool`},
		{5, `column ReportId: true is not a long`},
	}
	for i, w := range want {
		r := res.Rejects[i]
		if r.Row != w.row || r.Reason != w.reason || r.File != "DeviceProcessEvents.parquet" {
			t.Errorf("reject %d = %+v, want row %d %q", i, r, w.row, w.reason)
		}
	}
	if s := res.Rejects[0].String(); s != `DeviceProcessEvents.parquet: row 2: column Timestamp: "yesterday" is not a datetime` {
		t.Errorf("String() = %s", s)
	}
	if !strings.Contains(res.Rejects[0].Raw, `"Timestamp":"yesterday"`) {
		t.Errorf("raw %s", res.Rejects[0].Raw)
	}
	if v := value(t, res, "DeviceProcessEvents", 0, "DeviceName"); v.S != "7" {
		t.Errorf("DeviceName %v", v)
	}
}

func TestParquetBadFiles(t *testing.T) {
	good := writePQ(t, foreignRows())
	tests := []struct {
		name, file string
		data       []byte
		err        string
	}{
		{"wrong magic", "DeviceProcessEvents.parquet", append([]byte("PAR0"), good[4:]...), "not a Parquet file: it does not start with the magic bytes PAR1"},
		{"truncated", "DeviceProcessEvents.parquet", good[:len(good)/2], "not a readable Parquet file"},
		{"no footer magic", "DeviceProcessEvents.parquet", append(append([]byte{}, good[:len(good)-4]...), "XXXX"...), "not a readable Parquet file"},
		{"no table", "export.parquet", good, "cannot tell which table"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := loadString(t, tc.file, string(tc.data), Options{})
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("err %v, want %q", err, tc.err)
			}
			if res.Read != 0 || len(res.Files) != 1 || !strings.Contains(res.Files[0].Error, tc.err) {
				t.Fatalf("files %+v", res.Files)
			}
		})
	}
}

// TestParquetCorruptPage damages the data of a row group: its rows are one
// reject, the other row groups are read.
func TestParquetCorruptPage(t *testing.T) {
	type row struct {
		DeviceName string `parquet:"DeviceName,plain"`
		ReportId   int64  `parquet:"ReportId,plain"`
	}
	var rows []row
	for i := range 6 {
		rows = append(rows, row{DeviceName: strings.Repeat("d", 40) + string(rune('a'+i)), ReportId: int64(i)})
	}
	data := writePQ(t, rows, parquet.MaxRowsPerRowGroup(3), parquet.Compression(&parquet.Uncompressed))
	i := bytes.Index(data, []byte(strings.Repeat("d", 40)+"d"))
	if i < 4 {
		t.Fatal("value not found")
	}
	// Break the length prefix of the first value of the second row group:
	// its page no longer decodes.
	bad := append([]byte{}, data...)
	copy(bad[i-4:], []byte{0xff, 0xff, 0xff, 0x7f})
	res, err := loadString(t, "DeviceInfo.parquet", string(bad), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Stored != 3 || res.Rejected != 1 || res.Read != 4 {
		t.Fatalf("read %d stored %d rejected %d: %v", res.Read, res.Stored, res.Rejected, res.Rejects)
	}
	if r := res.Rejects[0]; r.Row != 4 || !strings.Contains(r.Reason, "corrupt Parquet data in row group 2: rows 4 to 6 could not be read") {
		t.Fatalf("reject %+v", r)
	}
}

// TestParquetFromDisk reads a file in place, with its table from the
// directory as the store lays its files out, and as gzip via a copy.
func TestParquetFromDisk(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "DeviceProcessEvents", "2025-03-04", "g000001.parquet")
	os.MkdirAll(filepath.Dir(p), 0o755)
	data := writePQ(t, foreignRows())
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	res := load(t, Options{}, dir)
	if res.Stored != 2 || res.Tables["DeviceProcessEvents"] == nil {
		t.Fatalf("stored %d, tables %v", res.Stored, sortedKeys(res.Tables))
	}
	// Not seekable: read through a temporary copy.
	res, err := LoadReader("DeviceProcessEvents.parquet", struct{ *bytes.Reader }{bytes.NewReader(data)}, Options{})
	if err != nil || res.Stored != 2 {
		t.Fatalf("stored %d, err %v", res.Stored, err)
	}
}

func FuzzParquet(f *testing.F) {
	f.Add(writePQ(f, foreignRows()))
	f.Add(writePQ(f, []pqBadRow{{Timestamp: ptr("x")}, {ProcessId: ptr(1.0)}}))
	f.Add([]byte("PAR1PAR1"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzLoad(t, "DeviceProcessEvents.parquet", data) })
}
