package store

import (
	"bufio"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rmmhunt/rmmhunt/ingest"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/schema"
	"github.com/rmmhunt/rmmhunt/table"
)

// IngestOptions control an ingest.
type IngestOptions struct {
	// Table names the table of inputs that do not carry one (see
	// ingest.Options).
	Table string
	// MaxRejects, when zero or more, fails the ingest — committing
	// nothing — as soon as more than MaxRejects rows are rejected.
	// Negative means no limit.
	MaxRejects int
	// Progress, when set, is called about twice a second while the
	// ingest runs, from another goroutine.
	Progress func(Progress)
	// FileRows is the most rows buffered for one partition before they
	// are written as a file (default DefaultFileRows).
	FileRows int
	// GroupRows is the number of rows per Parquet row group (default
	// DefaultGroupRows).
	GroupRows int
	// BufferBytes bounds the rows buffered across all partitions before
	// the largest is written out (default DefaultBufferBytes).
	BufferBytes int64
	// BatchRows is the parser's batch size (default ingest's).
	BatchRows int
}

// Defaults of IngestOptions.
const (
	DefaultFileRows    = 1 << 19
	DefaultGroupRows   = 1 << 16
	DefaultBufferBytes = 128 << 20
)

// Progress is the state of a running ingest.
type Progress struct {
	Rows       int64 // rows read so far (stored, rejected or duplicate)
	Bytes      int64 // input bytes read or recognised so far
	TotalBytes int64 // size of all inputs
	Elapsed    time.Duration
}

// IngestResult is the outcome of an ingest. Read == Stored + Rejected +
// Duplicates, always.
type IngestResult struct {
	Read, Stored, Rejected, Duplicates int64
	// Files has one entry per input file, in reading order.
	Files []FileResult
	// Warnings are the readers' notes (unknown columns kept, ...).
	Warnings []ingest.Warning
	// Rejects lists the first rejected rows (all of them are in
	// RejectsFile).
	Rejects []ingest.Reject
	// RejectsFile is the JSON Lines file holding every rejected row, ""
	// when none was rejected.
	RejectsFile string
	// NewFiles and NewBytes count the Parquet files the ingest added.
	NewFiles int
	NewBytes int64
	// Generation is the manifest generation committed (unchanged when the
	// ingest added nothing).
	Generation int64
}

// FileResult is the outcome of one input file.
type FileResult struct {
	ingest.FileStats
	SHA256 string
	// Duplicate is set when the file's content was already in the store
	// (or earlier in the same ingest): it was not read again and its rows
	// count as duplicates.
	Duplicate  bool
	Duplicates int64
}

// ErrTooManyRejects is the error of an ingest stopped by MaxRejects.
var ErrTooManyRejects = errors.New("too many rejected rows")

// maxListedRejects is how many rejects IngestResult.Rejects lists.
const maxListedRejects = 1000

// Ingest reads paths (files or directories, any format package ingest
// reads) into the store and commits them atomically. Rows are stored in
// Parquet files partitioned by table and UTC day as they are read, so
// memory stays bounded whatever the input size; parsing and encoding run
// in parallel. Rejected rows are written to the store's _rejects folder.
//
// Input files whose content hash is already in the manifest are not read:
// their rows count as duplicates. When an input cannot be read at all, or
// MaxRejects is exceeded, nothing is committed and an error is returned
// with the result so far.
func (s *Store) Ingest(paths []string, opts IngestOptions) (*IngestResult, error) {
	run, unlock, err := s.begin(opts)
	if err != nil {
		return nil, err
	}
	defer unlock()
	return run.run(paths)
}

// begin takes the store's lock, reads the manifest, removes the files of
// an unfinished ingest and returns the state of a new ingest with opts'
// defaults filled in. The caller must call unlock.
func (s *Store) begin(opts IngestOptions) (run *ingestRun, unlock func(), err error) {
	if err := os.MkdirAll(s.dir, 0o755); err != nil {
		return nil, nil, err
	}
	unlock, err = lockDir(filepath.Join(s.dir, lockName))
	if err != nil {
		return nil, nil, fmt.Errorf("store %s: cannot take the lock: %v", s.dir, err)
	}
	m, err := readManifest(s.dir)
	if err != nil {
		unlock()
		return nil, nil, err
	}
	s.manifest = m
	if err := cleanOrphans(s.dir, m); err != nil {
		unlock()
		return nil, nil, fmt.Errorf("store %s: removing files of an unfinished ingest: %v", s.dir, err)
	}
	if opts.FileRows <= 0 {
		opts.FileRows = DefaultFileRows
	}
	if opts.GroupRows <= 0 {
		opts.GroupRows = DefaultGroupRows
	}
	if opts.BufferBytes <= 0 {
		opts.BufferBytes = DefaultBufferBytes
	}
	run = &ingestRun{
		s: s, m: m, gen: m.Generation + 1, opts: opts,
		known: map[string]*SourceEntry{},
		parts: map[partKey]*partition{},
		res:   &IngestResult{Generation: m.Generation},
		start: time.Now(),
	}
	for i := range m.Sources {
		run.known[m.Sources[i].SHA256] = &m.Sources[i]
	}
	var tag [4]byte
	rand.Read(tag[:])
	run.tag = hex.EncodeToString(tag[:])
	return run, unlock, nil
}

// partKey names a partition.
type partKey struct{ table, day string }

// partition buffers the rows of one table and day until they are written.
type partition struct {
	key     partKey
	batches []*table.Batch
	rows    int
	bytes   int64
}

// encodeJob is one file to write.
type encodeJob struct {
	seq     int
	key     partKey
	batches []*table.Batch
}

// ingestRun is the state of one Ingest; it is the ingest.Sink of the
// stream.
type ingestRun struct {
	s     *Store
	m     *Manifest
	gen   int64
	tag   string // random, so that names never meet those of a killed run
	opts  IngestOptions
	known map[string]*SourceEntry // committed sources by hash
	res   *IngestResult
	start time.Time

	// Reading state (the stream's goroutine).
	hashes      map[string]*hashed // by path, see hashAhead
	cur         FileResult
	curSize     int64
	pending     []SourceEntry
	parts       map[partKey]*partition
	buffered    int64
	seq         int
	rejectsW    *bufio.Writer
	rejectsF    *os.File
	rejectCount int64

	// Progress counters.
	rowsDone, bytesDone, bytesRead atomic.Int64

	// Encoding state.
	jobs     chan *encodeJob
	wg       sync.WaitGroup
	mu       sync.Mutex
	written  []writtenFile
	encErr   error
	encError atomic.Bool
}

// writtenFile is a file written under its temporary name.
type writtenFile struct {
	seq   int
	entry FileEntry
}

func (r *ingestRun) run(paths []string) (*IngestResult, error) {
	var total int64
	files := ingest.InputFiles(paths)
	for _, p := range files {
		if st, err := os.Stat(p); err == nil {
			total += st.Size()
		}
	}
	stopHash := r.hashAhead(files)
	defer stopHash()
	stopProgress := r.progress(total)
	workers := max(1, runtime.GOMAXPROCS(0)-1)
	r.jobs = make(chan *encodeJob, 1)
	for range workers {
		r.wg.Add(1)
		go r.encoder()
	}
	sres, serr := ingest.Stream(paths, ingest.Options{Table: r.opts.Table, BatchRows: r.opts.BatchRows,
		MaxRejects: maxListedRejects, BytesRead: &r.bytesRead}, r)
	if serr == nil {
		for _, k := range r.partKeys() {
			r.dispatch(r.parts[k])
		}
	}
	close(r.jobs)
	r.wg.Wait()
	stopProgress()
	if r.rejectsW != nil {
		if err := r.rejectsW.Flush(); err != nil && serr == nil {
			serr = err
		}
		r.rejectsF.Close()
	}
	res := r.res
	if sres != nil {
		res.Warnings = sres.Warnings
		res.Rejects = sres.Rejects
		// The stream's counts cover the files it read; duplicates were
		// counted as they were recognised.
		res.Read += int64(sres.Read)
		res.Stored += int64(sres.Stored)
		res.Rejected += int64(sres.Rejected)
	}
	if serr == nil && r.encErr != nil {
		serr = r.encErr
	}
	if serr != nil {
		r.discard()
		return res, serr
	}
	if len(r.written) == 0 && len(r.pending) == 0 {
		return res, nil // nothing new: no commit
	}
	if err := r.commit(); err != nil {
		r.discard()
		return res, err
	}
	return res, nil
}

// progress starts the progress reports; the returned function stops them.
func (r *ingestRun) progress(total int64) func() {
	if r.opts.Progress == nil {
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(500 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				r.opts.Progress(Progress{Rows: r.rowsDone.Load(), Bytes: r.bytesDone.Load() + r.bytesRead.Load(),
					TotalBytes: total, Elapsed: time.Since(r.start)})
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

// hashed is the content hash of one input file, computed ahead.
type hashed struct {
	sum  string
	size int64
	err  error
	done chan struct{}
}

// hashAhead hashes the input files in the background, two at a time, so
// that hashing overlaps parsing and a re-ingest of several files uses both
// cores. The returned function stops it.
func (r *ingestRun) hashAhead(files []string) func() {
	r.hashes = make(map[string]*hashed, len(files))
	queue := make(chan string, len(files))
	for _, f := range files {
		if r.hashes[f] == nil {
			r.hashes[f] = &hashed{done: make(chan struct{})}
			queue <- f
		}
	}
	close(queue)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range min(2, len(files)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := range queue {
				h := r.hashes[f]
				select {
				case <-stop:
					h.err = errors.New("stopped")
				default:
					h.sum, h.size, h.err = hashFile(f)
				}
				close(h.done)
			}
		}()
	}
	return func() { close(stop); wg.Wait() }
}

// StartFile implements ingest.Sink: it hashes the file and skips it when
// its content is already stored.
func (r *ingestRun) StartFile(path string) (bool, error) {
	r.cur = FileResult{FileStats: ingest.FileStats{Path: path}}
	var sum string
	var size int64
	var err error
	if h := r.hashes[path]; h != nil {
		<-h.done
		sum, size, err = h.sum, h.size, h.err
	} else {
		sum, size, err = hashFile(path)
	}
	if err != nil {
		return true, nil // the reader reports it
	}
	r.cur.SHA256, r.curSize = sum, size
	dup := r.known[sum]
	if dup == nil {
		for i := range r.pending {
			if r.pending[i].SHA256 == sum {
				dup = &r.pending[i]
			}
		}
	}
	if dup == nil {
		return true, nil
	}
	r.cur.Duplicate = true
	r.cur.Duplicates = dup.Read
	r.cur.Read = int(dup.Read)
	r.res.Read += dup.Read
	r.res.Duplicates += dup.Read
	r.res.Files = append(r.res.Files, r.cur)
	r.rowsDone.Add(dup.Read)
	r.bytesDone.Add(size)
	return false, nil
}

// hashFile returns the SHA-256 of a file's content and its size.
func hashFile(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.CopyBuffer(h, f, make([]byte, 1<<20))
	if err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// EndFile implements ingest.Sink.
func (r *ingestRun) EndFile(st ingest.FileStats) error {
	fr := r.cur
	if fr.Path != st.Path {
		fr = FileResult{}
	}
	fr.FileStats = st
	r.res.Files = append(r.res.Files, fr)
	if st.Error == "" && !st.Skipped && fr.SHA256 != "" {
		r.pending = append(r.pending, SourceEntry{SHA256: fr.SHA256, Path: st.Path, Size: r.curSize,
			Read: int64(st.Read), Stored: int64(st.Stored), Rejected: int64(st.Rejected), Generation: r.gen})
	}
	r.cur = FileResult{}
	return nil
}

// rejectLine is one line of a rejects file.
type rejectLine struct {
	File     string `json:"file"`
	Line     int    `json:"line"`
	Column   int    `json:"column,omitempty"`
	Row      int    `json:"row,omitempty"`
	Message  int    `json:"message,omitempty"`
	Sequence int64  `json:"sequence,omitempty"`
	Record   int    `json:"record,omitempty"`
	Reason   string `json:"reason"`
	Raw      string `json:"raw"`
}

// Reject implements ingest.Sink: it appends the row to the rejects file.
func (r *ingestRun) Reject(rj ingest.Reject) error {
	if r.rejectsW == nil {
		dir := filepath.Join(r.s.dir, RejectsDir)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		name := fmt.Sprintf("%06d-%s-%s.jsonl", r.gen, r.start.UTC().Format("20060102T150405Z"), r.tag)
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		r.rejectsF, r.rejectsW = f, bufio.NewWriter(f)
		r.res.RejectsFile = filepath.Join(dir, name)
	}
	b, err := json.Marshal(rejectLine{File: rj.File, Line: rj.Line, Column: rj.Column,
		Row: rj.Row, Message: rj.Message, Sequence: rj.Sequence, Record: rj.Record, Reason: rj.Reason, Raw: rj.Raw})
	if err != nil {
		return err
	}
	r.rejectsW.Write(append(b, '\n'))
	r.rowsDone.Add(1)
	r.rejectCount++
	if r.opts.MaxRejects >= 0 && r.rejectCount > int64(r.opts.MaxRejects) {
		return fmt.Errorf("%w: more than %d (--max-rejects); nothing was stored", ErrTooManyRejects, r.opts.MaxRejects)
	}
	return nil
}

// Batch implements ingest.Sink: it splits the batch by UTC day into the
// partitions' buffers and writes the partitions that are full.
func (r *ingestRun) Batch(tableName string, b *table.Batch) error {
	if r.encError.Load() {
		r.mu.Lock()
		err := r.encErr
		r.mu.Unlock()
		return err
	}
	r.rowsDone.Add(int64(b.N))
	for day, sub := range splitByDay(b) {
		k := partKey{tableName, day}
		p := r.parts[k]
		if p == nil {
			p = &partition{key: k}
			r.parts[k] = p
		}
		sz := batchBytes(sub)
		p.batches = append(p.batches, sub)
		p.rows += sub.N
		p.bytes += sz
		r.buffered += sz
		if p.rows >= r.opts.FileRows {
			r.dispatch(p)
		}
	}
	for r.buffered > r.opts.BufferBytes {
		var big *partition
		for _, p := range r.parts {
			if big == nil || p.bytes > big.bytes {
				big = p
			}
		}
		if big == nil || big.rows == 0 {
			break
		}
		r.dispatch(big)
	}
	return nil
}

// partKeys returns the partitions in a fixed order.
func (r *ingestRun) partKeys() []partKey {
	keys := make([]partKey, 0, len(r.parts))
	for k := range r.parts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].table != keys[j].table {
			return keys[i].table < keys[j].table
		}
		return keys[i].day < keys[j].day
	})
	return keys
}

// dispatch hands a partition's rows to the encoders and empties it.
func (r *ingestRun) dispatch(p *partition) {
	if p.rows == 0 {
		return
	}
	r.seq++
	job := &encodeJob{seq: r.seq, key: p.key, batches: p.batches}
	r.buffered -= p.bytes
	delete(r.parts, p.key)
	r.jobs <- job
}

// encoder writes the files of jobs.
func (r *ingestRun) encoder() {
	defer r.wg.Done()
	for job := range r.jobs {
		if r.encError.Load() {
			continue
		}
		e, err := r.writeFile(job)
		r.mu.Lock()
		if err != nil {
			if r.encErr == nil {
				r.encErr = err
			}
			r.encError.Store(true)
		} else {
			r.written = append(r.written, writtenFile{seq: job.seq, entry: e})
		}
		r.mu.Unlock()
	}
}

// writeFile writes one partition's rows under a temporary name and syncs
// the file.
func (r *ingestRun) writeFile(job *encodeJob) (FileEntry, error) {
	sch, batches := unify(job.batches)
	timeCol := -1
	if i := sch.Index(schema.TimeColumn); i >= 0 && sch[i].Type == types.Datetime {
		timeCol = i
	}
	rel := fmt.Sprintf("%s/%s/g%06d-%05d-%s.parquet", job.key.table, job.key.day, r.gen, job.seq, r.tag)
	path := filepath.Join(r.s.dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return FileEntry{}, err
	}
	f, err := os.Create(path + tmpSuffix)
	if err != nil {
		return FileEntry{}, err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	info, err := writeParquet(bw, sch, batches, r.opts.GroupRows, timeCol)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return FileEntry{}, fmt.Errorf("writing %s: %w", rel, err)
	}
	e := FileEntry{Path: rel, Table: job.key.table, Day: job.key.day, Rows: int64(info.rows), Bytes: info.bytes,
		Columns: schemaToJSON(sch), Generation: r.gen}
	if info.hasTime {
		lo, hi := info.minTime, info.maxTime
		e.MinTicks, e.MaxTicks = &lo, &hi
		e.MinTime, e.MaxTime = types.FormatDatetime(lo), types.FormatDatetime(hi)
	}
	return e, nil
}

// commit renames the new files to their final names and replaces the
// manifest.
func (r *ingestRun) commit() error {
	sort.Slice(r.written, func(i, j int) bool { return r.written[i].seq < r.written[j].seq })
	dirs := map[string]bool{}
	for _, w := range r.written {
		path := filepath.Join(r.s.dir, filepath.FromSlash(w.entry.Path))
		if err := os.Rename(path+tmpSuffix, path); err != nil {
			return err
		}
		dirs[filepath.Dir(path)] = true
		dirs[filepath.Dir(filepath.Dir(path))] = true
	}
	for d := range dirs {
		if err := syncDir(d); err != nil {
			return err
		}
	}
	m := *r.m
	m.Generation = r.gen
	m.Files = append(append([]FileEntry(nil), r.m.Files...), entries(r.written)...)
	m.Sources = append(append([]SourceEntry(nil), r.m.Sources...), r.pending...)
	if err := writeManifest(r.s.dir, &m); err != nil {
		return err
	}
	r.s.manifest = &m
	r.res.Generation = m.Generation
	for _, w := range r.written {
		r.res.NewFiles++
		r.res.NewBytes += w.entry.Bytes
	}
	return nil
}

func entries(ws []writtenFile) []FileEntry {
	out := make([]FileEntry, len(ws))
	for i, w := range ws {
		out[i] = w.entry
	}
	return out
}

// discard removes the files of a failed ingest.
func (r *ingestRun) discard() {
	for _, w := range r.written {
		path := filepath.Join(r.s.dir, filepath.FromSlash(w.entry.Path))
		os.Remove(path + tmpSuffix)
		os.Remove(path)
	}
	cleanOrphans(r.s.dir, r.m)
}

// splitByDay splits a batch by the UTC day of its Timestamp.
func splitByDay(b *table.Batch) map[string]*table.Batch {
	ti := b.Schema.Index(schema.TimeColumn)
	if ti < 0 || b.Schema[ti].Type != types.Datetime {
		return map[string]*table.Batch{UndatedDay: b}
	}
	c := b.Cols[ti]
	dayNum := func(i int) int64 {
		if c.IsNull(i) {
			return -1
		}
		return c.Ints[i] / types.TicksPerDay
	}
	first := dayNum(0)
	same := true
	for i := 1; i < b.N; i++ {
		if dayNum(i) != first {
			same = false
			break
		}
	}
	name := func(d int64) string {
		if d < 0 {
			return UndatedDay
		}
		return dayOf(d * types.TicksPerDay)
	}
	if same {
		return map[string]*table.Batch{name(first): b}
	}
	// Rows in time order (generated rows, most exports) split into
	// contiguous runs of days: slices of b, no copy.
	if runs, ok := dayRuns(b.N, dayNum); ok {
		out := make(map[string]*table.Batch, len(runs))
		for _, r := range runs {
			sub := &table.Batch{Schema: b.Schema, Cols: make([]*table.Column, len(b.Cols)), N: r.to - r.from}
			for j, col := range b.Cols {
				sub.Cols[j] = col.Slice(r.from, r.to)
			}
			out[name(r.day)] = sub
		}
		return out
	}
	idx := map[int64][]int{}
	for i := 0; i < b.N; i++ {
		d := dayNum(i)
		idx[d] = append(idx[d], i)
	}
	out := make(map[string]*table.Batch, len(idx))
	for d, rows := range idx {
		out[name(d)] = b.Take(rows)
	}
	return out
}

// dayRun is rows [from, to) of a batch, all of one day.
type dayRun struct {
	day      int64
	from, to int
}

// dayRuns returns the runs of rows of the same day when every day's rows
// are contiguous; ok is false otherwise.
func dayRuns(n int, dayNum func(int) int64) (runs []dayRun, ok bool) {
	seen := map[int64]bool{}
	for i := 0; i < n; i++ {
		d := dayNum(i)
		if len(runs) > 0 && runs[len(runs)-1].day == d {
			runs[len(runs)-1].to = i + 1
			continue
		}
		if seen[d] {
			return nil, false
		}
		seen[d] = true
		runs = append(runs, dayRun{day: d, from: i, to: i + 1})
	}
	return runs, true
}

// batchBytes estimates the memory a batch holds.
func batchBytes(b *table.Batch) int64 {
	var n int64
	for _, c := range b.Cols {
		n += int64(len(c.Nulls)) + 8*int64(len(c.Ints)+len(c.Reals)) + 4*int64(len(c.Codes))
		for _, s := range c.Dict {
			n += 16 + int64(len(s))
		}
		for _, s := range c.Strs {
			n += 16 + int64(len(s))
		}
		n += 48 * int64(len(c.Dyn))
	}
	return n
}

// unify gives batches of one partition one schema: the union of their
// columns in first-seen order, each typed as ingest merges extra columns.
func unify(batches []*table.Batch) (table.Schema, []*table.Batch) {
	var sch table.Schema
	same := true
	for i, b := range batches {
		if i == 0 {
			sch = append(table.Schema(nil), b.Schema...)
			continue
		}
		if !sameSchema(sch, b.Schema) {
			same = false
		}
		for _, f := range b.Schema {
			j := sch.Index(f.Name)
			if j < 0 {
				sch = append(sch, f)
				continue
			}
			sch[j].Type = ingest.MergeTypes(sch[j].Type, f.Type)
		}
	}
	if same {
		return sch, batches
	}
	out := make([]*table.Batch, len(batches))
	for i, b := range batches {
		out[i] = conform(b, sch)
	}
	return sch, out
}

func sameSchema(a, b table.Schema) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// conform returns b with schema sch: columns converted to its types, and
// columns b lacks as nulls.
func conform(b *table.Batch, sch table.Schema) *table.Batch {
	out := &table.Batch{Schema: sch, Cols: make([]*table.Column, len(sch)), N: b.N}
	for i, f := range sch {
		j := b.Schema.Index(f.Name)
		if j < 0 {
			out.Cols[i] = ingest.NullColumn(f.Type, b.N)
			continue
		}
		c := b.Cols[j]
		if c.Type != f.Type {
			c = ingest.ConvertColumn(c, b.N, f.Type)
		}
		out.Cols[i] = c
	}
	return out
}
