package ingest

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/rmmhunt/rmmhunt/schema"
	"github.com/rmmhunt/rmmhunt/table"
)

// loader is the state of one Load: the tables built so far and the result.
type loader struct {
	opts      Options
	reg       *schema.Registry
	batchRows int
	res       *Result
	accs      map[string]*tableAcc
	errs      []error
	dropped   int // rejects left off the list (Options.MaxRejects)
	// out, when set, receives batches and rejects as they are made
	// (Stream); otherwise batches gather in accs (Load).
	out Sink
	// The parallel JSON Lines reader's key registries by table, and its
	// buffers, kept from file to file.
	colMu   sync.Mutex
	colRegs map[string]*colRegistry
	chunks  []*jchunk
}

func newLoader(opts Options) (*loader, error) {
	reg := opts.Registry
	if reg == nil {
		reg = schema.Default()
	}
	if opts.Table != "" {
		t := tableNamed(reg, opts.Table)
		if t == "" {
			msg := fmt.Sprintf("ingest: unknown table %q", opts.Table)
			if s := reg.Suggest(opts.Table); s != "" {
				msg += fmt.Sprintf(" (did you mean %s?)", s)
			}
			return nil, errors.New(msg)
		}
		opts.Table = t
	}
	rows := opts.BatchRows
	if rows <= 0 {
		rows = DefaultBatchRows
	}
	return &loader{
		opts:      opts,
		reg:       reg,
		batchRows: rows,
		res:       &Result{Tables: map[string]*table.Table{}},
		accs:      map[string]*tableAcc{},
	}, nil
}

// fileError records a file that could not be read at all.
func (l *loader) fileError(st FileStats, err error) {
	st.Error = err.Error()
	l.res.Files = append(l.res.Files, st)
	l.errs = append(l.errs, fmt.Errorf("%s: %w", st.Path, err))
}

func (l *loader) acc(name string) *tableAcc {
	a := l.accs[name]
	if a == nil {
		def, _ := l.reg.Lookup(name)
		a = &tableAcc{name: name, def: def, extraSet: map[string]bool{}}
		l.accs[name] = a
	}
	return a
}

func (l *loader) addReject(r Reject) {
	if l.out != nil {
		if err := l.out.Reject(r); err != nil {
			panic(abortStream{err})
		}
	}
	if l.opts.MaxRejects > 0 && len(l.res.Rejects) >= l.opts.MaxRejects {
		l.dropped++
		return
	}
	l.res.Rejects = append(l.res.Rejects, r)
}

// loadFile reads one file.
func (l *loader) loadFile(path string, walked bool) {
	fh, err := os.Open(path)
	if err != nil {
		l.fileError(FileStats{Path: path}, unwrapPathError(err))
		return
	}
	defer fh.Close()
	var r io.Reader = fh
	if l.opts.BytesRead != nil {
		r = &countingReader{r: fh, n: l.opts.BytesRead}
	}
	l.loadStream(path, r, walked)
}

// loadStream reads one input. A file found by walking a directory whose
// table cannot be told and of which no row was read (a truth file, notes)
// is skipped with a warning instead of failing the load; named explicitly,
// the same file is an error.
func (l *loader) loadStream(name string, r io.Reader, walked bool) {
	f := &fileState{
		l:         l,
		name:      name,
		stats:     FileStats{Path: name},
		fileTable: l.opts.Table,
		sinks:     map[string]*sink{},
		warned:    map[string]bool{},
		src:       readerAtOf(r),
	}
	if f.fileTable == "" {
		f.fileTable = tableFromPath(l.reg, name)
	}
	err := f.read(r)
	for _, t := range sortedKeys(f.sinks) {
		s := f.sinks[t]
		s.flush()
		if s.stored > 0 {
			f.stats.Tables = append(f.stats.Tables, t)
		}
	}
	if f.stats.Format == "" && err == nil {
		f.stats.Format = FormatEmpty
	}
	l.res.Read += f.stats.Read
	l.res.Stored += f.stats.Stored
	l.res.Rejected += f.stats.Rejected
	if err != nil {
		if walked && f.stats.Read == 0 && errors.Is(err, errNoTableSentinel) {
			f.stats.Skipped = true
			l.res.Files = append(l.res.Files, f.stats)
			l.res.Warnings = append(l.res.Warnings, Warning{File: name,
				Message: "skipped: not Defender telemetry, or its table cannot be told (name the file after its table or pass the table explicitly)"})
			return
		}
		l.fileError(f.stats, err)
		return
	}
	l.res.Files = append(l.res.Files, f.stats)
}

// finish builds the tables and returns the result.
func (l *loader) finish() (*Result, error) {
	for _, name := range sortedKeys(l.accs) {
		a := l.accs[name]
		if len(a.batches) == 0 {
			continue // every row was rejected
		}
		l.res.Tables[name] = a.build(func(msg string) {
			l.res.Warnings = append(l.res.Warnings, Warning{Message: msg})
		})
	}
	if l.dropped > 0 {
		l.res.Warnings = append(l.res.Warnings, Warning{
			Message: fmt.Sprintf("%d more rejected rows not listed (MaxRejects %d)", l.dropped, l.opts.MaxRejects)})
	}
	return l.res, errors.Join(l.errs...)
}

// fileState is the state of reading one file.
type fileState struct {
	l         *loader
	name      string
	stats     FileStats
	fileTable string // from Options.Table or the path; "" when neither tells
	sinks     map[string]*sink
	warned    map[string]bool
	routed    bool              // some row has been given a table
	typeCache map[string]string // Type column value → known table or ""
	// The last streaming category read, its table and the reason it has none.
	lastCategory          []byte
	lastTable, lastReason string
	scratch               []byte      // unescaped strings of the current row
	memBufs               [3][]member // member lists by nesting level
	pos                   posMap
	// src is the random-access view of the input, when it has one.
	src *srcReader
	// capture is the position in an Event Hubs Capture file.
	capture captureState
	// rec, when set, makes this the state of a worker of the parallel
	// reader: rows, rejects and formats are recorded in it for the replay.
	rec *recorder
	// The sink of the last table a replayed row went to.
	lastSink      *sink
	lastSinkTable string
}

// member is one key/value pair of a JSON object: the key (unescaped) and the
// value's span in the input.
type member struct {
	key    []byte
	vs, ve int
}

func (f *fileState) setFormat(ft Format) {
	if r := f.rec; r != nil {
		if r.lastFmt != ft {
			r.lastFmt = ft
			r.events = append(r.events, pevent{kind: evFormat, table: string(ft)})
		}
		return
	}
	if f.stats.Format == "" {
		f.stats.Format = ft
	}
}

func (f *fileState) sink(table string) *sink {
	s := f.sinks[table]
	if s == nil {
		s = newSink(f, f.l.acc(table))
		f.sinks[table] = s
	}
	return s
}

// warnOnce records a warning the first time key is seen in this file.
func (f *fileState) warnOnce(line int, column, key, msg string) {
	if f.warned[key] {
		return
	}
	f.warned[key] = true
	f.l.res.Warnings = append(f.l.res.Warnings, Warning{File: f.name, Line: line, Column: column, Message: msg})
}

// reject counts one unit read and rejected.
func (f *fileState) reject(line, col int, reason string, raw []byte) {
	if r := f.rec; r != nil {
		i := r.addReject(line, col, reason, truncRaw(raw), false)
		r.events = append(r.events, pevent{kind: evReject, line: int32(line), rej: i})
		return
	}
	f.rejectText(line, col, reason, truncRaw(raw))
}

// rejectText is reject with the row's text already truncated.
func (f *fileState) rejectText(line, col int, reason, raw string) {
	f.stats.Read++
	f.stats.Rejected++
	r := Reject{File: f.name, Line: line, Column: col, Reason: reason, Raw: raw}
	if c := f.capture; c.message > 0 {
		// Positions in a message body mean little: name the message.
		r.Line, r.Column = 0, 0
		r.Message, r.Sequence, r.Record = c.message, c.sequence, c.record
	}
	f.l.addReject(r)
}

// rejectAt rejects a unit whose defect is at offset off of f.pos's data.
func (f *fileState) rejectAt(off int, reason string, raw []byte) {
	line, col := f.pos.at(off)
	f.reject(line, col, reason, raw)
}

// truncRaw keeps at most MaxRawBytes of raw, not splitting a UTF-8
// sequence.
func truncRaw(raw []byte) string {
	if len(raw) <= MaxRawBytes {
		return string(raw)
	}
	cut := MaxRawBytes
	for i := 0; i < utf8.UTFMax && cut > 0 && !utf8.RuneStart(raw[cut]); i++ {
		cut--
	}
	return string(raw[:cut])
}

// prepScratch readies the unescape buffer for a row of n bytes: strings
// unescaped from a row never need more room than the row itself, so the
// buffer never moves while the row is assembled.
func (f *fileState) prepScratch(n int) {
	if cap(f.scratch) < n {
		f.scratch = make([]byte, 0, max(n, 2*cap(f.scratch)))
	}
	f.scratch = f.scratch[:0]
}

// errNoTable is the file-level error for rows whose table cannot be told.
func (f *fileState) errNoTable() error {
	return fatalError{errNoTableSentinel}
}

// errNoTableSentinel is the error of a file whose table cannot be told.
var errNoTableSentinel = errors.New("cannot tell which table the rows belong to: set the table name explicitly, " +
	"name the file after its table (e.g. DeviceProcessEvents.jsonl), or include a Type column naming it")

// typeTable returns the known table named by a Type column value, or "".
func (f *fileState) typeTable(v []byte) string {
	if t, ok := f.typeCache[string(v)]; ok {
		return t
	}
	t := ""
	if _, ok := f.l.reg.Lookup(string(v)); ok {
		t = string(v)
	}
	if f.typeCache == nil {
		f.typeCache = map[string]string{}
	}
	if len(f.typeCache) < 4096 {
		f.typeCache[string(v)] = t
	}
	return t
}

// noTableReason explains a row without a table in a file whose other rows
// had one.
const noTableReason = "cannot tell the row's table: its Type column names no known table and the file name names none"

// showJSON shows a raw JSON value in a reject message, shortened.
func showJSON(v []byte) string { return shorten(string(v)) }

// showText quotes a text value in a reject message, shortened.
func showText(v string) string { return fmt.Sprintf("%q", shorten(v)) }

func shorten(v string) string {
	const limit = 80
	if len(v) <= limit {
		return v
	}
	cut := limit
	for cut > 0 && !utf8.RuneStart(v[cut]) {
		cut--
	}
	return v[:cut] + "…"
}

// countingReader adds the bytes read through it to n.
type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	k, err := c.r.Read(p)
	c.n.Add(int64(k))
	return k, err
}
