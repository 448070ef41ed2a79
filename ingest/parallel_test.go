package ingest_test

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/rmmhunt/rmmhunt/gen"
	"github.com/rmmhunt/rmmhunt/ingest"
	"github.com/rmmhunt/rmmhunt/table"
)

// badLines are injected into generated streaming files: every kind of
// defect the line reader rejects, rows that add columns (with another
// case, unknown ones of changing types), and lines of other formats.
var badLines = []string{
	`{"time":"2026-11-19T10:00:00Z","category":"AdvancedHunting-DeviceProcessEvents","properties":{"Timestamp":"2026-11-19T10:00:00Z","DeviceName":"x","ProcessId":"twelve"}}`,
	`{"time":"2026-11-19T10:00:00Z","category":"AdvancedHunting-DeviceProcessEvents","properties":{"Timestamp":"2026-11-19T10:00:00Z","DeviceName":"trunc`,
	`{"time":"2026-11-19T10:00:00Z","category":"AdvancedHunting-NoSuchTable","properties":{"Timestamp":"2026-11-19T10:00:00Z"}}`,
	`{"category":"AdvancedHunting-DeviceProcessEvents","properties":{"Timestamp":"2026-11-19T10:00:00Z","DeviceName":"bad` + "\xff" + `utf8"}}`,
	`{"category":"AdvancedHunting-DeviceProcessEvents","properties":{"Timestamp":"2026-11-19T10:00:00Z","DeviceName":"ok"}} trailing`,
	`{"category":"AdvancedHunting-DeviceProcessEvents","properties":{"Timestamp":"2026-11-19T10:00:00Z","devicename":"case","ExtraCol":1}}`,
	`{"category":"AdvancedHunting-DeviceProcessEvents","properties":{"Timestamp":"2026-11-19T10:00:00Z","ExtraCol":2.5,"Other\u0041":"esc\"aped\\path"}}`,
	`{"category":"AdvancedHunting-DeviceProcessEvents","properties":{"TimeGenerated":"2026-11-19T10:00:00Z","ExtraCol":"text","Nested":{"a":[1,2]}}}`,
	`{"category":"AdvancedHunting-DeviceProcessEvents","properties":{"Timestamp":"2026-11-19T10:00:00Z","ExtraCol":"more","ProcessId":"not a number","Late":1}}`,
	`{"category":"AdvancedHunting-DeviceProcessEvents","properties":[1,2]}`,
	`[{"category":"AdvancedHunting-DeviceProcessEvents","properties":{"Timestamp":"2026-11-19T10:00:00Z","DeviceName":"arr1"}},{"category":"AdvancedHunting-DeviceProcessEvents","properties":{"Timestamp":"2026-11-19T10:00:00Z","DeviceName":"arr2"}}, 7]`,
	`{"records":[{"category":"AdvancedHunting-DeviceNetworkEvents","properties":{"Timestamp":"2026-11-19T10:00:00Z","RemotePort":443}},{"category":"AdvancedHunting-DeviceNetworkEvents","properties":{"Timestamp":"2026-11-19T10:00:00Z","RemotePort":"x"}}]}`,
	`{"Schema":[{"Name":"Timestamp","Type":"DateTime"},{"Name":"ExtraCol","Type":"String"},{"Name":"Declared","Type":"Int64"}],"Results":[{"Timestamp":"2026-11-19T10:00:00Z","ExtraCol":"api","Declared":5,"Type":"DeviceProcessEvents"}]}`,
	`{"category":"AdvancedHunting-DeviceProcessEvents","properties":{"Timestamp":"2026-11-19T10:00:00Z","Declared":"after the API line"}}`,
	`{"Timestamp":"2026-11-19T10:00:00Z","DeviceName":"flat row without a table"}`,
	`{"Timestamp":"2026-11-19T10:00:00Z","Type":"DeviceProcessEvents","DeviceName":"flat row with Type"}`,
	``,
	"   \r",
	`"just a string"`,
	`{"category":"AdvancedHunting-DeviceProcessEvents","properties":{"Timestamp":"2026-11-19T10:00:00Z","DeviceName":"` + strings.Repeat("long", 1500) + `"}}`,
}

// injected returns data with badLines spread over it (CRLF endings on some
// lines).
func injected(data []byte, seed int) []byte {
	lines := bytes.SplitAfter(data, []byte("\n"))
	var out bytes.Buffer
	for i, l := range lines {
		if i > 0 && i%37 == seed%37 {
			b := badLines[(i/37+seed)%len(badLines)]
			if i%3 == 0 {
				out.WriteString(b + "\r\n")
			} else {
				out.WriteString(b + "\n")
			}
		}
		out.Write(l)
	}
	return out.Bytes()
}

// recordingSink keeps everything Stream hands it, in order.
type recordingSink struct {
	calls []string
	data  []*table.Batch
}

func (s *recordingSink) StartFile(path string) (bool, error) {
	s.calls = append(s.calls, "start "+filepath.Base(path))
	return true, nil
}

func (s *recordingSink) Batch(name string, b *table.Batch) error {
	s.calls = append(s.calls, fmt.Sprintf("batch %s %d %v", name, b.N, b.Schema))
	s.data = append(s.data, b)
	return nil
}

func (s *recordingSink) Reject(r ingest.Reject) error {
	s.calls = append(s.calls, "reject "+r.String())
	return nil
}

func (s *recordingSink) EndFile(st ingest.FileStats) error {
	s.calls = append(s.calls, fmt.Sprintf("end %+v", st))
	return nil
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func gz(t *testing.T, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	w.Close()
	return b.Bytes()
}

// parallelInput writes generated streaming files with injected bad lines
// and a few small files for the cases a whole file decides.
func parallelInput(t *testing.T) string {
	dir := t.TempDir()
	if _, err := gen.Generate(gen.Options{Devices: 6, Days: 2, Seed: 7, OutDir: dir, RowsPerDeviceDay: 300}); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(dir, "truth.json"))
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) == 0 {
		t.Fatal("gen wrote no files")
	}
	for i, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		data = injected(data, i)
		writeFile(t, p, data)
		if i == 0 {
			writeFile(t, p+".gz", gz(t, data))
			z := gz(t, data)
			writeFile(t, filepath.Join(dir, "truncated-"+filepath.Base(p)+".gz"), z[:len(z)*2/3])
			writeFile(t, filepath.Join(dir, "noeol-"+filepath.Base(p)), bytes.TrimRight(data, "\r\n"))
		}
	}
	row := `{"Timestamp":"2026-11-19T10:00:00Z","DeviceName":"a"}`
	// A first value that routes no row, then a row without a table: the
	// file fails.
	writeFile(t, filepath.Join(dir, "notable.jsonl"), []byte("[]\n[1]\n"+row+"\n"+row+"\n"))
	// The same rows in a file named after its table.
	writeFile(t, filepath.Join(dir, "DeviceInfo-rows.jsonl"), []byte("[]\n"+row+"\n\n"+row+"\r\n"+row))
	// A large file that fails on its second line.
	writeFile(t, filepath.Join(dir, "notable-large.jsonl"), append([]byte("[]\n"+row+"\n"), bytes.Repeat([]byte(row+"\n"), 5000)...))
	return dir
}

func loadBoth(t *testing.T, dir string, workers, chunk, maxLine int, opts ingest.Options) (*ingest.Result, error, *recordingSink) {
	t.Helper()
	defer ingest.SetParallel(workers, chunk, maxLine)()
	res, err := ingest.Load([]string{dir}, opts)
	sink := &recordingSink{}
	sres, serr := ingest.Stream([]string{dir}, opts, sink)
	if fmt.Sprint(err) != fmt.Sprint(serr) || sres.Read != res.Read || sres.Stored != res.Stored {
		t.Fatalf("Load and Stream differ: %v %v", err, serr)
	}
	return res, err, sink
}

// TestParallelSameAsSequential checks that reading JSON Lines on several
// goroutines gives exactly what the sequential reader gives: rows, their
// order and batches, rejects with their positions, warnings and counts.
func TestParallelSameAsSequential(t *testing.T) {
	dir := parallelInput(t)
	const maxLine = 5000 // longer than any generated row
	for _, opts := range []ingest.Options{{BatchRows: 97}, {}} {
		want, wantErr, wantSink := loadBoth(t, dir, 1, 0, maxLine, opts)
		if want.Rejected < 50 || want.Stored < 3000 || wantErr == nil || !hasReject(want, "line longer than") ||
			!hasReject(want, "column Declared") || !hasReject(want, "the last line is incomplete") {
			t.Fatalf("input too tame: stored %d rejected %d, err %v", want.Stored, want.Rejected, wantErr)
		}
		for _, chunk := range []int{3000, 8000, 1 << 16, 2 << 20} {
			for _, workers := range []int{2, 3} {
				name := fmt.Sprintf("batch%d/chunk%d/workers%d", opts.BatchRows, chunk, workers)
				got, gotErr, gotSink := loadBoth(t, dir, workers, chunk, maxLine, opts)
				if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
					t.Errorf("%s: error %v, want %v", name, gotErr, wantErr)
				}
				compareResults(t, name, got, want)
				if !reflect.DeepEqual(gotSink.calls, wantSink.calls) {
					t.Errorf("%s: stream calls differ", name)
					for i := range min(len(gotSink.calls), len(wantSink.calls)) {
						if gotSink.calls[i] != wantSink.calls[i] {
							t.Errorf("first difference:\n got %s\nwant %s", gotSink.calls[i], wantSink.calls[i])
							break
						}
					}
				} else if !reflect.DeepEqual(gotSink.data, wantSink.data) {
					t.Errorf("%s: streamed batches differ", name)
				}
			}
		}
	}
}

func hasReject(res *ingest.Result, substr string) bool {
	for _, r := range res.Rejects {
		if strings.Contains(r.Reason, substr) {
			return true
		}
	}
	return false
}

func compareResults(t *testing.T, name string, got, want *ingest.Result) {
	t.Helper()
	if got.Read != want.Read || got.Stored != want.Stored || got.Rejected != want.Rejected {
		t.Errorf("%s: read/stored/rejected %d/%d/%d, want %d/%d/%d", name, got.Read, got.Stored, got.Rejected, want.Read, want.Stored, want.Rejected)
	}
	if !reflect.DeepEqual(got.Files, want.Files) {
		t.Errorf("%s: files\n got %+v\nwant %+v", name, got.Files, want.Files)
	}
	if !reflect.DeepEqual(got.Rejects, want.Rejects) {
		for i := range min(len(got.Rejects), len(want.Rejects)) {
			if got.Rejects[i] != want.Rejects[i] {
				t.Errorf("%s: reject %d\n got %s\nwant %s", name, i, got.Rejects[i], want.Rejects[i])
				break
			}
		}
		t.Errorf("%s: %d rejects, want %d", name, len(got.Rejects), len(want.Rejects))
	}
	if !reflect.DeepEqual(got.Warnings, want.Warnings) {
		t.Errorf("%s: warnings\n got %v\nwant %v", name, got.Warnings, want.Warnings)
	}
	if !reflect.DeepEqual(got.Tables, want.Tables) {
		t.Errorf("%s: tables differ", name)
	}
}
