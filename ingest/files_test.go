package ingest

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

// ndjsonRows returns n DeviceProcessEvents rows as JSON Lines.
func ndjsonRows(n int) []byte {
	var b bytes.Buffer
	for i := range n {
		fmt.Fprintf(&b, `{"Timestamp":"2025-03-04T09:%02d:%02d.%07dZ","DeviceName":"ws-%d.contoso.local","FileName":"AnyDesk.exe","ProcessCommandLine":"\"AnyDesk.exe\" --id %d","ProcessId":%d,"ReportId":%d}`+"\n",
			i/60%60, i%60, i, i%7, i*7919, 1000+i, i)
	}
	return b.Bytes()
}

func gzipBytes(t testing.TB, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w, _ := gzip.NewWriterLevel(&b, gzip.BestSpeed)
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestGzip(t *testing.T) {
	const n = 20000
	plain := ndjsonRows(n)
	gz := gzipBytes(t, plain)

	t.Run("whole", func(t *testing.T) {
		res, err := loadString(t, "DeviceProcessEvents.jsonl", string(gz), Options{BatchRows: 4096})
		if err != nil {
			t.Fatal(err)
		}
		if res.Stored != n || res.Rejected != 0 || !res.Files[0].Compressed {
			t.Fatalf("stored %d rejected %d: %v", res.Stored, res.Rejected, res.Rejects)
		}
		if got := len(res.Tables["DeviceProcessEvents"].Batches); got != (n+4095)/4096 {
			t.Errorf("%d batches", got)
		}
		if got := value(t, res, "DeviceProcessEvents", n-1, "ReportId"); got.I != n-1 {
			t.Errorf("last ReportId %v", got)
		}
	})

	t.Run("truncated", func(t *testing.T) {
		cut := gz[:len(gz)*6/10]
		res, err := loadString(t, "DeviceProcessEvents.jsonl.gz", string(cut), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Stored == 0 || res.Stored >= n || res.Rejected != 1 {
			t.Fatalf("stored %d rejected %d", res.Stored, res.Rejected)
		}
		r := res.Rejects[0]
		if !strings.Contains(r.Reason, "truncated gzip stream") || r.Line != res.Stored+1 {
			t.Errorf("reject %s, stored %d", r, res.Stored)
		}
	})

	t.Run("corrupt checksum", func(t *testing.T) {
		bad := bytes.Clone(gz)
		bad[len(bad)-8] ^= 0xff // CRC-32 in the trailer
		res, err := loadString(t, "DeviceProcessEvents.jsonl.gz", string(bad), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Stored != n || res.Rejected != 1 || !strings.Contains(res.Rejects[0].Reason, "checksum") {
			t.Fatalf("stored %d rejects %v", res.Stored, res.Rejects)
		}
	})

	t.Run("truncated document", func(t *testing.T) {
		doc, err := os.ReadFile("testdata/api/DeviceInfo-advancedhunting.json")
		if err != nil {
			t.Fatal(err)
		}
		cut := gzipBytes(t, doc)
		cut = cut[:len(cut)-20]
		res, err := loadString(t, "DeviceInfo.json", string(cut), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Rejected != 1 || !strings.Contains(res.Rejects[0].Reason, "gzip") {
			t.Fatalf("rejects %v", res.Rejects)
		}
	})
}

func TestDirectoryWalk(t *testing.T) {
	// notes.jsonl names no table: found by the walk, it is skipped with a
	// warning; named explicitly, it is an error.
	res, err := Load([]string{"testdata/walk"}, Options{})
	if err != nil {
		t.Fatalf("err = %v", err)
	}
	if len(res.Warnings) == 0 || !strings.Contains(res.Warnings[len(res.Warnings)-1].String(), "notes.jsonl: skipped") {
		t.Errorf("warnings %v", res.Warnings)
	}
	if _, err := Load([]string{"testdata/walk/c/notes.jsonl"}, Options{}); err == nil || !strings.Contains(err.Error(), "cannot tell which table") {
		t.Errorf("explicit notes.jsonl: err = %v", err)
	}
	checkInvariants(t, res)
	var paths []string
	for _, f := range res.Files {
		paths = append(paths, filepath.ToSlash(f.Path))
	}
	want := []string{"testdata/walk/a/DeviceInfo.jsonl", "testdata/walk/b/DeviceInfo.csv",
		"testdata/walk/c/DeviceInfo.json.gz", "testdata/walk/c/notes.jsonl"}
	if strings.Join(paths, " ") != strings.Join(want, " ") {
		t.Fatalf("files %v, want %v", paths, want)
	}
	if !res.Files[2].Compressed || !res.Files[3].Skipped {
		t.Errorf("files %+v", res.Files)
	}
	tb := res.Tables["DeviceInfo"]
	if tb == nil || tb.Rows() != 4 || len(tb.Batches) != 3 {
		t.Fatalf("DeviceInfo: %+v", tb)
	}
	// The extra column of the last file is padded in the earlier batches.
	if last := tb.Schema[len(tb.Schema)-1]; last.Name != "Signer" || last.Type != types.String {
		t.Errorf("last column %v", last)
	}
	if got := value(t, res, "DeviceInfo", 0, "Signer"); got.S != "" {
		t.Errorf("padded Signer %v", got)
	}
	if got := value(t, res, "DeviceInfo", 3, "Signer"); got.S != "x" {
		t.Errorf("Signer %v", got)
	}
	if got := value(t, res, "DeviceInfo", 2, "ExposureLevel"); got.S != "" {
		t.Errorf("ExposureLevel %v", got)
	}
	if got := value(t, res, "DeviceInfo", 0, "MachineGroup"); got.S != "Servers" {
		t.Errorf("MachineGroup %v", got)
	}
	if got := value(t, res, "DeviceInfo", 2, "ReportId"); got.I != 3 {
		t.Errorf("ReportId %v", got)
	}

	// A missing path is a file error; the other paths still load.
	res, err = Load([]string{"testdata/does-not-exist", "testdata/walk/a"}, Options{})
	if err == nil || res.Stored != 2 || len(res.Files) != 2 || res.Files[0].Error == "" {
		t.Errorf("err %v, files %+v", err, res.Files)
	}
}

// TestExtraColumnTypesAcrossFiles merges the types one extra column gets in
// different files.
func TestExtraColumnTypesAcrossFiles(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"1/DeviceInfo.jsonl": `{"DeviceName":"a","Score":1}` + "\n",
		"2/DeviceInfo.jsonl": `{"DeviceName":"b","Score":2.5}` + "\n",
		"3/DeviceInfo.jsonl": `{"DeviceName":"c","Flag":true,"Mixed":1}` + "\n" + `{"DeviceName":"d","Mixed":"one"}` + "\n",
		"4/DeviceInfo.jsonl": `{"DeviceName":"e","Score":null,"Big":123456789012345678}` + "\n",
	}
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res := load(t, Options{}, dir)
	for col, ty := range map[string]types.Type{"Score": types.Real, "Flag": types.Bool, "Mixed": types.Dynamic, "Big": types.Long} {
		if got := fieldType(res, "DeviceInfo", col); got != ty {
			t.Errorf("%s: %s, want %s", col, got, ty)
		}
	}
	if got := value(t, res, "DeviceInfo", 0, "Score"); got.F != 1 {
		t.Errorf("Score %v", got)
	}
	if got := value(t, res, "DeviceInfo", 2, "Mixed"); got.String() != "1" {
		t.Errorf("Mixed %v", got)
	}
	if got := value(t, res, "DeviceInfo", 3, "Mixed"); got.String() != "one" {
		t.Errorf("Mixed %v", got)
	}
	if got := value(t, res, "DeviceInfo", 4, "Big"); got.I != 123456789012345678 {
		t.Errorf("Big %v", got)
	}
	// Extra columns in first-seen order after the documented ones.
	tb := res.Tables["DeviceInfo"]
	var extras []string
	for _, f := range tb.Schema[len(tb.Schema)-4:] {
		extras = append(extras, f.Name)
	}
	if strings.Join(extras, ",") != "Score,Flag,Mixed,Big" {
		t.Errorf("extras %v", extras)
	}
	// Warned once per file and column.
	n := 0
	for _, w := range res.Warnings {
		if w.Column == "Score" {
			n++
		}
	}
	if n != 3 {
		t.Errorf("%d Score warnings: %v", n, res.Warnings)
	}
}

// TestDictionaryStrings checks that low-cardinality string columns are
// dictionary-encoded and high-cardinality ones are not.
func TestDictionaryStrings(t *testing.T) {
	res, err := loadString(t, "DeviceProcessEvents.jsonl", string(ndjsonRows(20000)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	b := res.Tables["DeviceProcessEvents"].Batches[0]
	col := func(name string) int { return b.Schema.Index(name) }
	if c := b.Cols[col("DeviceName")]; c.Dict == nil || len(c.Dict) != 7 {
		t.Errorf("DeviceName not dictionary-encoded: %d entries", len(c.Dict))
	}
	if c := b.Cols[col("ProcessCommandLine")]; c.Dict != nil {
		t.Errorf("ProcessCommandLine kept a dictionary of %d", len(c.Dict))
	}
	if got := value(t, res, "DeviceProcessEvents", 12345, "ProcessCommandLine"); got.S != `"AnyDesk.exe" --id 97760055` {
		t.Errorf("command line %q", got.S)
	}
}

// TestDatasets reads the public datasets kept beside the repository.
func TestDatasets(t *testing.T) {
	const dir = "../../shared/datasets"
	t.Run("msticpy DeviceProcessEvents", func(t *testing.T) {
		p := filepath.Join(dir, "msticpy-mde-processevents/DeviceProcessEvents.jsonl")
		if _, err := os.Stat(p); err != nil {
			t.Skip("dataset not present")
		}
		res := load(t, Options{}, p)
		if res.Read != 200 || res.Stored != 200 {
			t.Fatalf("read %d stored %d: %v", res.Read, res.Stored, res.Rejects)
		}
		if got := fieldType(res, "DeviceProcessEvents", "CreatedProcessParentId"); got != types.Long {
			t.Errorf("CreatedProcessParentId: %s", got)
		}
		if got := value(t, res, "DeviceProcessEvents", 0, "Timestamp"); got.String() != "2021-12-15T23:00:03.4494644Z" {
			t.Errorf("Timestamp %v", got)
		}
		if got := value(t, res, "DeviceProcessEvents", 0, "FileName"); got.S != "sc.exe" {
			t.Errorf("FileName %v", got)
		}
		if !hasWarning(res, "unknown column CreatedProcessParentId") {
			t.Errorf("no warning for CreatedProcessParentId")
		}
	})
	t.Run("OTRF Golden SAML union export", func(t *testing.T) {
		p := filepath.Join(dir, "otrf-goldensaml-m365d/Microsoft365DefenderEvents.json")
		if _, err := os.Stat(p); err != nil {
			t.Skip("dataset not present")
		}
		// The file name names no table.
		if _, err := Load([]string{p}, Options{}); err == nil || !strings.Contains(err.Error(), "cannot tell which table") {
			t.Errorf("without a table: %v", err)
		}
		// Read as DeviceEvents: the five device rows fit; the four cloud
		// rows carry string ReportIds that DeviceEvents types as long.
		res := load(t, Options{Table: "DeviceEvents"}, p)
		if res.Read != 9 || res.Stored != 5 || res.Rejected != 4 {
			t.Fatalf("read %d stored %d rejected %d", res.Read, res.Stored, res.Rejected)
		}
		for _, r := range res.Rejects {
			if !strings.HasPrefix(r.Reason, "column ReportId: ") || r.Line < 6 {
				t.Errorf("reject %s", r)
			}
		}
		for col, ty := range map[string]types.Type{"ReportId_long": types.Long, "ReportId_string": types.String, "AdditionalFields_string": types.String} {
			if got := fieldType(res, "DeviceEvents", col); got != ty {
				t.Errorf("%s: %s, want %s", col, got, ty)
			}
		}
		if got := value(t, res, "DeviceEvents", 0, "ReportId_long"); got.I != 113597 {
			t.Errorf("ReportId_long %v", got)
		}
		// Read as CloudAppEvents (string ReportId, dynamic AdditionalFields)
		// every row fits.
		res = load(t, Options{Table: "CloudAppEvents"}, p)
		if res.Stored != 9 {
			t.Errorf("CloudAppEvents: stored %d: %v", res.Stored, res.Rejects)
		}
	})
}
