package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/rmmhunt/rmmhunt/store"
)

func newIngestCmd(e *env) *cobra.Command {
	var (
		dir        string
		tableName  string
		maxRejects int
		verbose    bool
		fileRows   int
	)
	c := &cobra.Command{
		Use:   "ingest PATH... [--store DIR] [--table T] [--max-rejects N] [-v]",
		Short: "Store Defender exports in the embedded store, once, for many hunts",
		Long: "Reads files or directories (every format query --data reads) into the store folder,\n" +
			"partitioned by table and day, and commits them atomically. Files already ingested\n" +
			"(same content) are skipped and their rows counted as duplicates. Ends with the line\n" +
			"`read R, stored S, rejected X, duplicates D`; rejected rows are kept in DIR/_rejects/.",
		Args: cobra.ArbitraryArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErr("ingest needs at least one file or directory")
			}
			if maxRejects < -1 {
				return usageErr("--max-rejects must be 0 or more")
			}
			s, err := store.Open(dir)
			if err != nil {
				return failErr(err)
			}
			opts := store.IngestOptions{Table: tableName, MaxRejects: maxRejects, FileRows: fileRows}
			var bar *progressBar
			if isTerminal(e.stderr) {
				bar = &progressBar{w: e.stderr}
				opts.Progress = bar.update
			}
			mem := startMemSampler()
			start := time.Now()
			res, err := s.Ingest(args, opts)
			elapsed := time.Since(start)
			peakHeap := mem.stop()
			if bar != nil {
				bar.clear()
			}
			if res != nil {
				reportIngest(e, res)
				if verbose {
					reportIngestVerbose(e, s, res, elapsed, peakHeap)
				}
				fmt.Fprintf(e.stdout, "read %d, stored %d, rejected %d, duplicates %d\n", res.Read, res.Stored, res.Rejected, res.Duplicates)
			}
			if err != nil {
				if errors.Is(err, store.ErrTooManyRejects) && res != nil && res.RejectsFile != "" {
					err = fmt.Errorf("%v (rejected rows in %s)", err, res.RejectsFile)
				}
				return failErr(fmt.Errorf("ingest failed, the store is unchanged: %w", err))
			}
			return nil
		},
	}
	c.Flags().StringVar(&dir, "store", store.DefaultDir, "store folder (created when missing)")
	c.Flags().StringVar(&tableName, "table", "", "table name for files that do not carry one (CSV, NDJSON, API JSON)")
	c.Flags().IntVar(&maxRejects, "max-rejects", -1, "fail the ingest, storing nothing, when more than N rows are rejected (default: no limit)")
	c.Flags().BoolVarP(&verbose, "verbose", "v", false, "print per-file counts, files written, speed and peak memory")
	c.Flags().IntVar(&fileRows, "file-rows", 0, "most rows per Parquet file (default 524288)")
	c.Flags().MarkHidden("file-rows")
	return c
}

// reportIngest prints warnings and the first rejects to stderr.
func reportIngest(e *env, res *store.IngestResult) {
	for _, w := range res.Warnings {
		fmt.Fprintf(e.stderr, "note: %s\n", w)
	}
	for _, f := range res.Files {
		if f.Error != "" {
			fmt.Fprintf(e.stderr, "%s: %s\n", f.Path, f.Error)
		}
	}
	const shown = 20
	for i, r := range res.Rejects {
		if i == shown {
			fmt.Fprintf(e.stderr, "and %d more rejected rows\n", res.Rejected-shown)
			break
		}
		fmt.Fprintf(e.stderr, "%s\n", r)
	}
	if res.RejectsFile != "" {
		fmt.Fprintf(e.stderr, "rejected rows written to %s\n", res.RejectsFile)
	}
}

func reportIngestVerbose(e *env, s *store.Store, res *store.IngestResult, elapsed time.Duration, peakHeap uint64) {
	for _, f := range res.Files {
		switch {
		case f.Duplicate:
			fmt.Fprintf(e.stderr, "%s: already stored (sha256 %.12s…), %d rows counted as duplicates\n", f.Path, f.SHA256, f.Duplicates)
		case f.Error == "":
			fmt.Fprintf(e.stderr, "%s: %s, read %d, stored %d, rejected %d\n", f.Path, f.Format, f.Read, f.Stored, f.Rejected)
		}
	}
	secs := elapsed.Seconds()
	rate := 0.0
	if secs > 0 {
		rate = float64(res.Read) / secs
	}
	fmt.Fprintf(e.stderr, "store %s: generation %d, %d new files, %s written\n", s.Dir(), res.Generation, res.NewFiles, sizeText(res.NewBytes))
	fmt.Fprintf(e.stderr, "time %.2fs, %.0f rows/s; peak memory: Go heap %s", secs, rate, sizeText(int64(peakHeap)))
	if rss, ok := peakRSS(); ok {
		fmt.Fprintf(e.stderr, ", process %s (peak resident set)", sizeText(rss))
	}
	fmt.Fprintln(e.stderr)
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// progressBar draws one status line on a terminal.
type progressBar struct {
	mu    sync.Mutex
	w     io.Writer
	drawn bool
}

func (p *progressBar) update(pr store.Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	secs := pr.Elapsed.Seconds()
	line := fmt.Sprintf("ingest: %d rows", pr.Rows)
	if secs > 0 {
		line += fmt.Sprintf(", %.0f rows/s", float64(pr.Rows)/secs)
	}
	line += ", " + sizeText(pr.Bytes)
	if pr.TotalBytes > 0 {
		frac := float64(pr.Bytes) / float64(pr.TotalBytes)
		line += fmt.Sprintf(" of %s (%.0f%%)", sizeText(pr.TotalBytes), 100*frac)
		if frac > 0.01 && frac < 1 {
			eta := time.Duration(secs/frac*(1-frac)) * time.Second
			line += ", ETA " + eta.Round(time.Second).String()
		}
	}
	fmt.Fprintf(p.w, "\r%-78s", line)
	p.drawn = true
}

func (p *progressBar) clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprintf(p.w, "\r%78s\r", "")
	}
}

// memSampler records the peak of the Go heap in use while an ingest runs.
type memSampler struct {
	done chan struct{}
	wg   sync.WaitGroup
	peak uint64
}

func startMemSampler() *memSampler {
	m := &memSampler{done: make(chan struct{})}
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			m.sample()
			select {
			case <-m.done:
				return
			case <-t.C:
			}
		}
	}()
	return m
}

func (m *memSampler) sample() {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	if v := ms.HeapInuse + ms.StackInuse; v > m.peak {
		m.peak = v
	}
}

func (m *memSampler) stop() uint64 {
	close(m.done)
	m.wg.Wait()
	m.sample()
	return m.peak
}

// peakRSS reads the process's peak resident set size where the system
// reports it (Linux /proc).
func peakRSS() (int64, bool) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			fields := strings.Fields(rest)
			if len(fields) >= 1 {
				kb, err := strconv.ParseInt(fields[0], 10, 64)
				if err == nil {
					return kb << 10, true
				}
			}
		}
	}
	return 0, false
}
