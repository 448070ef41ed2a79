package store

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzManifest reads arbitrary bytes as a manifest: it must be refused or
// read, never panic, and a manifest that is read must survive a write and
// a read back.
func FuzzManifest(f *testing.F) {
	f.Add([]byte(`{"format":"rmmhunt-store","version":1,"generation":2,"files":[{"path":"T/2026-11-19/a.parquet","table":"T","day":"2026-11-19","rows":3,"min_ticks":1,"max_ticks":2,"columns":[{"name":"Timestamp","type":"datetime"}]}],"sources":[{"sha256":"ab","path":"x","read":3,"stored":3}]}`))
	f.Add([]byte(`{"format":"rmmhunt-store","version":9}`))
	f.Add([]byte(`{"files":null}`))
	f.Add([]byte(`[`))
	f.Fuzz(func(t *testing.T, b []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, ManifestName), b, 0o644); err != nil {
			t.Fatal(err)
		}
		m, err := readManifest(dir)
		if err != nil {
			return
		}
		if err := writeManifest(dir, m); err != nil {
			t.Fatal(err)
		}
		m2, err := readManifest(dir)
		if err != nil {
			t.Fatalf("a manifest written back cannot be read: %v", err)
		}
		if len(m2.Files) != len(m.Files) || len(m2.Sources) != len(m.Sources) || m2.Generation != m.Generation {
			t.Fatal("the manifest changed when written back")
		}
		s := &Store{dir: dir, manifest: m}
		s.Stats()
		s.TableNames()
		for _, name := range s.TableNames() {
			s.TableSchema(name)
		}
		s.LatestTime()
	})
}
