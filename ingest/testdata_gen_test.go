package ingest

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var updateBinary = flag.Bool("update-binary", false, "rewrite the binary test files under testdata/binary")

// binaryTestdata is the binary test input (Parquet, Event Hubs Capture)
// that the command-line scripts read; TestBinaryTestdata writes it with
// -update-binary and otherwise checks that it is current.
func binaryTestdata(t testing.TB) map[string][]byte {
	rows := foreignRows()
	rows = append(rows, pqForeignRow{Timestamp: rows[0].Timestamp, DeviceName: "fin-ws-019", FileSize: ptr(1.5)})
	return map[string][]byte{
		"DeviceProcessEvents-export.parquet": writePQ(t, rows),
		"eventhub-capture.avro":              writeCapture(t, "deflate", []string{capGood}, []string{capBad}),
	}
}

func TestBinaryTestdata(t *testing.T) {
	for name, data := range binaryTestdata(t) {
		path := filepath.Join("testdata", "binary", name)
		if *updateBinary {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		res := load(t, Options{}, path)
		if res.Read == 0 || res.Files[0].Error != "" {
			t.Errorf("%s: %+v", path, res.Files)
		}
	}
}
