package store_test

import (
	"bytes"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/rmmhunt/rmmhunt/gen"
	"github.com/rmmhunt/rmmhunt/store"
)

// TestCrashSafety builds the rmmhunt binary, starts ingests of a
// generated fleet and kills them (SIGKILL) at random points — while
// parsing, writing files, or committing. After every kill the store must
// be consistent: the manifest parses, every listed file exists with its
// row count, no source is listed twice, and the rows stored are exactly
// those of the sources listed. A final run completes with no loss and no
// double counting, and one more is a no-op.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and ingests a generated fleet")
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "rmmhunt")
	build := exec.Command("go", "build", "-o", bin, "../cmd/rmmhunt")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	data := filepath.Join(tmp, "data")
	if _, err := gen.Generate(gen.Options{Devices: 200, Days: 10, Seed: 7, OutDir: data, RowsPerDeviceDay: 30}); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(data, gen.TruthFile))
	dir := filepath.Join(tmp, "store")
	// Small files, so that an ingest writes many and renames many.
	args := []string{"ingest", "--store", dir, "--file-rows", "5000", data}

	// How long an uninterrupted ingest takes, in a scratch store.
	start := time.Now()
	ref := exec.Command(bin, "ingest", "--store", filepath.Join(tmp, "ref"), data)
	out, err := ref.CombinedOutput()
	if err != nil {
		t.Fatalf("reference ingest: %v\n%s", err, out)
	}
	full := time.Since(start)
	want := summary(t, out)
	if want[0] == 0 || want[0] != want[1] {
		t.Fatalf("reference ingest: %s", out)
	}

	rng := rand.New(rand.NewSource(1))
	kills := 0
	for i := 0; i < 6; i++ {
		cmd := exec.Command(bin, args...)
		var buf bytes.Buffer
		cmd.Stdout, cmd.Stderr = &buf, &buf
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		delay := time.Duration(rng.Int63n(int64(full)))
		time.Sleep(delay)
		cmd.Process.Signal(syscall.SIGKILL)
		err := cmd.Wait()
		checkStore(t, dir, want[0], false)
		if err == nil {
			// It finished: start the next round from an empty store, so
			// that every kill hits a real ingest.
			checkStore(t, dir, want[0], true)
			if err := os.RemoveAll(dir); err != nil {
				t.Fatal(err)
			}
			continue
		}
		kills++
		t.Logf("killed after %v of %v", delay.Round(time.Millisecond), full.Round(time.Millisecond))
	}
	if kills == 0 {
		t.Error("no ingest was killed before it finished")
	}
	out, err = exec.Command(bin, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("final ingest: %v\n%s", err, out)
	}
	got := summary(t, out)
	if got[0] != want[0] || got[1]+got[3] != want[0] || got[2] != 0 {
		t.Fatalf("final ingest %v, want every one of %d rows stored or duplicate: %s", got, want[0], out)
	}
	checkStore(t, dir, want[0], true)
	out, err = exec.Command(bin, args...).CombinedOutput()
	if err != nil {
		t.Fatal(err)
	}
	if got := summary(t, out); got != [4]int64{want[0], 0, 0, want[0]} {
		t.Fatalf("re-ingest %v, want all %d rows duplicates", got, want[0])
	}
}

var summaryRE = regexp.MustCompile(`read (\d+), stored (\d+), rejected (\d+), duplicates (\d+)`)

func summary(t *testing.T, out []byte) [4]int64 {
	t.Helper()
	m := summaryRE.FindSubmatch(out)
	if m == nil {
		t.Fatalf("no summary line in %s", out)
	}
	var r [4]int64
	for i := range r {
		r[i], _ = strconv.ParseInt(string(m[i+1]), 10, 64)
	}
	if r[0] != r[1]+r[2]+r[3] {
		t.Fatalf("counts do not add up: %s", m[0])
	}
	return r
}

// checkStore checks a store's consistency; complete says every row must
// be there.
func checkStore(t *testing.T, dir string, total int64, complete bool) {
	t.Helper()
	if !store.Exists(dir) {
		if complete {
			t.Fatal("no manifest")
		}
		return
	}
	s, err := store.Open(dir)
	if err != nil {
		t.Fatalf("manifest: %v", err)
	}
	if errs := s.Check(); len(errs) > 0 {
		t.Fatalf("inconsistent store: %v", errs)
	}
	m := s.Manifest()
	var rows, stored int64
	for _, f := range m.Files {
		rows += f.Rows
	}
	for _, src := range m.Sources {
		stored += src.Stored
	}
	if rows != stored {
		t.Fatalf("the files hold %d rows, the sources stored %d", rows, stored)
	}
	if rows > total || complete && rows != total {
		t.Fatalf("the store holds %d rows, want %d", rows, total)
	}
}
