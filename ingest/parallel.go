package ingest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/schema"
)

// This file reads JSON Lines input on several goroutines. One goroutine
// reads the input in chunks of whole lines into a fixed set of buffers;
// workers scan each chunk and type its rows into cells, recording what
// each line gave (rows, rejects, a detected format) in input order; the
// reading goroutine replays the chunks in input order into the table
// sinks. Everything that depends on what came before (slots and the
// warnings they give, batch boundaries, counts, whether a row without a
// table fails the file) is decided in the replay, so the result is the one
// the sequential reader gives.

// jsonWorkers is the number of goroutines that scan JSON Lines input; 1
// reads it sequentially. 0 means GOMAXPROCS (tests set it).
var jsonWorkers = 0

// chunkBytes is the size of the buffers JSON Lines input is read into
// (tests lower it).
var chunkBytes = 512 << 10

// arenaBlock is the least size of a block of unescaped text.
const arenaBlock = 256 << 10

func workerCount() int {
	if jsonWorkers > 0 {
		return jsonWorkers
	}
	return runtime.GOMAXPROCS(0)
}

// errSeqLine stops a worker on a line that must be read sequentially (API
// and Log Analytics responses declare their column types).
var errSeqLine = errors.New("line read sequentially")

// evKind tells what a recorded event is.
type evKind uint8

const (
	evRow     evKind = iota // a row; with rej >= 0, a row rejected for a value
	evReject                // a unit rejected before it was typed
	evNoTable               // a row whose table cannot be told
	evFormat                // the format detected
	evSeqLine               // a line to read sequentially
	evTooLong               // an over-long line, skipped
)

// pevent is one thing a worker found, in input order.
type pevent struct {
	kind evKind
	// level is the nesting level of the row's member object (evRow).
	level int8
	// line is the line of the event, counted from 0 at the chunk's start.
	line int32
	// table is the row's table (evRow) or the format (evFormat).
	table string
	// c0, c1 delimit the row's cells (evRow); with rej >= 0 the last one
	// is the value that does not fit.
	c0, c1 int32
	// rej indexes the reject (evRow, evReject, evNoTable), or is -1.
	rej int32
	// lineOff, lineEnd delimit the line in the chunk (evRow, evSeqLine).
	lineOff, lineEnd int32
	// start, end delimit the row in its line; obj is the offset of the
	// object whose members are the row's columns (evRow).
	start, end, obj int32
}

// prej is a reject recorded by a worker.
type prej struct {
	col    int
	reason string
	raw    string
	routes bool // the row was given a table (it counts for evNoTable)
}

// pcell is one typed member of a recorded row.
type pcell struct {
	col *colInfo
	c   cell
}

// recorder collects the events of one chunk.
type recorder struct {
	events  []pevent
	rejects []prej
	cells   []pcell
	arena   [][]byte // blocks of unescaped text; cells point into them
	block   int      // the block in use
	lastFmt Format
	// The line being read: its place in the chunk.
	line             int32
	lineOff, lineEnd int32
	tables           map[string]*workerTable
}

func (r *recorder) reset() {
	r.events = r.events[:0]
	r.rejects = r.rejects[:0]
	clear(r.cells) // drop references to dynamic values
	r.cells = r.cells[:0]
	r.block = 0
	r.lastFmt = ""
}

// recMark is a position in a recorder to roll back to.
type recMark struct{ events, rejects, cells int }

func (r *recorder) mark() recMark {
	return recMark{len(r.events), len(r.rejects), len(r.cells)}
}

func (r *recorder) rollback(m recMark) {
	r.events, r.rejects, r.cells = r.events[:m.events], r.rejects[:m.rejects], r.cells[:m.cells]
	r.lastFmt = ""
}

func (r *recorder) addReject(line, col int, reason, raw string, routes bool) int32 {
	r.rejects = append(r.rejects, prej{col: col, reason: reason, raw: raw, routes: routes})
	return int32(len(r.rejects) - 1)
}

// scratchFor returns a buffer with room for n more bytes that does not
// move while they are appended.
func (r *recorder) scratchFor(cur []byte, n int) []byte {
	if cap(cur)-len(cur) >= n && cur != nil {
		return cur
	}
	if cur != nil {
		r.block++
	}
	for r.block < len(r.arena) {
		if b := r.arena[r.block]; cap(b) >= n {
			return b[:0]
		}
		r.block++
	}
	b := make([]byte, 0, max(n, arenaBlock))
	r.arena = append(r.arena, b)
	r.block = len(r.arena) - 1
	return b
}

// colInfo is how a worker types one member key of a table's rows: the
// column the key names and its type, as a new slot of a sink would have
// them (see sink.newSlot). The replay maps it to the sink's slot and
// checks that the slot has that type.
type colInfo struct {
	id    int    // dense per table, indexes sink.byCol
	key   string // the key as the input spells it
	name  string // the column name
	typ   types.Type
	infer bool
}

// colRegistry numbers the member keys of one table across a load.
type colRegistry struct {
	mu    sync.Mutex
	def   *schema.Table
	byKey map[string]*colInfo
	n     int
}

func (r *colRegistry) lookup(key []byte) *colInfo {
	r.mu.Lock()
	defer r.mu.Unlock()
	if ci, ok := r.byKey[string(key)]; ok {
		return ci
	}
	name := string(key)
	ci := &colInfo{id: r.n, key: name}
	r.n++
	ci.name, ci.typ, ci.infer = resolveColumn(r.def, name)
	r.byKey[name] = ci
	return ci
}

// resolveColumn names the column a key of def's rows stands for and its
// type, as sink.newSlot does for JSON input.
func resolveColumn(def *schema.Table, name string) (string, types.Type, bool) {
	for _, c := range def.Columns {
		if c.Name == name {
			return c.Name, c.Type, false
		}
	}
	for _, c := range def.Columns {
		if strings.EqualFold(c.Name, name) {
			return c.Name, c.Type, false
		}
	}
	if c, ok := optionalColumn(def, name); ok {
		return c.Name, c.Type, false
	}
	return name, types.Null, true
}

// colRegistry returns the load's registry of table t's keys.
func (l *loader) colRegistry(t string) *colRegistry {
	l.colMu.Lock()
	defer l.colMu.Unlock()
	r := l.colRegs[t]
	if r == nil {
		def, _ := l.reg.Lookup(t)
		r = &colRegistry{def: def, byKey: map[string]*colInfo{}}
		if l.colRegs == nil {
			l.colRegs = map[string]*colRegistry{}
		}
		l.colRegs[t] = r
	}
	return r
}

// workerTable is a worker's cache of a table's keys: by name, and by the
// member's position in the last row (rows usually share their key order).
type workerTable struct {
	reg   *colRegistry
	byKey map[string]*colInfo
	byPos []*colInfo
}

func (w *workerTable) col(pos int, key []byte) *colInfo {
	if pos < len(w.byPos) {
		if ci := w.byPos[pos]; ci != nil && ci.key == string(key) {
			return ci
		}
	}
	ci, ok := w.byKey[string(key)]
	if !ok {
		ci = w.reg.lookup(key)
		w.byKey[ci.key] = ci
	}
	for pos >= len(w.byPos) {
		w.byPos = append(w.byPos, nil)
	}
	w.byPos[pos] = ci
	return ci
}

func (f *fileState) workerTable(t string) *workerTable {
	w := f.rec.tables[t]
	if w == nil {
		w = &workerTable{reg: f.l.colRegistry(t), byKey: map[string]*colInfo{}}
		f.rec.tables[t] = w
	}
	return w
}

// typeRowRec is typeRow for a worker: it records the row's typed cells.
func (f *fileState) typeRowRec(t string, d []byte, members []member, start, end, obj, level int) {
	r := f.rec
	raw := d[start:end]
	if !utf8.Valid(raw) {
		bad := firstInvalidUTF8(raw)
		line, col := f.pos.at(start + bad)
		i := r.addReject(line, col, "invalid UTF-8 in the row", truncRaw(raw), true)
		r.events = append(r.events, pevent{kind: evReject, line: int32(line), rej: i})
		return
	}
	w := f.workerTable(t)
	f.scratch = r.scratchFor(f.scratch, len(raw))
	ev := pevent{kind: evRow, level: int8(level), line: r.line, table: t, c0: int32(len(r.cells)), rej: -1,
		lineOff: r.lineOff, lineEnd: r.lineEnd, start: int32(start), end: int32(end), obj: int32(obj)}
	for k, m := range members {
		ci := w.col(k, m.key)
		r.cells = append(r.cells, pcell{col: ci, c: cell{set: true}})
		c := &r.cells[len(r.cells)-1].c
		v := d[m.vs:m.ve]
		if ci.infer {
			inferJSONCell(v, &f.scratch, c)
			continue
		}
		if reason := jsonCell(ci.typ, v, &f.scratch, c); reason != "" {
			_, col := f.pos.at(m.vs)
			ev.rej = r.addReject(int(r.line), col, fmt.Sprintf("column %s: %s %s", ci.name, showJSON(v), reason), truncRaw(raw), true)
			break
		}
	}
	ev.c1 = int32(len(r.cells))
	r.events = append(r.events, ev)
}

// recLine is readLine for a worker; line is the n-th line of the chunk
// (from 0).
func (f *fileState) recLine(line []byte, n int) {
	i := skipSpace(line, 0)
	if i == len(line) {
		return
	}
	r := f.rec
	m := r.mark()
	f.pos.reset(line, n, 0)
	end, err := f.topValue(line, i)
	switch {
	case err == errSeqLine:
		r.rollback(m)
		r.events = append(r.events, pevent{kind: evSeqLine, line: int32(n), lineOff: r.lineOff, lineEnd: r.lineEnd})
	case err != nil:
		f.syntaxReject(err, line)
	default:
		if j := skipSpace(line, end); j < len(line) {
			f.rejectAt(j, "JSON syntax error: unexpected data after the value", line)
		}
	}
}

// jchunk is a run of whole lines of input and what a worker found in it.
type jchunk struct {
	buf  []byte // the pooled buffer
	data []byte // whole lines; the last one may lack its "\n" at the end of input
	// After data: an over-long line that was skipped, or a read error
	// with the incomplete line before it.
	tooLong bool
	rerr    error
	partial []byte
	lines   int // lines in data, counted by the worker
	rec     recorder
	done    chan struct{}
}

// lineTooLong tells whether a line of raw bytes (with its line ending),
// trimmed bytes without, is longer than the readers accept, as
// lineReader decides it.
func lineTooLong(raw, trimmed int, terminated bool) bool {
	if terminated && raw > readBufSize {
		return raw > maxLineBytes
	}
	return trimmed > maxLineBytes
}

// work scans the lines of c.
func (f *fileState) work(c *jchunk) {
	r := &c.rec
	f.rec = r
	r.reset()
	f.scratch = nil
	d := c.data
	if cap(r.cells) == 0 {
		r.cells = make([]pcell, 0, len(d)/32)
	}
	n := 0
	for off := 0; off < len(d); n++ {
		end := len(d)
		next := end
		if i := bytes.IndexByte(d[off:], '\n'); i >= 0 {
			end, next = off+i, off+i+1
		}
		rawLen := next - off
		line := trimEOL(d[off:next])
		r.line, r.lineOff, r.lineEnd = int32(n), int32(off), int32(off+len(line))
		if lineTooLong(rawLen, len(line), next > end) {
			r.events = append(r.events, pevent{kind: evTooLong, line: int32(n)})
		} else {
			f.recLine(line, n)
		}
		off = next
	}
	c.lines = n
	close(c.done)
}

// readLinesParallel reads the JSON Lines input left in br, whose first
// line is line0+1, with the given number of workers.
func (f *fileState) readLinesParallel(br *bufio.Reader, line0, workers int) (err error) {
	nbuf := 2 * workers
	free := make(chan *jchunk, nbuf)
	for _, c := range f.l.chunks {
		if len(free) < nbuf && len(c.buf) == chunkBytes {
			free <- c
		}
	}
	f.l.chunks = nil
	made := len(free)
	order := make(chan *jchunk, nbuf)
	work := make(chan *jchunk, nbuf)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(order)
		defer close(work)
		get := func() *jchunk {
			select {
			case c := <-free:
				return c
			default:
			}
			if made < nbuf {
				made++
				return &jchunk{buf: make([]byte, chunkBytes)}
			}
			select {
			case c := <-free:
				return c
			case <-stop:
				return nil
			}
		}
		var carry []byte
		for {
			c := get()
			if c == nil {
				return
			}
			more := fillChunk(br, c, &carry)
			c.done = make(chan struct{})
			select {
			case order <- c:
			case <-stop:
				return
			}
			select {
			case work <- c:
			case <-stop:
				return
			}
			if !more {
				return
			}
		}
	}()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			wf := &fileState{l: f.l, name: f.name, fileTable: f.fileTable,
				rec: &recorder{}}
			tables := map[string]*workerTable{}
			for c := range work {
				c.rec.tables = tables
				wf.work(c)
			}
		}()
	}
	defer func() {
		close(stop)
		wg.Wait()
		for len(free) > 0 {
			f.l.chunks = append(f.l.chunks, <-free)
		}
	}()
	line := line0 + 1
	for c := range order {
		<-c.done
		if err := f.replay(c, line); err != nil {
			return err
		}
		line += c.lines
		if c.tooLong {
			f.reject(line, 0, fmt.Sprintf("line longer than %d bytes, skipped", maxLineBytes), nil)
			line++
		}
		if c.rerr != nil {
			msg := describeReadErr(c.rerr, f.stats.Compressed)
			if p := c.partial; len(p) > 0 && (len(p) < readBufSize || len(p) <= maxLineBytes) {
				f.pos.reset(p, line, 0)
				f.rejectAt(len(p), msg+": the last line is incomplete", p)
			} else {
				f.reject(line, 0, fmt.Sprintf("%s after line %d", msg, line-1), nil)
			}
			return nil
		}
		c.rec.reset()
		c.data, c.partial, c.tooLong = nil, nil, false
		free <- c // never blocks: there are at most nbuf chunks
	}
	return nil
}

// fillChunk reads the next whole lines of br into c, starting with carry,
// the incomplete line the last chunk ended with, and leaves in carry the
// incomplete line this one ends with. It returns false at the end of
// input.
func fillChunk(br *bufio.Reader, c *jchunk, carry *[]byte) bool {
	buf := c.buf[:cap(c.buf)]
	n := copy(buf, *carry)
	*carry = nil
	var err error
	for n < len(buf) && err == nil {
		var m int
		m, err = br.Read(buf[n:])
		n += m
	}
	data := buf[:n]
	switch {
	case err == io.EOF:
		c.data = data
		return false
	case err != nil:
		p := bytes.LastIndexByte(data, '\n') + 1
		c.data, c.partial, c.rerr = data[:p], data[p:], err
		return false
	}
	if p := bytes.LastIndexByte(data, '\n'); p >= 0 {
		c.data, *carry = data[:p+1], data[p+1:]
		return true
	}
	// One line fills the buffer: read it whole, or skip it when too long.
	long := append([]byte(nil), data...)
	for {
		frag, err := br.ReadSlice('\n')
		if len(long)+len(frag) > maxLineBytes+2 {
			for err == bufio.ErrBufferFull {
				_, err = br.ReadSlice('\n')
			}
			if err != nil && err != io.EOF {
				c.rerr = err
				return false
			}
			c.tooLong = true
			return err == nil
		}
		long = append(long, frag...)
		switch err {
		case bufio.ErrBufferFull:
			continue
		case nil:
			c.data = long
			return true
		case io.EOF:
			c.data = long
			return false
		}
		c.partial, c.rerr = long, err
		return false
	}
}

// replay applies what a worker found in c, whose first line is first.
func (f *fileState) replay(c *jchunk, first int) error {
	r := &c.rec
	for i := range r.events {
		ev := &r.events[i]
		line := first + int(ev.line)
		switch ev.kind {
		case evRow:
			f.replayRow(c, ev, line)
		case evReject:
			p := &r.rejects[ev.rej]
			if p.routes {
				f.routed = true
			}
			f.rejectText(line, p.col, p.reason, p.raw)
		case evNoTable:
			p := &r.rejects[ev.rej]
			if !f.routed {
				return errNoTableSentinel
			}
			f.rejectText(line, p.col, noTableReason, p.raw)
		case evFormat:
			f.setFormat(Format(ev.table))
		case evSeqLine:
			if err := f.readLine(c.data[ev.lineOff:ev.lineEnd], line, 0); err != nil {
				return err
			}
		case evTooLong:
			f.reject(line, 0, fmt.Sprintf("line longer than %d bytes, skipped", maxLineBytes), nil)
		}
	}
	return nil
}

// replayRow stores, or rejects, a row a worker typed.
func (f *fileState) replayRow(c *jchunk, ev *pevent, line int) {
	f.routed = true
	s := f.sinkCached(ev.table)
	s.rowLine = line
	cells := c.rec.cells[ev.c0:ev.c1]
	for i := range cells {
		pc := &cells[i]
		slot := s.slotOfCol(pc.col)
		sl := &s.slots[slot]
		if sl.infer != pc.col.infer || !sl.infer && sl.typ != pc.col.typ {
			// The slot was made by a row that declared its type.
			s.abort()
			f.retypeRow(c, ev, line)
			return
		}
		if ev.rej >= 0 && i == len(cells)-1 {
			s.abort()
			p := &c.rec.rejects[ev.rej]
			f.rejectText(line, p.col, p.reason, p.raw)
			return
		}
		s.cells[slot] = pc.c
	}
	f.stats.Read++
	s.commit()
}

// retypeRow types a recorded row again from its text, as the sequential
// reader does.
func (f *fileState) retypeRow(c *jchunk, ev *pevent, line int) {
	d := c.data[ev.lineOff:ev.lineEnd]
	f.pos.reset(d, line, 0)
	members, _, err := f.collect(d, int(ev.obj), int(ev.level))
	if err != nil {
		f.syntaxReject(err, d)
		return
	}
	f.typeRow(ev.table, d, members, int(ev.start), int(ev.end), nil)
}

// sinkCached is sink with the last answer remembered.
func (f *fileState) sinkCached(t string) *sink {
	if f.lastSink != nil && f.lastSinkTable == t {
		return f.lastSink
	}
	s := f.sink(t)
	f.lastSink, f.lastSinkTable = s, t
	return s
}

// slotOfCol returns the slot of a recorded key, adding it as slotFor does.
func (s *sink) slotOfCol(ci *colInfo) int {
	if ci.id < len(s.byCol) {
		if v := s.byCol[ci.id]; v > 0 {
			return int(v - 1)
		}
	}
	slot := s.slotForName(ci.key, types.Unknown, false)
	for ci.id >= len(s.byCol) {
		s.byCol = append(s.byCol, 0)
	}
	s.byCol[ci.id] = int32(slot + 1)
	return slot
}
