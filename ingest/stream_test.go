package ingest

import (
	"path/filepath"
	"testing"

	"github.com/rmmhunt/rmmhunt/table"
)

// collectSink gathers what Stream hands over.
type collectSink struct {
	rows    map[string]int
	rejects int
	files   []FileStats
	skip    string
}

func (c *collectSink) StartFile(path string) (bool, error) { return path != c.skip, nil }
func (c *collectSink) Batch(t string, b *table.Batch) error {
	for i, col := range b.Cols {
		if col.Len() != b.N {
			panic("column " + b.Schema[i].Name + " has the wrong length")
		}
	}
	c.rows[t] += b.N
	return nil
}
func (c *collectSink) Reject(Reject) error        { c.rejects++; return nil }
func (c *collectSink) EndFile(st FileStats) error { c.files = append(c.files, st); return nil }

// TestStreamMatchesLoad streams every test input and checks that the rows,
// counts and rejects are those Load finds.
func TestStreamMatchesLoad(t *testing.T) {
	dirs, _ := filepath.Glob("testdata/*")
	for _, dir := range dirs {
		want, werr := Load([]string{dir}, Options{BatchRows: 7})
		sink := &collectSink{rows: map[string]int{}}
		got, gerr := Stream([]string{dir}, Options{BatchRows: 7}, sink)
		if (werr == nil) != (gerr == nil) {
			t.Errorf("%s: Load error %v, Stream error %v", dir, werr, gerr)
			continue
		}
		if got.Read != want.Read || got.Stored != want.Stored || got.Rejected != want.Rejected {
			t.Errorf("%s: Stream counts %d/%d/%d, Load %d/%d/%d", dir, got.Read, got.Stored, got.Rejected, want.Read, want.Stored, want.Rejected)
		}
		if sink.rejects != want.Rejected {
			t.Errorf("%s: sink saw %d rejects, want %d", dir, sink.rejects, want.Rejected)
		}
		if len(sink.files) != len(want.Files) {
			t.Errorf("%s: %d files ended, want %d", dir, len(sink.files), len(want.Files))
		}
		for name, tab := range want.Tables {
			if sink.rows[name] != tab.Rows() {
				t.Errorf("%s: %s: streamed %d rows, want %d", dir, name, sink.rows[name], tab.Rows())
			}
		}
	}
}
