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
	return &scanIter{s: s, ctx: ctx, req: req, files: files}, nil
}

// scanIter yields one batch per row group.
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
}

// openFile is a file being read.
type openFile struct {
	fh      *os.File
	pf      *parquetFile
	timeCol string // the stored column the request's range bounds, or ""
}

func (it *scanIter) Next() (*table.Batch, error) {
	for {
		if err := it.ctx.Err(); err != nil {
			it.close()
			return nil, err
		}
		if it.cur == nil {
			if it.fi >= len(it.files) {
				return nil, nil
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
				return nil, err
			}
			of.timeCol = timeCol
			it.cur, it.rg = of, 0
		}
		groups := it.cur.pf.f.RowGroups()
		if it.rg >= len(groups) {
			it.close()
			continue
		}
		rg := it.rg
		it.rg++
		if tr := it.req.Time; tr != nil && it.cur.timeCol != "" {
			if lo, hi, ok := it.cur.pf.timeBounds(rg, it.cur.timeCol); ok && (lo > hi || !tr.Overlaps(lo, hi)) {
				it.s.stats.groupsSkipped.Add(1)
				continue
			}
		}
		it.s.stats.groupsRead.Add(1)
		b, err := it.read(rg)
		if err != nil {
			path := it.cur.fh.Name()
			it.close()
			return nil, fmt.Errorf("store: %s: %v", path, err)
		}
		if b.N > 0 {
			return b, nil
		}
	}
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
	return &openFile{fh: fh, pf: pf}, nil
}

func (it *scanIter) close() {
	if it.cur != nil {
		it.cur.fh.Close()
		it.cur = nil
	}
}

// read reads the requested columns of row group rg.
func (it *scanIter) read(rg int) (*table.Batch, error) {
	pf := it.cur.pf
	n := int(pf.f.RowGroups()[rg].NumRows())
	req := it.req
	out := &table.Batch{Schema: req.Columns, Cols: make([]*table.Column, len(req.Columns)), N: n}
	stored := map[string]types.Type{}
	for _, f := range pf.schema {
		stored[f.Name] = f.Type
	}
	if req.Filter == nil || len(req.FilterCols) != len(req.Columns) {
		return out, it.readColumns(rg, out, stored, nil)
	}
	// Late materialisation: the filter's columns first, the others only
	// for the rows it keeps.
	if err := it.readColumns(rg, out, stored, func(i int) bool { return req.FilterCols[i] }); err != nil {
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
	if err := it.readColumns(rg, out, stored, func(i int) bool { return !req.FilterCols[i] }); err != nil {
		return nil, err
	}
	if len(sel) < n {
		out = out.Take(sel)
	}
	return out, nil
}

// readColumns reads the requested columns of row group rg that want
// accepts (all when want is nil) into out. Columns are decoded in parallel,
// one goroutine per column, at most GOMAXPROCS at a time.
func (it *scanIter) readColumns(rg int, out *table.Batch, stored map[string]types.Type, want func(int) bool) error {
	pf := it.cur.pf
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
	workers := runtime.GOMAXPROCS(0)
	if len(jobs) < 2 || workers < 2 {
		for _, j := range jobs {
			if err := decode(j); err != nil {
				return err
			}
		}
		return nil
	}
	errs := make([]error, len(jobs))
	sem := make(chan struct{}, workers)
	var wg sync.WaitGroup
	for k, j := range jobs {
		wg.Add(1)
		sem <- struct{}{}
		go func(k int, j job) {
			defer wg.Done()
			defer func() { <-sem }()
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
