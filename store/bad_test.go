package store_test

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rmmhunt/rmmhunt/store"
)

// badCase is one file of the bad-input corpus with what an ingest of it
// must count, and the reasons its rejected rows must give (in order).
type badCase struct {
	file                         string
	read, stored, rejected, dups int64
	reasons                      []string
}

var badCorpus = []badCase{
	{file: "truncated-json.json", read: 4, stored: 3, rejected: 1, reasons: []string{"truncated JSON"}},
	{file: "truncated-gzip.json.gz", read: 88, stored: 87, rejected: 1, reasons: []string{"truncated gzip stream"}},
	{file: "invalid-utf8.json", read: 2, stored: 1, rejected: 1, reasons: []string{"invalid UTF-8"}},
	{file: "DeviceProcessEvents-bom.csv", read: 2, stored: 2},
	{file: "DeviceProcessEvents-crlf.csv", read: 2, stored: 2},
	{file: "DeviceProcessEvents-quoted-newlines.csv", read: 2, stored: 2},
	{file: "wrong-types.json", read: 3, stored: 1, rejected: 2, reasons: []string{`ReportId: "abc" is not a long`, `ReportId: {"x": 1} is not a long`}},
	{file: "bad-datetimes.json", read: 3, stored: 1, rejected: 2, reasons: []string{`"yesterday" is not a datetime`, `"2026-13-45T99:00:00Z" is not a datetime`}},
	{file: "DeviceProcessEvents-empty.json"},
	{file: "unknown-category.json", read: 2, stored: 1, rejected: 1, reasons: []string{`unknown table "NoSuchTable"`}},
	{file: "dup-a.json", read: 2, stored: 2},
}

// TestBadInputs ingests each file of the bad-input corpus into its own
// store and checks the counts and the rejects file.
func TestBadInputs(t *testing.T) {
	for _, tc := range badCorpus {
		t.Run(tc.file, func(t *testing.T) {
			s, res := ingestInto(t, store.IngestOptions{}, filepath.Join("testdata/bad", tc.file))
			if res.Read != tc.read || res.Stored != tc.stored || res.Rejected != tc.rejected || res.Duplicates != tc.dups {
				t.Errorf("read %d, stored %d, rejected %d, duplicates %d; want %d, %d, %d, %d",
					res.Read, res.Stored, res.Rejected, res.Duplicates, tc.read, tc.stored, tc.rejected, tc.dups)
			}
			lines := readRejects(t, res.RejectsFile)
			if len(lines) != len(tc.reasons) {
				t.Fatalf("%d rejects in %q, want %d", len(lines), res.RejectsFile, len(tc.reasons))
			}
			for i, l := range lines {
				if !strings.Contains(l.Reason, tc.reasons[i]) || l.Line == 0 || !strings.HasSuffix(l.File, tc.file) {
					t.Errorf("reject %d: %+v, want reason containing %q", i, l, tc.reasons[i])
				}
			}
			if errs := s.Check(); len(errs) > 0 {
				t.Error(errs)
			}
		})
	}
}

// TestBadCorpusWhole ingests the whole corpus at once: the totals add up,
// the duplicated file counts as duplicates, and a second run is a no-op.
func TestBadCorpusWhole(t *testing.T) {
	s, res := ingestInto(t, store.IngestOptions{}, "testdata/bad")
	var want badCase
	for _, tc := range badCorpus {
		want.read += tc.read
		want.stored += tc.stored
		want.rejected += tc.rejected
	}
	want.read += 2 // dup-b.json, the same content as dup-a.json
	if res.Read != want.read || res.Stored != want.stored || res.Rejected != want.rejected || res.Duplicates != 2 {
		t.Errorf("read %d, stored %d, rejected %d, duplicates %d; want %d, %d, %d, 2",
			res.Read, res.Stored, res.Rejected, res.Duplicates, want.read, want.stored, want.rejected)
	}
	again, err := s.Ingest([]string{"testdata/bad"}, store.IngestOptions{MaxRejects: -1})
	if err != nil {
		t.Fatal(err)
	}
	if again.Duplicates != res.Read || again.Read != res.Read || again.Stored != 0 || again.RejectsFile != "" {
		t.Errorf("second run: %+v", again)
	}
}

// TestMaxRejects checks that too many rejects fail the ingest and commit
// nothing.
func TestMaxRejects(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "store")
	s, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Ingest([]string{"testdata/bad"}, store.IngestOptions{MaxRejects: 3})
	if err == nil || !strings.Contains(err.Error(), "more than 3") {
		t.Fatalf("error %v, want too many rejects", err)
	}
	if res == nil || res.Rejected > 3 {
		t.Fatalf("result %+v", res)
	}
	if store.Exists(dir) {
		t.Error("a failed first ingest left a manifest")
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "*", "*", "*.parquet*")); len(m) > 0 {
		t.Errorf("files left behind: %v", m)
	}
	// Within the limit the same input is stored.
	if _, err := s.Ingest([]string{"testdata/bad"}, store.IngestOptions{MaxRejects: 8}); err != nil {
		t.Fatal(err)
	}
}

// TestLongLine stores a row with a 10 MB command line.
func TestLongLine(t *testing.T) {
	dir := t.TempDir()
	cmd := strings.Repeat("A", 10<<20)
	line := `{"time":"2026-11-19T09:00:00Z","category":"AdvancedHunting-DeviceProcessEvents","properties":{"Timestamp":"2026-11-19T09:00:00Z","DeviceName":"ws-1","ProcessCommandLine":"` + cmd + `"}}`
	path := filepath.Join(dir, "long.json")
	if err := os.WriteFile(path, []byte(line+"\n"+line[:100]+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, res := ingestInto(t, store.IngestOptions{}, path)
	if res.Read != 2 || res.Stored != 1 || res.Rejected != 1 {
		t.Fatalf("read %d stored %d rejected %d", res.Read, res.Stored, res.Rejected)
	}
	got := run(t, `DeviceProcessEvents | project n = strlen(ProcessCommandLine)`, s, nowOf(s))
	if len(got) != 1 || got[0] != "10485760" {
		t.Fatalf("got %v", got)
	}
}

type rejectLine struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Column int    `json:"column"`
	Reason string `json:"reason"`
	Raw    string `json:"raw"`
}

func readRejects(t *testing.T, path string) []rejectLine {
	t.Helper()
	if path == "" {
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []rejectLine
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var l rejectLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, l)
	}
	return out
}
