package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rmmhunt/rmmhunt/engine"
	"github.com/rmmhunt/rmmhunt/ingest"
	"github.com/rmmhunt/rmmhunt/kql/binder"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/schema"
	"github.com/rmmhunt/rmmhunt/table"
)

// scanCounters count what scans read and skipped.
type scanCounters struct {
	filesOpened, filesSkipped, groupsRead, groupsSkipped atomic.Int64
}

// ScanStats counts what the store's scans read and skipped since the store
// was opened (or ResetScanStats).
type ScanStats struct {
	FilesOpened, FilesSkipped       int64
	RowGroupsRead, RowGroupsSkipped int64
}

// ScanStats returns the scan counters.
func (s *Store) ScanStats() ScanStats {
	return ScanStats{
		FilesOpened: s.stats.filesOpened.Load(), FilesSkipped: s.stats.filesSkipped.Load(),
		RowGroupsRead: s.stats.groupsRead.Load(), RowGroupsSkipped: s.stats.groupsSkipped.Load(),
	}
}

// ResetScanStats sets the scan counters to zero.
func (s *Store) ResetScanStats() {
	s.stats.filesOpened.Store(0)
	s.stats.filesSkipped.Store(0)
	s.stats.groupsRead.Store(0)
	s.stats.groupsSkipped.Store(0)
}

// TableNames returns the tables that hold rows, sorted.
func (s *Store) TableNames() []string {
	seen := map[string]bool{}
	var out []string
	for _, f := range s.manifest.Files {
		if !seen[f.Table] {
			seen[f.Table] = true
			out = append(out, f.Table)
		}
	}
	sort.Strings(out)
	return out
}

// TableSchema returns the columns stored for a table: the union of its
// files' columns in first-seen order, each typed as ingest merges extra
// columns (a column that is null everywhere is a string).
func (s *Store) TableSchema(name string) table.Schema {
	var sch table.Schema
	for _, f := range s.manifest.Files {
		if f.Table != name {
			continue
		}
		cols, err := schemaFromJSON(f.Columns)
		if err != nil {
			continue
		}
		for _, c := range cols {
			j := sch.Index(c.Name)
			if j < 0 {
				sch = append(sch, c)
				continue
			}
			sch[j].Type = ingest.MergeTypes(sch[j].Type, c.Type)
		}
	}
	for i := range sch {
		if sch[i].Type == types.Null {
			sch[i].Type = types.String
		}
	}
	return sch
}

// Catalog returns the binder catalog of the store: every documented table,
// with the extra columns found in the stored data, plus tables that exist
// only in the data (as engine.MemSource.Catalog does).
func (s *Store) Catalog() binder.Catalog {
	mc := &binder.MapCatalog{Tables: map[string]*binder.TableInfo{}, Fallback: binder.SchemaCatalog(s.reg)}
	for _, name := range s.TableNames() {
		sch := s.TableSchema(name)
		if doc, ok := s.reg.Lookup(name); ok {
			mc.Tables[name] = binder.InfoFromSchema(doc, sch)
			continue
		}
		mc.Tables[name] = &binder.TableInfo{Name: name, Columns: sch, Aliases: map[string]string{}}
	}
	return mc
}

// LatestTime returns the newest Timestamp in the store, from the manifest;
// ok is false when no row has one.
func (s *Store) LatestTime() (t time.Time, ok bool) {
	var best int64
	for _, f := range s.manifest.Files {
		if f.MaxTicks != nil && (!ok || *f.MaxTicks > best) {
			best, ok = *f.MaxTicks, true
		}
	}
	if !ok {
		return time.Time{}, false
	}
	return types.TimeFromTicks(best), true
}

// Scan implements engine.Source. It reads only the files, and in them the
// row groups, whose Timestamps can meet req.Time, and only the requested
// columns; a column a file lacks reads as null ("" for strings).
//
// Row groups are read (and filtered, for late materialisation) on up to
// GOMAXPROCS goroutines at once, a few row groups ahead of the consumer;
// the batches come out in the order of the files and row groups, as a
// sequential read gives them.
func (s *Store) Scan(ctx context.Context, req engine.ScanRequest) (engine.BatchIterator, error) {
	var files []FileEntry
	for _, f := range s.manifest.Files {
		if f.Table == req.Table {
			files = append(files, f)
		}
	}
	sort.SliceStable(files, func(i, j int) bool {
		a, b := files[i].Day, files[j].Day
		if (a == UndatedDay) != (b == UndatedDay) {
			return b == UndatedDay
		}
		return a < b
	})
	workers := max(1, runtime.GOMAXPROCS(0))
	if s.scanWorkers > 0 {
		workers = s.scanWorkers
	}
	return &scanIter{s: s, ctx: ctx, req: req, files: files,
		ahead: workers + 1, decoders: make(chan struct{}, workers)}, nil
}

// scanIter yields one batch per row group. Next plans the row groups to
// read and keeps up to ahead of them in flight, each read by a goroutine
// of its own; decoders bounds the columns being decoded at once.
type scanIter struct {
	s     *Store
	ctx   context.Context
	req   engine.ScanRequest
	files []FileEntry
	fi    int // next file
	cur   *openFile
	rg    int // next row group of cur
	// nulls stands in for the columns the query does not read.
	nulls table.NullColumns

	ahead    int
	decoders chan struct{}
	pending  []*groupRead // in flight, in scan order
	planned  bool         // every row group has been planned
}

// openFile is a file being read.
type openFile struct {
	fh      *os.File
	pf      *parquetFile
	timeCol string // the stored column the request's range bounds, or ""
	stored  map[string]types.Type
	// reads counts the row groups in flight; the file is closed when it
	// reaches zero after its last row group was planned.
	reads int
	done  bool
}

// groupRead is one row group being read; res receives its batch.
type groupRead struct {
	f   *openFile // nil for an error met while planning
	rg  int
	res chan groupResult
}

type groupResult struct {
	b   *table.Batch
	err error
}

func (it *scanIter) Next() (*table.Batch, error) {
	for {
		if err := it.ctx.Err(); err != nil {
			it.closeAll()
			return nil, err
		}
		for !it.planned && len(it.pending) < it.ahead {
			it.plan()
		}
		if len(it.pending) == 0 {
			return nil, nil
		}
		g := it.pending[0]
		it.pending = it.pending[1:]
		r := <-g.res
		if g.f == nil {
			it.closeAll()
			return nil, r.err
		}
		g.f.reads--
		if r.err != nil {
			path := g.f.fh.Name()
			it.closeAll()
			return nil, fmt.Errorf("store: %s: %v", path, r.err)
		}
		it.release(g.f)
		if r.b.N > 0 {
			return r.b, nil
		}
	}
}

// FilterApplied implements engine.FilteredIterator: the batches hold only
// the rows the request's Filter selected when it has one the scan can use.
func (it *scanIter) FilterApplied() bool {
	return it.req.Filter != nil && len(it.req.FilterCols) == len(it.req.Columns)
}

// plan finds the next row group to read and starts reading it, or marks
// the scan planned.
func (it *scanIter) plan() {
	for {
		if it.cur == nil {
			if it.fi >= len(it.files) {
				it.planned = true
				return
			}
			f := it.files[it.fi]
			it.fi++
			timeCol, skip := it.prune(f)
			if skip {
				it.s.stats.filesSkipped.Add(1)
				continue
			}
			of, err := it.open(f)
			if err != nil {
				g := &groupRead{res: make(chan groupResult, 1)}
				g.res <- groupResult{err: err}
				it.pending = append(it.pending, g)
				it.planned = true
				return
			}
			of.timeCol = timeCol
			it.cur, it.rg = of, 0
		}
		of := it.cur
		groups := of.pf.f.RowGroups()
		if it.rg >= len(groups) {
			of.done = true
			it.cur = nil
			it.release(of)
			continue
		}
		rg := it.rg
		it.rg++
		if tr := it.req.Time; tr != nil && of.timeCol != "" {
			if lo, hi, ok := of.pf.timeBounds(rg, of.timeCol); ok && (lo > hi || !tr.Overlaps(lo, hi)) {
				it.s.stats.groupsSkipped.Add(1)
				continue
			}
		}
		it.s.stats.groupsRead.Add(1)
		g := &groupRead{f: of, rg: rg, res: make(chan groupResult, 1)}
		of.reads++
		it.pending = append(it.pending, g)
		go func() {
			b, err := it.read(g.f, g.rg)
			g.res <- groupResult{b, err}
		}()
		return
	}
}

// release closes f once it has nothing left to read.
func (it *scanIter) release(f *openFile) {
	if f.done && f.reads == 0 && f.fh != nil {
		f.fh.Close()
		f.fh = nil
	}
}

// closeAll closes the open files, when the scan stops early. Reads still
// in flight fail on their closed file; their results are dropped.
func (it *scanIter) closeAll() {
	for _, g := range it.pending {
		if g.f != nil {
			g.f.done = true
		}
	}
	if it.cur != nil {
		it.cur.done = true
	}
	seen := map[*openFile]bool{}
	for _, g := range it.pending {
		if g.f != nil && !seen[g.f] {
			seen[g.f] = true
			g.f.fh.Close()
		}
	}
	if it.cur != nil && !seen[it.cur] {
		it.cur.fh.Close()
	}
	it.pending, it.cur, it.planned = nil, nil, true
}

// prune decides from the manifest whether file f can hold rows in the
// request's time range. It returns the stored column the range bounds
// when that column is Timestamp ("" otherwise).
func (it *scanIter) prune(f FileEntry) (timeCol string, skip bool) {
	tr := it.req.Time
	if tr == nil {
		return "", false
	}
	if tr.Empty() {
		return "", true
	}
	eff := ""
	for _, c := range f.Columns {
		if c.Name == tr.Column {
			eff = tr.Column
		}
	}
	if eff == "" {
		eff = tr.Source
	}
	if eff != schema.TimeColumn {
		return "", false
	}
	if f.MinTicks == nil || f.MaxTicks == nil {
		return "", true // no row has a Timestamp: none passes the filter
	}
	if !tr.Overlaps(*f.MinTicks, *f.MaxTicks) {
		return "", true
	}
	return eff, false
}

func (it *scanIter) open(f FileEntry) (*openFile, error) {
	path := filepath.Join(it.s.dir, filepath.FromSlash(f.Path))
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("store: %v (the manifest lists it; was the store changed by hand?)", err)
	}
	st, err := fh.Stat()
	if err != nil {
		fh.Close()
		return nil, err
	}
	pf, err := openParquet(fh, st.Size())
	if err != nil {
		fh.Close()
		return nil, fmt.Errorf("store: %s: %v", path, err)
	}
	it.s.stats.filesOpened.Add(1)
	stored := map[string]types.Type{}
	for _, f := range pf.schema {
		stored[f.Name] = f.Type
	}
	return &openFile{fh: fh, pf: pf, stored: stored}, nil
}

// read reads the requested columns of row group rg of f. It runs on a
// goroutine of its own, several at once.
func (it *scanIter) read(f *openFile, rg int) (*table.Batch, error) {
	pf := f.pf
	n := int(pf.f.RowGroups()[rg].NumRows())
	req := it.req
	out := &table.Batch{Schema: req.Columns, Cols: make([]*table.Column, len(req.Columns)), N: n}
	stored := f.stored
	if req.Filter == nil || len(req.FilterCols) != len(req.Columns) {
		return out, it.readColumns(pf, rg, out, stored, nil)
	}
	// Late materialisation: the filter's columns first, the others only
	// for the rows it keeps.
	if err := it.readColumns(pf, rg, out, stored, func(i int) bool { return req.FilterCols[i] }); err != nil {
		return nil, err
	}
	sel, err := req.Filter(out)
	if err != nil {
		return nil, err
	}
	if len(sel) == 0 {
		out.N = 0
		return out, nil
	}
	if err := it.readColumns(pf, rg, out, stored, func(i int) bool { return !req.FilterCols[i] }); err != nil {
		return nil, err
	}
	if len(sel) < n {
		out = out.Take(sel)
	}
	return out, nil
}

// readColumns reads the requested columns of row group rg that want
// accepts (all when want is nil) into out. Columns are decoded in parallel,
// one goroutine per column, at most GOMAXPROCS at a time in the whole scan
// (it.decoders).
func (it *scanIter) readColumns(pf *parquetFile, rg int, out *table.Batch, stored map[string]types.Type, want func(int) bool) error {
	req := it.req
	n := out.N
	type job struct {
		i    int
		name string
		st   types.Type
	}
	var jobs []job
	for i, f := range req.Columns {
		if want != nil && !want(i) {
			continue
		}
		if req.Needed != nil && i < len(req.Needed) && !req.Needed[i] && (req.FilterCols == nil || i >= len(req.FilterCols) || !req.FilterCols[i]) {
			// Not read by the query: skip decoding it.
			out.Cols[i] = it.nulls.Get(f.Type, n)
			continue
		}
		name := f.Name
		st, ok := stored[name]
		if !ok && i < len(req.Sources) && req.Sources[i] != "" {
			name = req.Sources[i]
			st, ok = stored[name]
		}
		if !ok {
			out.Cols[i] = it.nulls.Get(f.Type, n)
			continue
		}
		jobs = append(jobs, job{i, name, st})
	}
	decode := func(j job) error {
		c, err := pf.readColumn(rg, j.name, j.st)
		if err != nil {
			return err
		}
		if t := req.Columns[j.i].Type; c.Type != t {
			c = ingest.ConvertColumn(c, n, t)
		}
		out.Cols[j.i] = c
		return nil
	}
	if len(jobs) == 1 {
		it.decoders <- struct{}{}
		defer func() { <-it.decoders }()
		return decode(jobs[0])
	}
	errs := make([]error, len(jobs))
	var wg sync.WaitGroup
	for k, j := range jobs {
		wg.Add(1)
		it.decoders <- struct{}{}
		go func(k int, j job) {
			defer wg.Done()
			defer func() { <-it.decoders }()
			errs[k] = decode(j)
		}(k, j)
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
