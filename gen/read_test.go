package gen

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

// row is one decoded record of a generated table.
type row struct {
	table    string
	line     int
	envelope map[string]any
	props    map[string]any
	ticks    int64
	device   string
	report   int64
}

func (r *row) str(col string) string {
	s, _ := r.props[col].(string)
	return s
}

// openData opens a generated file, decompressing when it starts with the
// gzip magic bytes.
func openData(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) > 2 && b[0] == 0x1f && b[1] == 0x8b {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if b, err = io.ReadAll(zr); err != nil {
			t.Fatal(err)
		}
	}
	return b
}

// readTables decodes the three tables of a generated directory.
func readTables(t testing.TB, dir string, tr *Truth) map[string][]*row {
	t.Helper()
	out := map[string][]*row{}
	for _, f := range tr.Files {
		data := openData(t, filepath.Join(dir, f.File))
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		n := 0
		for sc.Scan() {
			n++
			dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
			dec.UseNumber()
			var env map[string]any
			if err := dec.Decode(&env); err != nil {
				t.Fatalf("%s:%d: %v", f.File, n, err)
			}
			props, ok := env["properties"].(map[string]any)
			if !ok {
				t.Fatalf("%s:%d: no properties", f.File, n)
			}
			r := &row{table: f.Table, line: n, envelope: env, props: props}
			ts, _ := props["Timestamp"].(string)
			var okT bool
			if r.ticks, okT = types.ParseDatetime(ts); !okT {
				t.Fatalf("%s:%d: bad Timestamp %q", f.File, n, ts)
			}
			r.device = r.str("DeviceId")
			num, _ := props["ReportId"].(json.Number)
			id, err := strconv.ParseInt(string(num), 10, 64)
			if err != nil {
				t.Fatalf("%s:%d: ReportId %v: %v", f.File, n, props["ReportId"], err)
			}
			r.report = id
			out[f.Table] = append(out[f.Table], r)
		}
		if err := sc.Err(); err != nil {
			t.Fatal(err)
		}
		if n != f.Rows {
			t.Errorf("%s: %d rows, truth says %d", f.File, n, f.Rows)
		}
	}
	return out
}
