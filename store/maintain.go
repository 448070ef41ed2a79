package store

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

// TableStats summarises one table, or one day of it.
type TableStats struct {
	Table string
	Day   string // "" for a whole table
	Files int
	Rows  int64
	Bytes int64
	// MinTicks and MaxTicks bound the Timestamps; HasTime is false when no
	// row has one.
	HasTime            bool
	MinTicks, MaxTicks int64
}

// Stats summarises the store.
type Stats struct {
	Generation int64
	Sources    int
	Tables     []TableStats // per table, sorted by name
	Days       []TableStats // per table and day, sorted
	Files      int
	Rows       int64
	Bytes      int64
}

// Stats returns the store's tables, rows, time ranges and sizes per table
// and per day, from the manifest.
func (s *Store) Stats() Stats {
	m := s.manifest
	st := Stats{Generation: m.Generation, Sources: len(m.Sources)}
	tables := map[string]*TableStats{}
	days := map[partKey]*TableStats{}
	add := func(ts *TableStats, f FileEntry) {
		ts.Files++
		ts.Rows += f.Rows
		ts.Bytes += f.Bytes
		if f.MinTicks != nil && f.MaxTicks != nil {
			if !ts.HasTime || *f.MinTicks < ts.MinTicks {
				ts.MinTicks = *f.MinTicks
			}
			if !ts.HasTime || *f.MaxTicks > ts.MaxTicks {
				ts.MaxTicks = *f.MaxTicks
			}
			ts.HasTime = true
		}
	}
	for _, f := range m.Files {
		t := tables[f.Table]
		if t == nil {
			t = &TableStats{Table: f.Table}
			tables[f.Table] = t
		}
		add(t, f)
		k := partKey{f.Table, f.Day}
		d := days[k]
		if d == nil {
			d = &TableStats{Table: f.Table, Day: f.Day}
			days[k] = d
		}
		add(d, f)
		st.Files++
		st.Rows += f.Rows
		st.Bytes += f.Bytes
	}
	for _, t := range tables {
		st.Tables = append(st.Tables, *t)
	}
	for _, d := range days {
		st.Days = append(st.Days, *d)
	}
	sort.Slice(st.Tables, func(i, j int) bool { return st.Tables[i].Table < st.Tables[j].Table })
	sort.Slice(st.Days, func(i, j int) bool {
		if st.Days[i].Table != st.Days[j].Table {
			return st.Days[i].Table < st.Days[j].Table
		}
		return st.Days[i].Day < st.Days[j].Day
	})
	return st
}

// PruneResult is what Prune removed.
type PruneResult struct {
	Files int
	Rows  int64
	Bytes int64
	// Days lists the partitions removed, as Table/YYYY-MM-DD.
	Days []string
}

// Prune removes every day partition whose rows are all older than cutoff
// (its newest Timestamp is before cutoff), atomically: the new manifest is
// committed first, then the files are deleted (a kill in between leaves
// files the next ingest or prune removes). Rows without a Timestamp are
// kept. The ingested sources stay listed, so re-ingesting a file does not
// bring pruned rows back.
func (s *Store) Prune(cutoff time.Time) (*PruneResult, error) {
	unlock, err := lockDir(filepath.Join(s.dir, lockName))
	if err != nil {
		return nil, fmt.Errorf("store %s: cannot take the lock: %v", s.dir, err)
	}
	defer unlock()
	m, err := readManifest(s.dir)
	if err != nil {
		return nil, err
	}
	cut := types.TicksFromTime(cutoff)
	// A day goes only when all its files are older than the cutoff.
	keep := map[partKey]bool{}
	for _, f := range m.Files {
		if f.MaxTicks == nil || *f.MaxTicks >= cut {
			keep[partKey{f.Table, f.Day}] = true
		}
	}
	res := &PruneResult{}
	next := *m
	next.Files = nil
	var gone []FileEntry
	seenDay := map[partKey]bool{}
	for _, f := range m.Files {
		k := partKey{f.Table, f.Day}
		if keep[k] {
			next.Files = append(next.Files, f)
			continue
		}
		gone = append(gone, f)
		res.Files++
		res.Rows += f.Rows
		res.Bytes += f.Bytes
		if !seenDay[k] {
			seenDay[k] = true
			res.Days = append(res.Days, f.Table+"/"+f.Day)
		}
	}
	if len(gone) == 0 {
		s.manifest = m
		return res, cleanOrphans(s.dir, m)
	}
	if next.Files == nil {
		next.Files = []FileEntry{}
	}
	next.Generation++
	if err := writeManifest(s.dir, &next); err != nil {
		return nil, err
	}
	s.manifest = &next
	for _, f := range gone {
		os.Remove(filepath.Join(s.dir, filepath.FromSlash(f.Path)))
	}
	sort.Strings(res.Days)
	return res, cleanOrphans(s.dir, &next)
}

// Check verifies the store against its manifest: every listed file exists,
// is a readable Parquet file with the listed number of rows, and no file is
// listed twice. It returns the problems found.
func (s *Store) Check() []error {
	var errs []error
	seen := map[string]bool{}
	hashes := map[string]bool{}
	for _, src := range s.manifest.Sources {
		if hashes[src.SHA256] {
			errs = append(errs, fmt.Errorf("source %s (%s) listed twice", src.Path, src.SHA256))
		}
		hashes[src.SHA256] = true
	}
	for _, f := range s.manifest.Files {
		if seen[f.Path] {
			errs = append(errs, fmt.Errorf("%s listed twice", f.Path))
			continue
		}
		seen[f.Path] = true
		path := filepath.Join(s.dir, filepath.FromSlash(f.Path))
		fh, err := os.Open(path)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		st, err := fh.Stat()
		if err == nil {
			var pf *parquetFile
			pf, err = openParquet(fh, st.Size())
			if err == nil && pf.f.NumRows() != f.Rows {
				err = fmt.Errorf("%d rows, the manifest says %d", pf.f.NumRows(), f.Rows)
			}
		}
		fh.Close()
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %v", f.Path, err))
		}
	}
	return errs
}
