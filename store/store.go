// Package store is rmmhunt's embedded on-disk store: one folder holding
// Defender telemetry as Parquet files partitioned by table and UTC day,
// and a JSON manifest that lists every file. Telemetry is ingested once
// (Ingest) and hunted many times (Store is an engine.Source).
//
// Layout of a store folder:
//
//	manifest.json                         the list of committed files and ingested sources
//	<Table>/<YYYY-MM-DD>/<name>.parquet   rows of one table whose Timestamp falls on that UTC day
//	<Table>/undated/<name>.parquet        rows without a Timestamp
//	_rejects/<ingest>.jsonl               rejected rows of an ingest: file, line, column, reason, raw
//	.lock                                 held by a running ingest or prune
//
// The manifest is the only source of truth: a Parquet file it does not
// list is not part of the store. An ingest writes its files under
// temporary names (.parquet.tmp), syncs them, renames them, and then
// commits by atomically replacing the manifest (write a temporary file,
// sync, rename, sync the folder). A process killed at any moment leaves
// the store as it was before the ingest or as it is after it; files left
// by a killed ingest are removed by the next ingest or prune. The content
// hash (SHA-256) of every ingested source file is kept in the manifest, so
// ingesting the same file again is a no-op whose rows count as duplicates.
//
// Parquet types (readable with DuckDB, ClickHouse, pandas...): see
// parquet.go. Datetimes are TIMESTAMP(MICROS, UTC) plus, when needed, a
// column <name>__100ns with the 100-nanosecond digit, so ticks stay exact;
// longs are INT64; strings are dictionary-encoded UTF-8; dynamic values
// are JSON text. The KQL schema of each file is also in its key/value
// metadata under "rmmhunt.schema".
//
// The store does not deduplicate individual rows (only whole files), does
// not update or delete rows other than by dropping whole days (Prune), and
// does not serve concurrent writers: an ingest or prune takes the folder's
// lock, and a second one waits for it.
package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/schema"
)

// DefaultDir is the store folder used when none is named.
const DefaultDir = "rmmhunt.store"

// Names inside a store folder.
const (
	ManifestName = "manifest.json"
	RejectsDir   = "_rejects"
	lockName     = ".lock"
	tmpSuffix    = ".tmp"
	// UndatedDay is the partition of rows without a Timestamp.
	UndatedDay = "undated"
)

// manifestFormat identifies a manifest written by this package.
const manifestFormat = "rmmhunt-store"

// manifestVersion is the manifest layout version.
const manifestVersion = 1

// Manifest lists the committed content of a store.
type Manifest struct {
	Format  string `json:"format"`
	Version int    `json:"version"`
	// Generation counts commits; each ingest or prune adds one.
	Generation int64 `json:"generation"`
	// Updated is when the last commit was made (RFC 3339).
	Updated string      `json:"updated,omitempty"`
	Files   []FileEntry `json:"files"`
	// Sources are the input files already ingested, by content hash.
	Sources []SourceEntry `json:"sources"`
}

// FileEntry describes one Parquet file of the store.
type FileEntry struct {
	// Path is the file's path relative to the store folder, with '/'.
	Path  string `json:"path"`
	Table string `json:"table"`
	// Day is the UTC day (YYYY-MM-DD) of every Timestamp in the file, or
	// UndatedDay.
	Day   string `json:"day"`
	Rows  int64  `json:"rows"`
	Bytes int64  `json:"bytes"`
	// MinTime and MaxTime bound the file's Timestamps (Kusto format);
	// MinTicks and MaxTicks are the same in 100 ns ticks. They are absent
	// when no row has a Timestamp.
	MinTime  string `json:"min_time,omitempty"`
	MaxTime  string `json:"max_time,omitempty"`
	MinTicks *int64 `json:"min_ticks,omitempty"`
	MaxTicks *int64 `json:"max_ticks,omitempty"`
	// Columns is the file's KQL schema, in order.
	Columns []fieldJSON `json:"columns"`
	// Generation is the commit that added the file.
	Generation int64 `json:"generation"`
}

// SourceEntry is one input file already ingested.
type SourceEntry struct {
	SHA256 string `json:"sha256"`
	// Path is the file as it was named when ingested.
	Path     string `json:"path"`
	Size     int64  `json:"size"`
	Read     int64  `json:"read"`
	Stored   int64  `json:"stored"`
	Rejected int64  `json:"rejected"`
	// Generation is the commit that ingested it.
	Generation int64 `json:"generation"`
}

// Store is an open store folder. Its manifest is read when it is opened;
// Reload reads it again.
type Store struct {
	dir      string
	reg      *schema.Registry
	manifest *Manifest
	stats    scanCounters
	// scanWorkers, when positive, replaces GOMAXPROCS as the number of
	// row groups a scan reads at once (tests compare 1 with many).
	scanWorkers int
}

// Open opens the store in dir. A folder without a manifest is an empty
// store (the first ingest creates it); a manifest that cannot be read is
// an error.
func Open(dir string) (*Store, error) {
	s := &Store{dir: dir, reg: schema.Default()}
	if err := s.Reload(); err != nil {
		return nil, err
	}
	return s, nil
}

// Exists reports whether dir holds a store (a manifest).
func Exists(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, ManifestName))
	return err == nil
}

// Dir returns the store folder.
func (s *Store) Dir() string { return s.dir }

// Manifest returns the manifest read when the store was (re)loaded; the
// caller must not modify it.
func (s *Store) Manifest() *Manifest { return s.manifest }

// Reload reads the manifest again.
func (s *Store) Reload() error {
	m, err := readManifest(s.dir)
	if err != nil {
		return err
	}
	s.manifest = m
	return nil
}

func emptyManifest() *Manifest {
	return &Manifest{Format: manifestFormat, Version: manifestVersion, Files: []FileEntry{}, Sources: []SourceEntry{}}
}

// readManifest reads dir's manifest; a missing one is an empty store.
func readManifest(dir string) (*Manifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, ManifestName))
	if errors.Is(err, fs.ErrNotExist) {
		return emptyManifest(), nil
	}
	if err != nil {
		return nil, err
	}
	m := &Manifest{}
	if err := json.Unmarshal(b, m); err != nil {
		return nil, fmt.Errorf("store %s: the manifest is not valid JSON: %v", dir, err)
	}
	if m.Format != manifestFormat {
		return nil, fmt.Errorf("store %s: %s is not an rmmhunt store manifest", dir, ManifestName)
	}
	if m.Version > manifestVersion {
		return nil, fmt.Errorf("store %s: manifest version %d is newer than this rmmhunt reads (%d)", dir, m.Version, manifestVersion)
	}
	if m.Files == nil {
		m.Files = []FileEntry{}
	}
	if m.Sources == nil {
		m.Sources = []SourceEntry{}
	}
	return m, nil
}

// writeManifest commits m: it is written to a temporary file, synced,
// renamed over the manifest, and the folder is synced.
func writeManifest(dir string, m *Manifest) error {
	m.Updated = time.Now().UTC().Format(time.RFC3339)
	b, err := json.MarshalIndent(m, "", " ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	tmp := filepath.Join(dir, ManifestName+tmpSuffix)
	if err := writeFileSync(tmp, b); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(dir, ManifestName)); err != nil {
		return err
	}
	return syncDir(dir)
}

// writeFileSync writes b to path and syncs it.
func writeFileSync(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// syncDir syncs a folder so that renames and new entries in it survive a
// crash. Systems that cannot sync folders are ignored.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) && !isUnsupportedSync(err) {
		return err
	}
	return nil
}

// dayOf returns the partition day of a Timestamp.
func dayOf(ticks int64) string {
	return types.TimeFromTicks(ticks).Format("2006-01-02")
}

// cleanOrphans removes every file under the table folders that the
// manifest does not list (left by a killed ingest or prune), and empty
// folders. The caller holds the lock.
func cleanOrphans(dir string, m *Manifest) error {
	listed := make(map[string]bool, len(m.Files))
	for _, f := range m.Files {
		listed[f.Path] = true
	}
	var empty []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		rel = filepath.ToSlash(rel)
		if rel == "." {
			return nil
		}
		top := strings.SplitN(rel, "/", 2)[0]
		if top == RejectsDir || strings.HasPrefix(top, ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			empty = append(empty, path)
			return nil
		}
		if !strings.Contains(rel, "/") {
			if rel == ManifestName+tmpSuffix {
				return os.Remove(path)
			}
			return nil // manifest.json and files of the user's own
		}
		if listed[rel] {
			return nil
		}
		if strings.HasSuffix(rel, ".parquet") || strings.HasSuffix(rel, ".parquet"+tmpSuffix) {
			return os.Remove(path)
		}
		return nil
	})
	if err != nil {
		return err
	}
	// Deepest first, so that a day folder goes before its table folder.
	sort.Slice(empty, func(i, j int) bool { return len(empty[i]) > len(empty[j]) })
	for _, d := range empty {
		os.Remove(d) // fails, as wanted, when not empty
	}
	return nil
}
