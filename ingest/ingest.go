package ingest

import (
	"fmt"
	"io"
	"sync/atomic"

	"github.com/rmmhunt/rmmhunt/schema"
	"github.com/rmmhunt/rmmhunt/table"
)

// Options control how files are read.
type Options struct {
	// Table names the table of formats that do not carry one (CSV, NDJSON
	// rows, API JSON). "" takes it from a row's Type column, the file name
	// prefix or a directory component (see Load). Streaming records always
	// use their category.
	Table string
	// Registry holds the known tables; nil means schema.Default().
	Registry *schema.Registry
	// BatchRows is the number of rows per batch; 0 means DefaultBatchRows.
	BatchRows int
	// MaxRejects caps how many rejects are listed in Result.Rejects; 0 means
	// no cap. Counts stay exact when the list is capped.
	MaxRejects int
	// BytesRead, when set, is advanced by the bytes read from each input
	// file (compressed bytes for gzip), for progress reports.
	BytesRead *atomic.Int64
}

// DefaultBatchRows is the number of rows per batch when Options.BatchRows
// is 0.
const DefaultBatchRows = 1 << 16

// Format names an input format, detected from content.
type Format string

// The formats Load recognises.
const (
	// FormatStreaming is Defender's streaming API output: Event Hub
	// messages {"records":[envelope, ...]} or storage-blob JSON Lines with
	// one envelope {"time", "category", "properties"} per line.
	FormatStreaming Format = "streaming"
	// FormatAPI is an Advanced Hunting API or Graph runHuntingQuery
	// response: {"Schema":[...], "Results":[...]}.
	FormatAPI Format = "api"
	// FormatLogAnalytics is a Log Analytics query API response:
	// {"tables":[{"name", "columns", "rows"}]}.
	FormatLogAnalytics Format = "loganalytics"
	// FormatNDJSON is JSON Lines with one flat row object per line.
	FormatNDJSON Format = "ndjson"
	// FormatCSV is comma-separated text with a header row.
	FormatCSV Format = "csv"
	// FormatParquet is a Parquet file: one written by the rmmhunt store or
	// by another tool (DuckDB, Spark, pandas), one row per Parquet row.
	FormatParquet Format = "parquet"
	// FormatCapture is an Event Hubs Capture file: Avro object container
	// whose records' Body is an Event Hub message {"records":[...]}.
	FormatCapture Format = "capture"
	// FormatEmpty is a file holding nothing but white space.
	FormatEmpty Format = "empty"
)

// Result is what a load produced.
type Result struct {
	// Tables holds every table that received rows, by name. All batches of
	// a table share its schema: the documented columns in documented order,
	// then extra columns in first-seen order.
	Tables map[string]*table.Table
	// Files has one entry per input file, in reading order.
	Files []FileStats
	// Read counts rows read (and unparseable units such as a bad line);
	// Read == Stored + Rejected, always.
	Read, Stored, Rejected int
	// Rejects lists rejected rows in reading order (capped by
	// Options.MaxRejects).
	Rejects []Reject
	// Warnings lists non-fatal notes: unknown columns kept, Timestamp
	// filled from TimeGenerated, and the like.
	Warnings []Warning
}

// FileStats describes one input file.
type FileStats struct {
	Path       string
	Format     Format   // the format detected from the file's first value or line
	Compressed bool     // the file was gzip-compressed
	Tables     []string // the tables that stored rows from the file, sorted
	Read       int      // rows read, including rejected ones
	Stored     int
	Rejected   int
	// Error is set when the file could not be read at all (it does not
	// exist, its table cannot be told, its format is not supported).
	Error string
	// Skipped is set for a file found in a directory walk that holds no
	// telemetry rmmhunt can place (see Load); a warning names it.
	Skipped bool
}

// Reject is one row that could not be stored.
type Reject struct {
	File   string
	Line   int // 1-based line of the defect, 0 when unknown or not text
	Column int // 1-based byte column of the defect in its line, 0 when unknown
	// Row is the 1-based row of a Parquet file, 0 for other formats.
	Row int
	// Message is the 1-based message of an Event Hub Capture (Avro) file,
	// Sequence its Event Hub sequence number and Record the 1-based record
	// of its body (0 when the body itself is at fault); Sequence is -1
	// when the message could not be decoded. All 0 for other formats.
	Message  int
	Sequence int64
	Record   int
	Reason   string
	Raw      string // the row's text, truncated to MaxRawBytes
}

// MaxRawBytes is the most bytes of a rejected row kept in Reject.Raw.
const MaxRawBytes = 1024

// String formats the reject as file:line:column: reason, or for binary
// formats as "file: row N: reason" (Parquet) and "file: message M
// (sequence number S), record R: reason" (Event Hub Capture).
func (r Reject) String() string {
	switch {
	case r.Message > 0:
		where := fmt.Sprintf("message %d", r.Message)
		if r.Sequence >= 0 {
			where += fmt.Sprintf(" (sequence number %d)", r.Sequence)
		}
		if r.Record > 0 {
			where += fmt.Sprintf(", record %d", r.Record)
		}
		return fmt.Sprintf("%s: %s: %s", r.File, where, r.Reason)
	case r.Row > 0:
		return fmt.Sprintf("%s: row %d: %s", r.File, r.Row, r.Reason)
	case r.Column > 0:
		return fmt.Sprintf("%s:%d:%d: %s", r.File, r.Line, r.Column, r.Reason)
	}
	return fmt.Sprintf("%s:%d: %s", r.File, r.Line, r.Reason)
}

// Warning is a non-fatal note about a file.
type Warning struct {
	File    string
	Line    int    // 1-based line where it first applied, 0 for the whole file
	Column  string // the column it concerns, if any
	Message string
}

// String formats the warning as file:line: message.
func (w Warning) String() string {
	if w.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", w.File, w.Line, w.Message)
	}
	return fmt.Sprintf("%s: %s", w.File, w.Message)
}

// Load reads every path — a file, or a directory walked recursively in
// sorted order, skipping entries whose names start with '.' — and returns
// the typed tables. Gzip input is recognised by its magic bytes and
// decompressed. The format of each file is detected from its content.
//
// For formats that do not name their table, the table is Options.Table;
// else a row's Type column when it names a known table; else the longest
// known table name that prefixes the file's base name
// (DeviceProcessEvents-2026-11.csv); else a directory named am-<Table>
// (Log Analytics export) or insights-logs-advancedhunting-<table>
// (streaming to storage).
//
// Bad rows never stop a load: they are counted and listed in Rejects. Files
// that cannot be read at all are noted in their FileStats.Error, and Load
// then returns the complete Result together with an error joining those
// file errors. An unknown Options.Table is an error before anything is read.
func Load(paths []string, opts Options) (*Result, error) {
	l, err := newLoader(opts)
	if err != nil {
		return nil, err
	}
	files, walkErrs := expandPaths(paths)
	for _, we := range walkErrs {
		l.fileError(FileStats{Path: we.path}, we.err)
	}
	for _, in := range files {
		l.loadFile(in.path, in.walked)
	}
	return l.finish()
}

// LoadReader reads one input from r; name is used in messages and, like a
// file path, to tell the table.
func LoadReader(name string, r io.Reader, opts Options) (*Result, error) {
	l, err := newLoader(opts)
	if err != nil {
		return nil, err
	}
	l.loadStream(name, r, false)
	return l.finish()
}
